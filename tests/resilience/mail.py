"""Raw inbound messages as SES stores them, and InboundEmailFunction run over moto (S3, SES) and DynamoDB Local.

`EmailStack.deliver()` does what S3 and Lambda's async invocation do with one stored message: call the
handler with an object-created event, retry twice when it raises, and then keep the event in the
on-failure destination ("dead-lettered"). Replies are read back from moto's SES.
"""

from __future__ import annotations

import email
import itertools
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.utils import format_datetime, make_msgid
from typing import Any, Literal

from shared import composition
from shared.history import Profile
from shared.local.invoke import LambdaContext, function_spec
from tests.resilience.stack import DRAFTING_ADDRESS, INBOUND_EMAIL

BUCKET = "noask-inbound-email"
REGION = "us-east-1"
# Lambda retries a failed asynchronous invocation twice, then sends the event to the on-failure destination.
ASYNC_ATTEMPTS = 3

MAYA_BIO = (
    "Hi Alex,\n\nThanks for coming on Thursday! A bit about me since you asked: I lead the data platform team at "
    "Northwind, and I organise the Data Platform Meetup in Stockholm every month. Outside work I'm training for my "
    "first ultramarathon and I spend most weekends trail running in the archipelago.\n\nBest,\nMaya"
)
DEFAULT_PITCH = "I'm a developer-experience engineer: I build the tools that keep CI fast and write about testing data pipelines."
DEFAULT_NOTE = "For Maya, from the meetup."


def ses_authentication(domain: str, *, passed: bool = True) -> str:
    """The Authentication-Results header SES puts on top of a message from `domain`."""
    verdict = "pass" if passed else "fail"
    return (
        f"amazonses.com; spf={verdict} (spfCheck: domain of {domain} designates 203.0.113.7 as permitted sender) "
        f"client-ip=203.0.113.7; envelope-from=someone@{domain}; helo=mail.{domain}; "
        f"dkim={verdict} header.i=@{domain}; dmarc={verdict} header.from={domain};"
    )


def inbound(
    sender: str,
    subject: str,
    body: str,
    *,
    authenticated: bool = True,
    headers: Mapping[str, str] | None = None,
    in_reply_to: str | None = None,
) -> EmailMessage:
    """A plain-text message as SES receives it: its verdict headers first, then the sender's own."""
    domain = sender.rpartition("@")[2]
    message = EmailMessage()
    message["Return-Path"] = f"<{sender}>"
    message["X-SES-Spam-Verdict"] = "PASS"
    message["X-SES-Virus-Verdict"] = "PASS"
    message["Authentication-Results"] = ses_authentication(domain, passed=authenticated)
    message["From"] = sender
    message["To"] = DRAFTING_ADDRESS
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=domain)
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


def forward(sender: str, *, bio: str = MAYA_BIO, note: str = DEFAULT_NOTE, **options: Any) -> EmailMessage:
    """A Gmail-style forward of `bio` (Maya's, unless given), with the user's `note` above it; `options` go to `inbound`."""
    body = (
        f"{note}\n\n---------- Forwarded message ---------\n"
        "From: Maya Lindqvist <maya.lindqvist@northwind.example>\n"
        "Date: Mon, Mar 3, 2025 at 6:41 PM\nSubject: Re: Data platform meetup\n"
        f"To: Alex <{sender}>\n\n\n{bio}\n"
    )
    return inbound(sender, "Fwd: Re: Data platform meetup", body, **options)


def with_attachment(message: EmailMessage, size: int) -> EmailMessage:
    """The message with a binary attachment of `size` bytes (base64 on the wire: about 4/3 of that)."""
    message.add_attachment(b"\x89PNG" + bytes(size - 4), maintype="image", subtype="png", filename="profile.png")
    return message


def as_bytes(message: Message) -> bytes:
    return message.as_bytes(policy=policy.SMTP)


Fate = Literal["replied", "dropped", "dead_lettered"]


@dataclass
class Delivery:
    """What became of one stored message after S3's event and Lambda's retries."""

    key: str
    fate: Fate
    reason: str
    invocations: int
    outcome: dict[str, Any] = field(default_factory=dict)
    error: str = ""


@dataclass(frozen=True)
class SentReply:
    message: EmailMessage

    @property
    def to(self) -> tuple[str, ...]:
        return tuple(address.addr_spec for address in getattr(self.message["To"], "addresses", ()))

    @property
    def in_reply_to(self) -> str:
        return str(self.message.get("In-Reply-To") or "")

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


class EmailStack:
    """The email bucket and SES in moto, history and idempotency in DynamoDB Local, the real handler."""

    def __init__(self, s3: Any, timeout_seconds: int) -> None:
        from functions.inbound_email import app

        self._s3 = s3
        self._handler = app.handler
        self.timeout_seconds = timeout_seconds
        self._keys = itertools.count()

    def register(self, user_id: str, email_address: str, *, pitch: str = DEFAULT_PITCH) -> Profile:
        """Store the profile, and `email_address` as verified for it, so that mail from it is drafted with `pitch`."""
        profile = Profile(user_id=user_id, email=email_address, pitch=pitch, sender_name="Alex")
        store = composition.history_store()
        store.put_profile(profile)
        address = email_address.strip().lower()
        store.confirm_address(user_id, address, verified_at=time.time(), verified_by="code", code_hash=None)
        return profile

    def store(self, raw: bytes) -> str:
        """Put a raw message where SES's receipt rule would; return its object key."""
        key = f"inbound/{uuid.uuid4().hex}{next(self._keys):04d}"
        self._s3.put_object(Bucket=BUCKET, Key=key, Body=raw)
        return key

    def invoke(self, key: str) -> dict[str, Any]:
        """One invocation of the handler for the object-created event of `key`; raises as the handler does."""
        result: dict[str, Any] = self._handler(
            object_created_event(key), LambdaContext(INBOUND_EMAIL, 1024, self.timeout_seconds)
        )
        return result

    def deliver(self, key: str) -> Delivery:
        """S3's event with Lambda's asynchronous retries: replied or dropped on the first success, else dead-lettered."""
        error = ""
        for attempt in range(1, ASYNC_ATTEMPTS + 1):
            try:
                outcome = self.invoke(key)["outcomes"][0]
            except Exception as failure:  # what Lambda would retry, then dead-letter
                error = f"{type(failure).__name__}: {failure}"
                continue
            return Delivery(key, outcome["status"], outcome["reason"], attempt, outcome=outcome)
        return Delivery(key, "dead_lettered", "raised", ASYNC_ATTEMPTS, error=error)

    def send(self, message: Message) -> Delivery:
        """Store `message` as SES would and deliver it once, with Lambda's retries."""
        return self.deliver(self.store(as_bytes(message)))

    def replies(self) -> list[SentReply]:
        """Every message SES has sent so far, parsed."""
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
        parsed = []
        for message in sent:
            raw = message.raw_data.encode() if isinstance(message.raw_data, str) else message.raw_data
            mime = email.message_from_bytes(raw, policy=policy.default)
            assert isinstance(mime, EmailMessage)
            parsed.append(SentReply(mime))
        return parsed


def object_created_event(key: str) -> dict[str, Any]:
    """The S3 event Lambda receives when SES stores a message (as `sam local generate-event s3 put` shapes it)."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": REGION,
                "eventTime": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "eventName": "ObjectCreated:Put",
                "userIdentity": {"principalId": "AWS:SES"},
                "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                "responseElements": {"x-amz-request-id": uuid.uuid4().hex, "x-amz-id-2": uuid.uuid4().hex},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "inbound-email",
                    "bucket": {"name": BUCKET, "ownerIdentity": {"principalId": "SES"}, "arn": f"arn:aws:s3:::{BUCKET}"},
                    "object": {"key": key, "size": 0, "eTag": "0", "sequencer": f"{time.monotonic_ns():016X}"},
                },
            }
        ]
    }


@contextmanager
def email_stack() -> Iterator[EmailStack]:
    """moto's S3 (with the bucket) and SES (with the drafting domain verified) for the handler; needs `environment()` set."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        boto3.client("ses", region_name=REGION).verify_domain_identity(Domain=DRAFTING_ADDRESS.rpartition("@")[2])
        yield EmailStack(s3, function_spec(INBOUND_EMAIL).timeout_seconds)
