"""One deadline per request, with the time kept back for each later step named in one place.

Every entry point builds its deadline here (the API within API Gateway's 30 s, the email function
within its Lambda's remaining time, the CLI with a generous budget), and the drafting service reads
the same object: a model call ends before the offline fallback's reserve, and is started only when
the least time worth calling with remains.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Reserve(StrEnum):
    # API: the history write, the idempotency record and the response.
    RESPONSE = "response"
    # Email: the history write, the SES reply and the idempotency record.
    REPLY = "reply"
    # After the model: the offline composer and the final gate.
    OFFLINE_DRAFT = "offline_draft"
    # Not kept back: the least time worth starting a model call with.
    MODEL_CALL = "model_call"


RESERVE_SECONDS: Mapping[Reserve, float] = MappingProxyType(
    {Reserve.RESPONSE: 1.0, Reserve.REPLY: 8.0, Reserve.OFFLINE_DRAFT: 2.0, Reserve.MODEL_CALL: 1.0}
)
# API Gateway ends every HTTP API integration at 30 s, whatever the function's own timeout.
API_GATEWAY_LIMIT_SECONDS = 29.0
# The CLI waits on nobody: room for a model call, one repair and the offline fallback.
CLI_SECONDS = 60.0


@dataclass(frozen=True)
class Deadline:
    """`ends_at` is an absolute time.monotonic(); `reserves` says how long each named later step needs."""

    ends_at: float
    reserves: Mapping[Reserve, float] = field(default_factory=lambda: RESERVE_SECONDS)
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def after(
        cls,
        seconds: float,
        *,
        reserves: Mapping[Reserve, float] = RESERVE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> Deadline:
        return cls(ends_at=clock() + seconds, reserves=reserves, clock=clock)

    @classmethod
    def for_api(cls, lambda_remaining_ms: int, *, clock: Callable[[], float] = time.monotonic) -> Deadline:
        """The drafting deadline of an API request: inside both the Lambda's and API Gateway's limits, the response kept back."""
        seconds = min(lambda_remaining_ms / 1000, API_GATEWAY_LIMIT_SECONDS)
        return cls.after(seconds, clock=clock).keeping(Reserve.RESPONSE)

    @classmethod
    def for_email(cls, lambda_remaining_ms: int, *, clock: Callable[[], float] = time.monotonic) -> Deadline:
        return cls.after(lambda_remaining_ms / 1000, clock=clock).keeping(Reserve.REPLY)

    @classmethod
    def for_cli(cls) -> Deadline:
        return cls.after(CLI_SECONDS)

    def keeping(self, *names: Reserve) -> Deadline:
        """The deadline for the work before the named steps: it ends their reserves earlier."""
        return Deadline(ends_at=self.before(*names), reserves=self.reserves, clock=self.clock)

    def before(self, *names: Reserve) -> float:
        """The absolute time that still leaves the named reserves."""
        return self.ends_at - sum(self.reserves[name] for name in names)

    def left(self, *names: Reserve) -> float:
        """Seconds from now until `before(*names)`; negative once it has passed."""
        return self.before(*names) - self.clock()

    def allows(self, step: Reserve, *, keeping: tuple[Reserve, ...] = ()) -> bool:
        """Whether `step`'s own reserve still fits before the reserves kept for what follows it."""
        return self.left(*keeping) >= self.reserves[step]
