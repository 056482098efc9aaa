"""The email path end to end on in-memory ports: the offline drafting service, a dict history, a capturing mailer."""

from __future__ import annotations

import time
from email.message import EmailMessage

import pytest

from shared.composition import PROMPTS_DIR
from shared.email.parsing import MAX_RAW_EMAIL_BYTES
from shared.email.workflow import EmailOutcome, InboundEmailWorkflow, draft_id_for
from shared.models import MAX_BIO_CHARS, Channel, DraftRequest, DraftResult
from shared.prompts import PromptLibrary
from shared.service import DraftingService, UnsafeDraftError
from tests.support.emails import (
    DEFAULT_PITCH,
    DRAFTING_ADDRESS,
    REGISTERED_ADDRESS,
    CapturingMailer,
    MemoryHistory,
    registered_profile,
    sample,
    sample_names,
    ses_message,
)

RECEIVED_AT = 1_741_079_702.5  # 2025-03-04T09:15:02.500Z
DROPPED = {
    "auto_reply": "auto_submitted",
    "bounce": "bounce",
    "spoofed_sender": "not_authenticated",
    "unknown_sender": "unknown_sender",
}


class CountingDrafter:
    """The real offline drafting service, counting its calls."""

    def __init__(self) -> None:
        self.service = DraftingService(None, PromptLibrary(PROMPTS_DIR))
        self.requests: list[DraftRequest] = []

    def draft(self, request: DraftRequest, *, deadline: float) -> DraftResult:
        self.requests.append(request)
        return self.service.draft(request, deadline=deadline)


class UnsafeDrafter:
    def draft(self, request: DraftRequest, *, deadline: float) -> DraftResult:
        raise UnsafeDraftError("even the offline draft asked for something")


class Harness:
    def __init__(self, *, pitch: str = DEFAULT_PITCH, quota_used: int = 0) -> None:
        self.profile = registered_profile(pitch=pitch)
        self.history = MemoryHistory([self.profile], quota_used=quota_used)
        self.mailer = CapturingMailer()
        self.drafter = CountingDrafter()
        self.workflow = InboundEmailWorkflow(
            drafter=self.drafter,
            history=self.history,
            mailer=self.mailer,
            drafting_address=DRAFTING_ADDRESS,
            app_url="https://noask.example",
            daily_quota=5,
        )

    def handle(self, raw: bytes, key: str = "inbound/msg-1") -> EmailOutcome:
        return self.workflow.handle(raw, message_key=key, deadline=time.monotonic() + 30, received_at=RECEIVED_AT)

    def reply_text(self, index: int = -1) -> str:
        body = self.mailer.sent[index].get_body(("plain",))
        assert isinstance(body, EmailMessage)
        return str(body.get_content())


def test_a_registered_users_forward_gets_one_draft_stored_and_one_reply() -> None:
    harness = Harness()
    outcome = harness.handle(sample("gmail_forward_en"))

    assert (outcome.status, outcome.reason) == ("replied", "drafted")
    assert outcome.user_id == harness.profile.user_id
    [record] = harness.history.drafts.values()
    assert record.id == outcome.draft_id == draft_id_for("inbound/msg-1", RECEIVED_AT)
    assert record.source == "email"
    assert record.created_at == "2025-03-04T09:15:02.500Z"
    # The note's overrides win over the profile's defaults.
    assert record.request.pitch == "I build open-source data quality tools and write about testing pipelines."
    assert record.request.channel is Channel.EMAIL
    assert record.request.target_name == "Maya Lindqvist"
    assert record.request.sender_name == "Alex Kim"
    assert "ultramarathon" in record.request.target_bio
    [reply] = harness.mailer.sent
    assert str(reply["To"]) == REGISTERED_ADDRESS
    assert record.result.body in harness.reply_text()
    assert outcome.reply_message_id == "local-1"


@pytest.mark.parametrize("name", sample_names())
def test_every_sample_is_answered_or_dropped_as_a_person_would_expect(name: str) -> None:
    harness = Harness()
    outcome = harness.handle(sample(name))

    if name in DROPPED:
        assert (outcome.status, outcome.reason) == ("dropped", DROPPED[name])
        assert harness.mailer.sent == []
        assert harness.history.drafts == {}
        assert harness.drafter.requests == []  # no LLM call before trust
    else:
        assert (outcome.status, outcome.reason) == ("replied", "drafted")
        assert len(harness.mailer.sent) == 1
        assert len(harness.history.drafts) == 1


def test_automated_and_unauthenticated_mail_costs_no_profile_lookup() -> None:
    harness = Harness()
    for name in ("auto_reply", "bounce", "spoofed_sender"):
        harness.handle(sample(name))
    assert harness.history.profile_lookups == 0


def test_the_same_message_handled_again_rewrites_the_same_history_item() -> None:
    harness = Harness()
    first = harness.handle(sample("thunderbird_forward_en"), key="inbound/abc")
    second = harness.handle(sample("thunderbird_forward_en"), key="inbound/abc")

    assert first.draft_id == second.draft_id
    assert len(harness.history.drafts) == 1


def test_the_profile_pitch_is_used_when_the_note_gives_none() -> None:
    harness = Harness(pitch="I make CI fast at Fabrikam.")
    harness.handle(sample("outlook_web_forward_en"))

    assert harness.drafter.requests[0].pitch == "I make CI fast at Fabrikam."
    assert harness.drafter.requests[0].channel is Channel.LINKEDIN_MESSAGE


def test_an_unknown_channel_falls_back_and_the_reply_says_so() -> None:
    harness = Harness()
    harness.handle(ses_message(body="channel: fax\n\nI love chess and run a chess club on Wednesdays."))

    assert harness.drafter.requests[0].channel is Channel.LINKEDIN_MESSAGE
    assert "'fax' is not a channel" in harness.reply_text()


def test_a_long_bio_is_cut_and_the_reply_says_so() -> None:
    harness = Harness()
    harness.handle(ses_message(subject="bio", body="I coach a youth chess team on weekends. " * 400))

    assert len(harness.drafter.requests[0].target_bio) <= MAX_BIO_CHARS
    assert f"longer than {MAX_BIO_CHARS:,} characters" in harness.reply_text()


def test_ignored_attachments_are_mentioned() -> None:
    harness = Harness()
    harness.handle(sample("gmail_forward_attachments"))

    assert "3 attachment(s) were ignored" in harness.reply_text()
    assert "ATTACHMENT-ONLY" not in harness.drafter.requests[0].target_bio


def test_spent_quota_gets_an_explanation_and_no_draft() -> None:
    harness = Harness(quota_used=5)
    outcome = harness.handle(sample("gmail_forward_en"))

    assert (outcome.status, outcome.reason) == ("replied", "quota_exceeded")
    assert harness.drafter.requests == []
    assert harness.history.drafts == {}
    assert "all 5 drafts for today" in harness.reply_text()


@pytest.mark.parametrize(
    ("body", "pitch", "problem"),
    [
        ("channel: email\n", "I build CI tools.", "no text to use as the bio"),
        ("I love chess.", "", 'add a line starting "pitch:"'),
        (f"pitch: {'x' * 1600}\n\nI love chess.", "I build CI tools.", "keep it under 1500"),
    ],
)
def test_a_message_that_cannot_make_a_request_gets_an_explanation(body: str, pitch: str, problem: str) -> None:
    harness = Harness(pitch=pitch)
    outcome = harness.handle(ses_message(subject="bio", body=body))

    assert (outcome.status, outcome.reason) == ("replied", "invalid_request")
    assert harness.drafter.requests == []
    assert problem in harness.reply_text()


def test_no_safe_draft_gets_an_explanation_and_nothing_stored() -> None:
    harness = Harness()
    harness.workflow = InboundEmailWorkflow(
        drafter=UnsafeDrafter(), history=harness.history, mailer=harness.mailer, drafting_address=DRAFTING_ADDRESS
    )
    outcome = harness.handle(sample("gmail_forward_en"))

    assert (outcome.status, outcome.reason) == ("replied", "unsafe_draft")
    assert harness.history.drafts == {}
    assert "no draft passed the no-ask checks" in harness.reply_text()


def test_a_message_over_the_limit_is_dropped() -> None:
    harness = Harness()
    outcome = harness.handle(b"x" * (MAX_RAW_EMAIL_BYTES + 1))

    assert (outcome.status, outcome.reason) == ("dropped", "too_large")
    assert harness.mailer.sent == []


def test_the_reply_goes_to_the_registered_address_only() -> None:
    harness = Harness()
    raw = ses_message(sender="ALEX KIM <Alex.Kim@Fabrikam.Example>", headers=[("Reply-To", "attacker@elsewhere.example")])
    harness.handle(raw)

    [reply] = harness.mailer.sent
    assert str(reply["To"]) == REGISTERED_ADDRESS
    assert reply["Cc"] is None
    assert reply["Bcc"] is None
