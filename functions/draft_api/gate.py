"""What is refused before routing: no identity (401), an oversized body (413), a body that is not JSON (415).

It runs ahead of the resolver because Powertools validates, and so parses, the body before any
middleware or dependency sees the request: the caller's identity is checked first, as API
Gateway's authorizer does, and a body is measured before anything reads it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Collection, Mapping
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import content_types

from functions.draft_api.errors import ApiError, proxy_error
from functions.draft_api.identity import UNAUTHENTICATED, claimed_user

# Far above the largest valid request (an 8,000-character bio and a 1,500-character pitch, even at
# 4 bytes per character) and far below API Gateway's 10 MB: anything bigger is not a real request.
MAX_BODY_BYTES = 64 * 1024
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def reject_early(event: Mapping[str, Any], *, public_routes: Collection[tuple[str, str]]) -> dict[str, Any] | None:
    """A proxy error response for a request that must go no further, or None to let the resolver handle it."""
    http = (event.get("requestContext") or {}).get("http") or {}
    method = str(http.get("method", "")).upper()
    if (method, event.get("rawPath", "")) not in public_routes and claimed_user(event) is None:
        return proxy_error(UNAUTHENTICATED)
    body = event.get("body")
    if method not in _BODY_METHODS or not body:
        return None
    size = _body_size(body, base64_encoded=bool(event.get("isBase64Encoded")))
    if size is None:
        return proxy_error(
            ApiError(
                HTTPStatus.BAD_REQUEST, "malformed_body", "The request could not be read: it is not valid base64 UTF-8 text."
            )
        )
    if size > MAX_BODY_BYTES:
        return proxy_error(
            ApiError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                "body_too_large",
                f"The request is {size:,} bytes; noask takes at most {MAX_BODY_BYTES:,}. Shorten the bio or pitch.",
            )
        )
    headers = {str(name).lower(): str(value) for name, value in (event.get("headers") or {}).items()}
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    # No Content-Type is read as JSON, as Powertools does; a named one must be JSON.
    if content_type and content_type != content_types.APPLICATION_JSON and not content_type.endswith("+json"):
        return proxy_error(
            ApiError(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                f"noask reads requests written as JSON (Content-Type: application/json), not {content_type}.",
                field="Content-Type",
            )
        )
    return None


def _body_size(body: str, *, base64_encoded: bool) -> int | None:
    if not base64_encoded:
        return len(body.encode("utf-8"))
    try:
        decoded = base64.b64decode(body, validate=True)
        # JSON is UTF-8 (RFC 8259); other bytes would make Powertools' own decoding fail with a 500.
        decoded.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return len(decoded)
