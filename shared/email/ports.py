"""Protocols the email path depends on; shared/adapters implements them (SES v2, S3), tests fake them."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Send the MIME message as built (headers included) to its To address; return the provider's message id."""
        ...


@dataclass(frozen=True)
class StoredEmail:
    """A raw message as SES stored it, and when it was stored: the time of receipt, the same on every delivery."""

    raw: bytes
    stored_at: float | None


class RawEmailStore(Protocol):
    def fetch(self, bucket: str, key: str, *, max_bytes: int) -> StoredEmail:
        """The stored raw message. Raises shared.email.parsing.EmailTooLarge, before downloading, when it exceeds max_bytes."""
        ...
