"""The S3 and SES v2 adapters against moto (in-process: no sockets, nothing sent anywhere)."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import TYPE_CHECKING

import pytest

from shared.adapters.s3_raw_email import S3RawEmailStore
from shared.adapters.ses_mailer import SesMailer
from shared.email.parsing import EmailTooLarge
from shared.local.email_sandbox import EmailSandbox, reply_text
from tests.support.emails import DRAFTING_ADDRESS, REGISTERED_ADDRESS, sample

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_sesv2.client import SESV2Client


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmailSandbox]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with EmailSandbox(drafting_address=DRAFTING_ADDRESS) as box:
        yield box


def s3_client() -> S3Client:
    import boto3

    return boto3.client("s3", region_name="us-east-1")


def sesv2_client() -> SESV2Client:
    import boto3

    return boto3.client("sesv2", region_name="us-east-1")


def test_fetch_returns_the_stored_message(sandbox: EmailSandbox) -> None:
    raw = sample("gmail_forward_en")
    sandbox.put_email("noask-email-local", "inbound/abc", raw)

    stored = S3RawEmailStore(s3_client).fetch("noask-email-local", "inbound/abc", max_bytes=len(raw))
    assert stored.raw == raw
    # When SES stored it: the time of receipt that dates the draft.
    assert stored.stored_at is not None


def test_fetch_refuses_an_object_over_the_limit(sandbox: EmailSandbox) -> None:
    sandbox.put_email("noask-email-local", "inbound/big", b"x" * 2048)

    with pytest.raises(EmailTooLarge):
        S3RawEmailStore(s3_client).fetch("noask-email-local", "inbound/big", max_bytes=1024)


def test_the_client_is_built_once_on_first_use(sandbox: EmailSandbox) -> None:
    built: list[S3Client] = []

    def factory() -> S3Client:
        built.append(s3_client())
        return built[-1]

    store = S3RawEmailStore(factory)
    assert built == []
    sandbox.put_email("noask-email-local", "k", b"From: a@b.example\r\n\r\nhi")
    store.fetch("noask-email-local", "k", max_bytes=100)
    store.fetch("noask-email-local", "k", max_bytes=100)
    assert len(built) == 1


def reply_message(from_address: str = DRAFTING_ADDRESS, to: str | None = REGISTERED_ADDRESS) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"noask <{from_address}>"
    if to:
        message["To"] = to
    message["Subject"] = "Re: Intro"
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("Your draft: Grüße aus Köln.")
    return message


def test_send_delivers_the_raw_message_as_built(sandbox: EmailSandbox) -> None:
    message_id = SesMailer(sesv2_client, from_address=DRAFTING_ADDRESS).send(reply_message())

    [sent] = sandbox.replies()
    assert message_id
    assert str(sent["To"]) == REGISTERED_ADDRESS
    assert str(sent["Auto-Submitted"]) == "auto-replied"
    assert "Grüße aus Köln" in reply_text(sent)


def test_send_refuses_any_other_from_address(sandbox: EmailSandbox) -> None:
    mailer = SesMailer(sesv2_client, from_address=DRAFTING_ADDRESS)

    with pytest.raises(ValueError, match="sent from"):
        mailer.send(reply_message(from_address="ceo@example.com"))
    with pytest.raises(ValueError, match="no To"):
        mailer.send(reply_message(to=None))
    assert sandbox.replies() == []
