"""Structured output across OpenAI-compatible servers: which `response_format` to send, how to read the answer.

Servers differ: OpenAI, Azure OpenAI (api-version 2024-08-01-preview and later), vLLM, Ollama (0.5+), llama.cpp's
`llama-server` and LiteLLM in front of such a model take a strict `json_schema`; llama-cpp-python's server takes
only `{"type": "json_object", "schema": ...}`; older Azure api-versions and some proxies take only plain
`json_object`; a few take none. The adapter tries the modes in MODES order, moves on when a server says a mode is
unsupported, and remembers what worked for the endpoint.
"""

from __future__ import annotations

import json
import re
import threading
from enum import StrEnum
from typing import Any

MAX_LOGGED_ERROR_CHARS = 300


class OutputMode(StrEnum):
    JSON_SCHEMA = "json_schema"
    JSON_OBJECT_WITH_SCHEMA = "json_object_with_schema"
    JSON_OBJECT = "json_object"
    PROMPT = "prompt"


# Strictest first: each later mode is enforced less by the server and more by our own validation.
MODES: tuple[OutputMode, ...] = tuple(OutputMode)

# What a server's error says when the structured-output request itself is what it refuses.
_NAMES_RESPONSE_FORMAT = re.compile(
    r"response[_ ]format|json[_ ]schema|json[_ ]object|structured[_ ]output|\bschema\b|\bgrammar\b|"
    r"input should be '?text'?",
    re.IGNORECASE,
)
_SECRET = re.compile(r"(?i)\b(?:sk|key|token|bearer)[-_ ][A-Za-z0-9._-]{8,}")
_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")

PROMPT_MODE_INSTRUCTION = (
    "Answer with one JSON object and nothing else: no prose, no code fence. It must match this JSON schema:\n"
)


def response_format(mode: OutputMode, *, name: str, schema: dict[str, object]) -> dict[str, Any] | None:
    """The `response_format` to send for `mode`, or None when the JSON is asked for in the prompt alone."""
    if mode is OutputMode.JSON_SCHEMA:
        return {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}}
    if mode is OutputMode.JSON_OBJECT_WITH_SCHEMA:
        return {"type": "json_object", "schema": schema}
    if mode is OutputMode.JSON_OBJECT:
        return {"type": "json_object"}
    return None


def names_response_format(error_text: str) -> bool:
    """Whether an error body says the server refused the structured-output mode (not the request as a whole)."""
    return bool(_NAMES_RESPONSE_FORMAT.search(error_text))


def redacted(error_text: str) -> str:
    """A server's error body fit for the logs: credentials masked, one line, bounded."""
    flat = " ".join(_SECRET.sub("[redacted]", error_text).split())
    return flat[:MAX_LOGGED_ERROR_CHARS]


def json_object_text(answer: str) -> str:
    """The answer as strict JSON text when it can be read safely, else unchanged (strict validation then explains).

    Safe repairs only: a code fence or prose around the one object, and raw control characters (a newline typed
    inside a string) escaped. Nothing is guessed: a missing brace or quote stays an error."""
    text = _FENCE.sub("", answer.strip())
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return answer
    candidate = _escape_controls_in_strings(text[start : end + 1])
    try:
        value = json.loads(candidate)
    except ValueError:
        return answer
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else answer


def _escape_controls_in_strings(text: str) -> str:
    out: list[str] = []
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            elif char < " ":
                out.append(json.dumps(char)[1:-1])
                continue
        elif char == '"':
            in_string = True
        out.append(char)
    return "".join(out)


class ModeMemory:
    """The mode that last worked per endpoint and model, for the process's life (a Lambda container, a server)."""

    def __init__(self) -> None:
        self._working: dict[tuple[str, str], OutputMode] = {}
        self._lock = threading.Lock()

    def first(self, endpoint: str, model: str) -> OutputMode:
        with self._lock:
            return self._working.get((endpoint, model), MODES[0])

    def remember(self, endpoint: str, model: str, mode: OutputMode) -> None:
        with self._lock:
            self._working[(endpoint, model)] = mode


def next_mode(mode: OutputMode) -> OutputMode | None:
    index = MODES.index(mode)
    return MODES[index + 1] if index + 1 < len(MODES) else None
