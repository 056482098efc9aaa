"""Abuse of the drafting address: every stored message ends replied, dropped or dead-lettered, exactly once.

The real InboundEmailFunction runs over moto (S3, SES) and DynamoDB Local with the offline composer;
`EmailStack.deliver` adds Lambda's asynchronous retries. Replies are counted where they land (moto's
SES), drafts where they are stored (DynamoDB Local), independently of what the handler returned.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import make_msgid
from typing import Any

import pytest

from shared import composition
from shared.email.parsing import MAX_RAW_EMAIL_BYTES
from tests.resilience.mail import (
    MAYA_BIO,
    Delivery,
    EmailStack,
    SentReply,
    as_bytes,
    email_stack,
    forward,
    inbound,
    ses_authentication,
    with_attachment,
)
from tests.resilience.stack import DRAFTING_ADDRESS

pytestmark = pytest.mark.integration

PING_PONG_ROUNDS = 50
OUT_OF_OFFICE = "Thanks for your message. I'm out of the office until Monday 10 March with limited access to email."

# How auto-responders mark their mail, from RFC 3834's header to the ones vacation programs and
# ticketing systems use instead. Each answers everything it receives, our replies included.
AUTO_RESPONDERS = [
    pytest.param({"Auto-Submitted": "auto-replied"}, id="RFC 3834 Auto-Submitted"),
    pytest.param({"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}, id="Exchange out of office"),
    pytest.param({"X-Autoreply": "yes"}, id="X-Autoreply"),
    pytest.param({"X-Autorespond": "Out of office"}, id="X-Autorespond"),
    pytest.param({"Precedence": "bulk"}, id="Precedence bulk"),
    pytest.param({"Precedence": "auto_reply"}, id="Precedence auto_reply"),
    pytest.param({}, id="no marker but the subject"),
]


@dataclass
class Ledger:
    """Every message sent to the drafting address, how often it was delivered, and what became of it."""

    labels: dict[str, str] = field(default_factory=dict)
    message_ids: dict[str, str | None] = field(default_factory=dict)
    deliveries: dict[str, list[Delivery]] = field(default_factory=dict)

    def send(self, stack: EmailStack, label: str, raw: bytes, *, message_id: str | None, times: int = 1) -> Delivery:
        key = stack.store(raw)
        self.labels[key] = label
        self.message_ids[key] = message_id
        self.deliveries[key] = [stack.deliver(key) for _ in range(times)]
        return self.deliveries[key][0]

    def fates(self) -> Counter[str]:
        return Counter(deliveries[0].fate for deliveries in self.deliveries.values())

    def table(self) -> str:
        rows = Counter((self.labels[key], d[0].fate, d[0].reason, len(d)) for key, d in self.deliveries.items())
        lines = ["| message | fate | reason | deliveries each | messages |", "| --- | --- | --- | ---: | ---: |"]
        lines += [
            f"| {label} | {fate} | {reason} | {times} | {count} |" for (label, fate, reason, times), count in sorted(rows.items())
        ]
        fates = self.fates()
        lines.append(
            f"| **total** | replied {fates['replied']}, dropped {fates['dropped']}, dead-lettered {fates['dead_lettered']} "
            f"| | | {len(self.deliveries)} |"
        )
        return "\n".join(lines)


def assert_accounts_balance(ledger: Ledger, replies: list[SentReply], *, user_id: str, address: str) -> None:
    """Nothing lost, nothing doubled: one fate per message, one reply per replied message, one draft per drafted one."""
    for key, deliveries in ledger.deliveries.items():
        # A redelivery of a finished message returns its first outcome and does nothing again.
        assert {(d.fate, d.reason) for d in deliveries} == {(deliveries[0].fate, deliveries[0].reason)}, ledger.labels[key]
    fates = ledger.fates()
    assert fates["replied"] + fates["dropped"] + fates["dead_lettered"] == len(ledger.deliveries)
    assert len(replies) == fates["replied"]
    assert {reply.to for reply in replies} <= {(address,)}
    replied_ids = Counter(ledger.message_ids[key] for key, d in ledger.deliveries.items() if d[0].fate == "replied")
    assert Counter(reply.in_reply_to or None for reply in replies) == replied_ids
    drafted = {d[0].outcome["draft_id"] for d in ledger.deliveries.values() if d[0].reason == "drafted"}
    stored = composition.history_store().list_drafts(user_id, limit=50).items
    assert sorted(record.id for record in stored) == sorted(drafted)


@pytest.fixture
def registered(offline_functions: str, make_user_id: Callable[[], str]) -> tuple[str, str]:
    user_id = make_user_id()
    return user_id, f"{user_id}@fabrikam.example"


def test_a_message_delivered_three_times_gets_one_reply_and_one_draft(registered: tuple[str, str]) -> None:
    user_id, address = registered
    ledger = Ledger()
    with email_stack() as stack:
        stack.register(user_id, address)
        message = forward(address)
        ledger.send(stack, "forward, delivered 3 times", as_bytes(message), message_id=message["Message-ID"], times=3)
        replies = stack.replies()

    deliveries = next(iter(ledger.deliveries.values()))
    assert [(d.fate, d.reason) for d in deliveries] == [("replied", "drafted")] * 3
    assert len({d.outcome["draft_id"] for d in deliveries}) == 1
    assert len(replies) == 1
    assert_accounts_balance(ledger, replies, user_id=user_id, address=address)


@pytest.mark.parametrize("auto_headers", AUTO_RESPONDERS)
def test_ping_pong_with_an_auto_responder_stops_after_one_reply(
    auto_headers: dict[str, str], registered: tuple[str, str]
) -> None:
    """The user forwards a bio; their mailbox auto-answers every message it gets, for 50 rounds."""
    user_id, address = registered
    ledger = Ledger()
    with email_stack() as stack:
        stack.register(user_id, address)
        first = forward(address)
        ledger.send(stack, "the user's forward", as_bytes(first), message_id=first["Message-ID"])
        for _ in range(PING_PONG_ROUNDS):
            replies = stack.replies()
            # The responder answers the latest message it got from us (or, if we stayed quiet, repeats itself).
            answered = replies[-1].message if replies else first
            auto_reply = inbound(
                address,
                f"Automatic reply: {answered['Subject']}",
                OUT_OF_OFFICE,
                headers=auto_headers,
                in_reply_to=str(answered["Message-ID"]),
            )
            ledger.send(stack, "auto-reply", as_bytes(auto_reply), message_id=auto_reply["Message-ID"])
        replies = stack.replies()

    assert len(ledger.deliveries) == 1 + PING_PONG_ROUNDS
    assert len(replies) <= 1
    assert_accounts_balance(ledger, replies, user_id=user_id, address=address)


def _malformed(address: str) -> dict[str, tuple[bytes, str | None]]:
    """Broken MIME from the registered, authenticated address (so it gets past the sender checks), and raw junk."""
    domain = address.rpartition("@")[2]
    message_id = make_msgid(domain=domain)
    head = (
        f"Return-Path: <{address}>\r\nX-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n"
        f"Authentication-Results: {ses_authentication(domain)}\r\nFrom: {address}\r\nTo: {DRAFTING_ADDRESS}\r\n"
        f"Message-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
    ).encode()
    bio = b"Maya organises the Data Platform Meetup and spends her weekends trail running in the archipelago."
    nested = b"".join(
        f'Content-Type: multipart/mixed; boundary="b{depth}"\r\n\r\n--b{depth}\r\n'.encode() for depth in range(200)
    )
    cases: dict[str, bytes] = {
        "unterminated multipart": head + b'Subject: Fwd\r\nContent-Type: multipart/mixed; boundary="never"\r\n\r\n--never\r\n'
        b"Content-Type: text/plain\r\n\r\n" + bio,
        "boundary never used": head + b'Subject: Fwd\r\nContent-Type: multipart/alternative; boundary="xyz"\r\n\r\n' + bio,
        "invalid base64": head + b"Subject: Fwd\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"!!! this is $$ not base64 ###\r\n" + base64.b64encode(bio)[:-3],
        "broken quoted-printable": head + b"Subject: Fwd\r\nContent-Type: text/plain\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=G1 " + bio + b"=\r\n=",
        "unknown charset": head
        + b'Subject: Fwd\r\nContent-Type: text/plain; charset="x-klingon"\r\n\r\n'
        + bio
        + b" \xe9\xff\xfe",
        "bogus encoded-word subject": head
        + b"Subject: =?x-bogus?B?////?= =?utf-8?Q?=FF=FE?=\r\nContent-Type: text/plain\r\n\r\n"
        + bio,
        "200-deep nested multipart": head + b"Subject: Fwd\r\n" + nested + b"Content-Type: text/plain\r\n\r\n" + bio,
        "1 MB header line": head + b"Subject: " + b"x" * 1_000_000 + b"\r\nContent-Type: text/plain\r\n\r\n" + bio,
        "NUL bytes and bare CRs": head
        + b"Subject: Fwd\x00\rX\r\nContent-Type: text/plain\r\n\r\n"
        + bio.replace(b" ", b"\x00\r"),
        "empty message/rfc822 part": head + b'Subject: Fwd\r\nContent-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\n'
        b"Content-Type: message/rfc822\r\n\r\n\r\n--m--\r\n",
        "headers only": head + b"Subject: nothing below\r\n",
    }
    malformed: dict[str, tuple[bytes, str | None]] = {label: (raw, message_id) for label, raw in cases.items()}
    malformed["binary junk"] = (bytes(range(256)) * 4096, None)
    malformed["invalid From"] = (head.replace(f"From: {address}".encode(), b"From: <<<@@@>>>") + b"\r\n" + bio, message_id)
    return malformed


def test_every_message_sent_is_replied_dropped_or_dead_lettered_exactly_once(
    registered: tuple[str, str], report: list[tuple[str, str]]
) -> None:
    user_id, address = registered
    ledger = Ledger()

    def send(label: str, message: Any, *, times: int = 1) -> Delivery:
        return ledger.send(stack, label, as_bytes(message), message_id=message["Message-ID"], times=times)

    with email_stack() as stack:
        stack.register(user_id, address)
        assert send("forward, delivered twice", forward(address), times=2).reason == "drafted"
        assert send("pasted bio, no forward", inbound(address, "Bio for Maya", MAYA_BIO)).fate == "replied"
        large = with_attachment(forward(address), 22 * 1024 * 1024)  # about 30 MB once base64-encoded
        assert send("30 MB message (attachment)", large).reason == "drafted"
        assert send("spoofed sender, DMARC fail", forward(address, authenticated=False), times=2).reason == "not_authenticated"
        forged = forward(address, authenticated=False, headers={"Authentication-Results": ses_authentication("fabrikam.example")})
        assert send("spoofed sender, forged pass below SES's fail", forged).reason == "not_authenticated"
        assert send("unknown sender", forward("stranger@contoso.example"), times=2).reason == "unknown_sender"
        bounce = inbound("mailer-daemon@fabrikam.example", "Undeliverable", "550 no such user")
        assert send("mailer-daemon bounce", bounce).reason == "mailer_daemon"
        for label, (raw, message_id) in _malformed(address).items():
            ledger.send(stack, f"malformed: {label}", raw, message_id=message_id)
        oversized = as_bytes(forward(address)) + b"\r\n" + b"A" * (MAX_RAW_EMAIL_BYTES + 1)
        assert ledger.send(stack, "over SES's 40 MB", oversized, message_id=None, times=2).reason == "too_large"
        replies = stack.replies()

    report.append(("email abuse: every message's fate", ledger.table()))
    assert_accounts_balance(ledger, replies, user_id=user_id, address=address)
    dead = [ledger.labels[key] for key, d in ledger.deliveries.items() if d[0].fate == "dead_lettered"]
    # Malformed mail is the sender's fault, not a failure to retry: it is dropped or answered, never dead-lettered.
    assert dead == []
