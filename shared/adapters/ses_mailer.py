"""`shared.email.ports.Mailer` over SES v2: the MIME message goes out as built (`Content.Raw`).

boto3 is imported by the caller's client factory, never at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_sesv2.client import SESV2Client


class SesMailer:
    """Sends only from `from_address` (the IAM policy says the same) and only to the message's own To addresses."""

    def __init__(self, client_factory: Callable[[], SESV2Client], *, from_address: str) -> None:
        self.from_address = from_address.strip().lower()
        self._client_factory = client_factory
        self._client: SESV2Client | None = None
        self._client_lock = threading.Lock()

    @property
    def client(self) -> SESV2Client:
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    self._client = self._client_factory()
        return self._client

    def send(self, message: EmailMessage) -> str:
        sender: tuple[Address, ...] = getattr(message["From"], "addresses", ())
        if len(sender) != 1 or sender[0].addr_spec.lower() != self.from_address:
            raise ValueError(f"replies are sent from {self.from_address} only")
        recipients = [address.addr_spec for address in getattr(message["To"], "addresses", ())]
        if not recipients:
            raise ValueError("the reply has no To address")
        response = self.client.send_email(
            FromEmailAddress=str(message["From"]),
            Destination={"ToAddresses": recipients},
            # SMTP policy: CRLF line ends, as the raw message format requires.
            Content={"Raw": {"Data": message.as_bytes(policy=policy.SMTP)}},
        )
        return response["MessageId"]
