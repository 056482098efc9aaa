"""DraftModel over the official openai client, for any OpenAI-compatible endpoint, bounded by a deadline."""

from __future__ import annotations

import email.utils
import json
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from shared.adapters.structured_output import (
    PROMPT_MODE_INSTRUCTION,
    ModeMemory,
    OutputMode,
    json_object_text,
    names_response_format,
    next_mode,
    redacted,
    response_format,
)
from shared.ports import CallLog, ChatMessage, ModelError

if TYPE_CHECKING:  # the import itself costs ~0.5 s: it happens at the first call, not here
    from openai import APIStatusError, OpenAI
    from openai.types.chat import ChatCompletion, ChatCompletionMessageParam

logger = logging.getLogger(__name__)

# Waits between transient failures when the server names none; each must still fit before the deadline.
BACKOFF_SECONDS = (0.5, 1.0)
# A retry is only worth making when at least this much time is left for the call itself.
MIN_CALL_SECONDS = 0.5
# Passed explicitly: the template declares OPENAI_BASE_URL empty, and the client would read "" from it.
OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
# Drafting wants some variety but no invention: low, and configurable (NOASK_TEMPERATURE).
DEFAULT_TEMPERATURE = 0.4
# What worked per endpoint, shared by every adapter in the process.
_MODES = ModeMemory()


class OpenAIDraftModel:
    provider = "openai"

    def __init__(
        self,
        *,
        model: str,
        api_key: str | Callable[[], str] | None = None,
        base_url: str | None = None,
        max_retries: int = len(BACKOFF_SECONDS),
        temperature: float = DEFAULT_TEMPERATURE,
        schema_name: str = "noask_draft",
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        modes: ModeMemory = _MODES,
    ) -> None:
        self.model = model
        self._api_key = api_key
        self._base_url = base_url or OPENAI_DEFAULT_BASE_URL
        self._max_retries = max_retries
        self._temperature = temperature
        self._schema_name = schema_name
        self._clock = clock
        self._sleep = sleep
        self._modes = modes
        self._client: OpenAI | None = None
        self._client_lock = threading.Lock()

    def complete_json(
        self,
        messages: list[ChatMessage],
        *,
        schema: dict[str, object],
        deadline: float,
        max_tokens: int | None = None,
        log: CallLog | None = None,
    ) -> str:
        log = log if log is not None else CallLog()
        retries = 0
        mode = self._modes.first(self._base_url, self.model)
        # Built first (a cold `import openai` takes 0.5 s, seconds on a busy machine), so that time counts against the deadline.
        self._openai()
        while True:
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise ModelError("No time left before the deadline for a model call.", transient=True, code="deadline")
            try:
                log.http_requests += 1
                answer = _answer_text(self._create(messages, schema, mode, timeout=remaining, max_tokens=max_tokens))
            except _UnsupportedMode as error:
                logger.warning(
                    "The model endpoint refused a structured-output mode; trying the next.",
                    extra={"output_mode": mode.value, "status": error.status, "server_error": error.body},
                )
                log.unsupported_modes.append(mode.value)
                following = next_mode(mode)
                if following is None:
                    raise ModelError(
                        "The model endpoint does not support structured output in any form noask can use.",
                        transient=False,
                        code="unsupported_output",
                    ) from error
                mode = following
                continue
            except _TransientError as error:
                # A stalled server is not retried: its answer would come after the time the fallback needs.
                if retries >= self._max_retries or error.code == "deadline":
                    raise
                wait = BACKOFF_SECONDS[min(retries, len(BACKOFF_SECONDS) - 1)] if error.retry_after is None else error.retry_after
                if self._clock() + wait + MIN_CALL_SECONDS >= deadline:
                    raise ModelError(
                        f"{error.reason} A retry in {wait:g} s would not finish before the deadline.",
                        transient=True,
                        code=error.code,
                    ) from error
                self._sleep(wait)
                retries += 1
                continue
            self._modes.remember(self._base_url, self.model, mode)
            log.output_mode = mode.value
            return json_object_text(answer)

    def _create(
        self,
        messages: list[ChatMessage],
        schema: dict[str, object],
        mode: OutputMode,
        *,
        timeout: float,
        max_tokens: int | None,
    ) -> ChatCompletion:
        import openai

        wire = [_wire_message(message) for message in messages]
        response_format_value = response_format(mode, name=self._schema_name, schema=schema)
        if response_format_value is None:
            wire.append({"role": "user", "content": PROMPT_MODE_INSTRUCTION + json.dumps(schema)})
        options: dict[str, Any] = {"temperature": self._temperature}
        if max_tokens is not None:
            options["max_tokens"] = max_tokens
        if response_format_value is not None:
            options["response_format"] = response_format_value
        try:
            completion: ChatCompletion = self._openai().chat.completions.create(
                model=self.model, messages=wire, timeout=timeout, **options
            )
            return completion
        except openai.APITimeoutError as error:
            raise _TransientError("The model did not answer before its time was up.", code="deadline") from error
        except openai.APIConnectionError as error:
            raise _TransientError("Could not reach the model endpoint.", code="connection") from error
        except openai.RateLimitError as error:
            if "insufficient_quota" in (error.code, error.type):
                raise ModelError("The model account has no quota left.", transient=False, code="insufficient_quota") from error
            raise _TransientError(
                "The model endpoint is rate limiting.", code="rate_limited", retry_after=_retry_after(error.response.headers)
            ) from error
        except openai.APIStatusError as error:
            status = error.status_code
            body = _error_body(error)
            # An unsupported mode is final for that mode, whatever the status: retrying the same request cannot help.
            if status not in _NEVER_ABOUT_FORMAT and names_response_format(body) and mode is not OutputMode.PROMPT:
                raise _UnsupportedMode(status, redacted(body)) from error
            if status >= 500:
                raise _TransientError(
                    f"The model endpoint failed (HTTP {status}).",
                    code="server_error",
                    retry_after=_retry_after(error.response.headers),
                ) from error
            if status in (401, 403):
                raise ModelError(
                    f"The model endpoint refused the credentials (HTTP {status}).", transient=False, code="auth"
                ) from error
            raise ModelError(
                f"The model endpoint rejected the request (HTTP {status}).", transient=False, code="bad_request"
            ) from error
        except openai.OpenAIError as error:
            raise ModelError(
                f"The model endpoint gave an unusable answer ({type(error).__name__}).", transient=False, code="bad_response"
            ) from error

    def _openai(self) -> OpenAI:
        with self._client_lock:
            if self._client is None:
                from openai import OpenAI

                # The client's own retries (2) and timeout (600 s) ignore our deadline: the loop above owns both.
                self._client = OpenAI(
                    # A callable key is read on every call; servers without auth (Ollama, vLLM) still need a non-empty one.
                    api_key=self._api_key or "unused",
                    base_url=self._base_url,
                    max_retries=0,
                )
            return self._client


# Statuses that describe the caller or the server's state, never the shape of the request.
_NEVER_ABOUT_FORMAT = frozenset({401, 403, 404, 408, 409, 429})


class _UnsupportedMode(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(body)
        self.status = status
        self.body = body


def _error_body(error: APIStatusError) -> str:
    """The server's own words: the parsed error message when there is one, else the raw body."""
    if isinstance(error.body, dict):
        inner = error.body.get("error", error.body)
        detail = inner.get("message") if isinstance(inner, dict) else inner
        return str(detail if detail is not None else error.body)
    if error.body is not None:
        return str(error.body)
    try:
        return error.response.text
    except Exception:  # a streamed or closed response has no text to give; the status alone must do
        return ""


class _TransientError(ModelError):
    def __init__(self, reason: str, *, code: str, retry_after: float | None = None) -> None:
        super().__init__(reason, transient=True, code=code)
        self.retry_after = retry_after


def _wire_message(message: ChatMessage) -> ChatCompletionMessageParam:
    if message.role == "system":
        return {"role": "system", "content": message.content}
    if message.role == "assistant":
        return {"role": "assistant", "content": message.content}
    return {"role": "user", "content": message.content}


def _answer_text(completion: ChatCompletion) -> str:
    if not completion.choices:
        raise ModelError("The model answered with no choices.", transient=False, code="empty")
    choice = completion.choices[0]
    if choice.message.refusal:
        raise ModelError("The model refused to write the draft.", transient=False, code="refusal")
    if choice.finish_reason == "length":
        raise ModelError("The model's answer was cut off at its length limit.", transient=False, code="truncated")
    if choice.finish_reason == "content_filter":
        raise ModelError("The model's content filter stopped the answer.", transient=False, code="content_filter")
    if not (choice.message.content or "").strip():
        raise ModelError("The model answered with empty content.", transient=False, code="empty")
    return choice.message.content or ""


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asks us to wait: `retry-after-ms`, `retry-after` in seconds, or an HTTP date."""
    for header, divisor in (("retry-after-ms", 1000), ("retry-after", 1)):
        value = headers.get(header)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    value = headers.get("retry-after")
    if value:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, moment.timestamp() - time.time())
    return None
