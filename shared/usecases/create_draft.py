"""Create a draft: quota, then the draft, then the record, then one history write. Every entry point calls this.

The API route, the email workflow and the CLI differ only in what they pass: who asks, where from,
the request's deadline, and (email) the time of receipt and a delivery-stable id. The CLI keeps no
history, so it passes no store and takes no quota. A request without a target name gets the name
the bio itself gives (shared.target_name), the same rule for every entry point.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from shared.history import DraftRecord, Source, iso_time, new_draft_id
from shared.models import MAX_NAME_CHARS, DraftRequest, DraftResult
from shared.usecases.deadline import Deadline


class Drafter(Protocol):
    """What the use case needs of shared.service.DraftingService."""

    def draft(self, request: DraftRequest, *, deadline: Deadline | float) -> DraftResult: ...


class DraftStore(Protocol):
    """The part of shared.history.HistoryStore that creating a draft writes to."""

    def take_daily_quota(self, user_id: str, day: str, limit: int) -> bool: ...

    def put_draft(self, record: DraftRecord) -> None: ...


class DraftQuotaSpent(Exception):
    """Today's drafts are used up; nothing was drafted. `retry_after` is the seconds until midnight UTC."""

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(f"You have used all {limit} drafts for today. The quota resets at midnight UTC.")
        self.limit = limit
        self.retry_after = retry_after


class CreateDraft:
    def __init__(
        self, drafter: Drafter, history: DraftStore | None, *, daily_quota: int, clock: Callable[[], float] = time.time
    ) -> None:
        self._drafter = drafter
        self._history = history
        self._daily_quota = daily_quota
        self._clock = clock

    def __call__(
        self,
        request: DraftRequest,
        *,
        user_id: str,
        source: Source,
        deadline: Deadline,
        received_at: float | None = None,
        draft_id: str | None = None,
    ) -> DraftRecord:
        """Raises DraftQuotaSpent before any drafting, and shared.service.UnsafeDraftError when no draft is safe.

        `received_at` (epoch seconds; default now) dates the draft and chooses the quota's day. A failure after
        the quota is taken costs the user one draft of the day: refunding could race their other requests."""
        now = self._clock() if received_at is None else received_at
        request = _with_target_named(request)
        if self._history is not None and not self._history.take_daily_quota(user_id, _day(now), self._daily_quota):
            raise DraftQuotaSpent(self._daily_quota, _seconds_to_midnight(now))
        result = self._drafter.draft(request, deadline=deadline)
        record = DraftRecord(
            id=draft_id or new_draft_id(now),
            user_id=user_id,
            created_at=iso_time(now),
            source=source,
            request=request,
            result=result,
        )
        if self._history is not None:
            self._history.put_draft(record)
        return record


def _with_target_named(request: DraftRequest) -> DraftRequest:
    """The request with the bio's own name for its person when none was given ("Hi there," otherwise)."""
    if request.target_name is not None:
        return request
    # Imported here: its word lists and patterns load when a draft is made, not when a handler is imported.
    from shared.target_name import name_target, written_in_first_person

    named = name_target(request.target_bio, own_writing=written_in_first_person(request.target_bio))
    if named is None:
        return request
    return request.model_copy(update={"target_name": named.name[:MAX_NAME_CHARS].strip() or None})


def _day(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).date().isoformat()


def _seconds_to_midnight(epoch_seconds: float) -> int:
    now = datetime.fromtimestamp(epoch_seconds, UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return max(1, int((midnight - now).total_seconds()))
