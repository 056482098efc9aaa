"""Local stand-ins for the OpenAI-compatible servers the README lists, each answering `response_format` as its
documentation says it does. They run on FakeOpenAI (real HTTP on 127.0.0.1), so the real openai client and the
real negotiation in shared/adapters meet the same errors they would meet in the field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tests.support.fake_openai import ReceivedRequest, Reply

JSON_SCHEMA = "json_schema"
JSON_OBJECT_WITH_SCHEMA = "json_object_with_schema"
JSON_OBJECT = "json_object"
PROMPT = "prompt"


def requested_mode(body: Mapping[str, Any]) -> str:
    """Which structured-output mode a chat request asks for."""
    response_format = body.get("response_format")
    if not isinstance(response_format, Mapping):
        return PROMPT
    if response_format.get("type") == "json_schema":
        return JSON_SCHEMA
    return JSON_OBJECT_WITH_SCHEMA if "schema" in response_format else JSON_OBJECT


@dataclass(frozen=True)
class ServerKind:
    """One server's documented behaviour: the modes it takes, and its answer to the ones it does not."""

    name: str
    settings: str  # what the README tells a user to set for it
    accepted: frozenset[str]
    refusal: Callable[[str], Reply]
    # llama-cpp-python's grammar lets raw newlines into JSON strings.
    raw_newlines: bool = False
    # A server answering a prompt-only request may wrap the JSON in a code fence.
    fenced: bool = False

    def responder(self, answer: Mapping[str, Any]) -> Callable[[ReceivedRequest], Reply]:
        def respond(request: ReceivedRequest) -> Reply:
            mode = requested_mode(request.body)
            if mode not in self.accepted:
                return self.refusal(mode)
            text = json.dumps(answer, ensure_ascii=False)
            if self.raw_newlines:
                text = text.replace("\\n", "\n")
            if self.fenced and mode == PROMPT:
                text = f"```json\n{text}\n```"
            return Reply.text(text)

        return respond

    @property
    def first_working_mode(self) -> str:
        return next(mode for mode in (JSON_SCHEMA, JSON_OBJECT_WITH_SCHEMA, JSON_OBJECT, PROMPT) if mode in self.accepted)


def _never(mode: str) -> Reply:
    raise AssertionError(f"a server that accepts every mode was asked for {mode}")


def _azure_before_2024_08(mode: str) -> Reply:
    if mode == JSON_SCHEMA:
        message = "response_format value as json_schema is enabled only for api versions 2024-08-01-preview and later"
    else:
        message = "Additional properties are not allowed ('schema' was unexpected) - 'response_format'"
    return Reply.failure(400, code="BadRequest", type="invalid_request_error", message=message)


def _llama_cpp_python(mode: str) -> Reply:
    # Its FastAPI server validates the body with pydantic and answers a bad literal with a 500.
    return Reply.failure(
        500,
        type="internal_server_error",
        message="1 validation error for CreateChatCompletionRequest\nresponse_format.type\n  Input should be 'text' or "
        "'json_object' [type=literal_error, input_value='json_schema', input_type=str]",
    )


def _litellm_without_json_mode(mode: str) -> Reply:
    return Reply.failure(
        400,
        type="invalid_request_error",
        message="litellm.UnsupportedParamsError: huggingface does not support parameters: ['response_format'], for "
        "model=tgi. To drop these, set `litellm.drop_params=True` or for proxy: `litellm_settings: drop_params: true`.",
    )


ALL_MODES = frozenset({JSON_SCHEMA, JSON_OBJECT_WITH_SCHEMA, JSON_OBJECT, PROMPT})

SERVER_KINDS: tuple[ServerKind, ...] = (
    ServerKind("OpenAI", "OPENAI_API_KEY", ALL_MODES, _never),
    ServerKind(
        "Azure OpenAI, api-version before 2024-08-01-preview",
        "OPENAI_BASE_URL=https://<resource>.openai.azure.com/openai/v1",
        frozenset({JSON_OBJECT, PROMPT}),
        _azure_before_2024_08,
    ),
    ServerKind("Ollama 0.5+", "OPENAI_BASE_URL=http://127.0.0.1:11434/v1", ALL_MODES, _never),
    ServerKind("vLLM", "OPENAI_BASE_URL=http://127.0.0.1:8000/v1", ALL_MODES, _never),
    ServerKind("llama.cpp llama-server", "OPENAI_BASE_URL=http://127.0.0.1:8080/v1", ALL_MODES, _never),
    ServerKind(
        "llama-cpp-python server",
        "OPENAI_BASE_URL=http://127.0.0.1:8089/v1 (make llm-local)",
        frozenset({JSON_OBJECT_WITH_SCHEMA, JSON_OBJECT, PROMPT}),
        _llama_cpp_python,
        raw_newlines=True,
    ),
    ServerKind(
        "LiteLLM proxy, model without JSON mode",
        "OPENAI_BASE_URL=http://127.0.0.1:4000/v1",
        frozenset({PROMPT}),
        _litellm_without_json_mode,
        fenced=True,
    ),
)
