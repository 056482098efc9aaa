"""Small protocols the core depends on; adapters in shared/adapters implement them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


class ModelError(Exception):
    """The language model could not give a usable answer.

    `transient` says whether the same call may succeed later (429, 5xx, timeouts);
    final errors (insufficient quota, other 4xx, refusals) are never retried.
    """

    def __init__(self, reason: str, *, transient: bool, code: str = "model_error") -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.code = code


@dataclass
class CallLog:
    """What one complete_json call did on the wire, filled in by the adapter for the draft's provenance."""

    http_requests: int = 0
    # How the JSON was asked for (json_schema, json_object_with_schema, json_object, prompt); None before an answer.
    output_mode: str | None = None
    unsupported_modes: list[str] = field(default_factory=list)


class DraftModel(Protocol):
    """A chat model that answers with one JSON object matching `schema`."""

    provider: str
    model: str

    def complete_json(
        self,
        messages: list[ChatMessage],
        *,
        schema: dict[str, object],
        deadline: float,
        max_tokens: int | None = None,
        log: CallLog | None = None,
    ) -> str:
        """Return the raw JSON text of the answer.

        `deadline` is an absolute `time.monotonic()` value; the call and all its retries
        end before it or raise ModelError(code="deadline"). `max_tokens` bounds the answer;
        `log`, when given, records the HTTP requests made and the output mode that worked.
        """
        ...
