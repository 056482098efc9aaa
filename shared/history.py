"""Draft history: records kept per user, and the store protocol adapters implement."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from shared.models import MAX_OFFER_CHARS, MAX_PITCH_CHARS, MAX_SENDER_INTERESTS_CHARS, DraftRequest, DraftResult

Source = Literal["web", "email", "cli"]


def new_draft_id(now: float | None = None) -> str:
    """Time-ordered id: 12 hex digits of milliseconds, then 16 random hex digits."""
    millis = int((time.time() if now is None else now) * 1000)
    return f"{millis:012x}{secrets.token_hex(8)}"


def utc_now_iso() -> str:
    return iso_time(time.time())


def iso_time(epoch_seconds: float) -> str:
    """2025-03-04T09:15:02.500Z: how drafts are dated."""
    return datetime.fromtimestamp(epoch_seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class DraftRecord(BaseModel):
    """One stored draft: what was asked, what was returned, and where it came from."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    id: str
    user_id: str
    created_at: str
    source: Source
    request: DraftRequest
    result: DraftResult


class Profile(BaseModel):
    """A user's defaults for the email path: pitch, name, interests and offer.

    `email` is the verified sending address the profile was found by (`find_profile_by_email`), and
    empty when it was read by user id: a profile never makes an address usable, only verification does.
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    user_id: str
    email: str = ""
    pitch: str = Field(default="", max_length=MAX_PITCH_CHARS)
    sender_name: str | None = None
    sender_interests: str | None = Field(default=None, max_length=MAX_SENDER_INTERESTS_CHARS)
    offer: str | None = Field(default=None, max_length=MAX_OFFER_CHARS)


class HistoryPage(BaseModel):
    model_config = ConfigDict(defer_build=True)

    items: list[DraftRecord]
    cursor: str | None = Field(description="Opaque: pass it back to get the next page; null on the last page.")


class HistoryStore(Protocol):
    def put_draft(self, record: DraftRecord) -> None: ...

    def get_draft(self, user_id: str, draft_id: str) -> DraftRecord | None: ...

    def list_drafts(self, user_id: str, *, limit: int, cursor: str | None = None) -> HistoryPage:
        """Newest first. Raises ValueError for a cursor this store did not issue for this user."""
        ...

    def delete_draft(self, user_id: str, draft_id: str) -> bool:
        """True when a draft was deleted, False when the user has no such draft."""
        ...

    def take_daily_quota(self, user_id: str, day: str, limit: int) -> bool:
        """Atomically count one draft for `day` (YYYY-MM-DD); False once `limit` is spent."""
        ...

    def put_profile(self, profile: Profile) -> None:
        """Save the user's defaults; the profile's `email` is not stored (addresses are verified, not declared)."""
        ...

    def get_profile(self, user_id: str) -> Profile | None: ...

    def find_profile_by_email(self, email: str) -> Profile | None:
        """The profile of the user who VERIFIED this address (its `email` set to it); None for anyone else's claim."""
        ...
