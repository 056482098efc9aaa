"""Log redaction: secrets and users' text never reach a log line, whoever logs them.

The code logs reasons and ids, not content; this formatter is the second line of defence for
what a future log call, an exception message or a library might add.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

REDACTED = "[redacted]"

# Keys whose values are users' text or credentials, compared case-insensitively.
SENSITIVE_KEYS = frozenset(
    {
        "authorization",
        "cookie",
        "api_key",
        "openai_api_key",
        "token",
        "id_token",
        "access_token",
        "refresh_token",
        "password",
        "secret",
        "target_bio",
        "bio",
        "pitch",
        "body",
        "text",
        "note",
        "raw",
        "draft",
        "email_body",
    }
)

# Values that look like credentials wherever they appear: bearer tokens, JWTs, OpenAI-style keys.
_SECRET_PATTERNS = re.compile(
    r"(?i:bearer\s+)[A-Za-z0-9._~+/=-]+"
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"
    r"|\bsk-[A-Za-z0-9_-]{8,}"
)


def redact(value: Any) -> Any:
    """A copy of `value` with sensitive keys' values replaced and credential-shaped strings masked."""
    if isinstance(value, Mapping):
        return {key: REDACTED if str(key).lower() in SENSITIVE_KEYS else redact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return _SECRET_PATTERNS.sub(REDACTED, value)
    return value


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter, with every record passed through `redact` before it is written."""

    def serialize(self, log: Mapping[str, Any]) -> str:
        return super().serialize(redact(log))
