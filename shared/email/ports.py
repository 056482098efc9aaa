"""Protocols the email path depends on; shared/adapters implements them (SES v2, S3), tests fake them."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol

from shared.models import DraftRequest, DraftResult


class Drafter(Protocol):
    """What the email path needs of shared.service.DraftingService."""

    def draft(self, request: DraftRequest, *, deadline: float) -> DraftResult: ...


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Send the MIME message as built (headers included) to its To address; return the provider's message id."""
        ...


class RawEmailStore(Protocol):
    def fetch(self, bucket: str, key: str, *, max_bytes: int) -> bytes:
        """The stored raw message. Raises shared.email.parsing.EmailTooLarge, before downloading, when it exceeds max_bytes."""
        ...
