"""The email path end to end on in-memory ports: the offline drafting service, a dict history, a capturing mailer."""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest

from shared.composition import PROMPTS_DIR
from shared.email.parsing import MAX_RAW_EMAIL_BYTES
from shared.email.workflow import EmailOutcome, InboundEmailWorkflow, draft_id_for
from shared.history import Profile
from shared.models import MAX_BIO_CHARS, Channel, DraftRequest, DraftResult
from shared.prompts import PromptLibrary
from shared.service import DraftingService, UnsafeDraftError
from shared.usecases.create_draft import CreateDraft
from shared.usecases.deadline import Deadline
from shared.usecases.sender_addresses import AddressProblem, SenderAddresses
from tests.support.emails import (
    DEFAULT_PITCH,
    DRAFTING_ADDRESS,
    FORWARD_BODY,
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

    calls_model = False

    def __init__(self) -> None:
        self.service = DraftingService(None, PromptLibrary(PROMPTS_DIR))
        self.requests: list[DraftRequest] = []

    def draft(self, request: DraftRequest, *, deadline: Deadline | float) -> DraftResult:
        self.requests.append(request)
        return self.service.draft(request, deadline=deadline)


class UnsafeDrafter:
    calls_model = False

    def draft(self, request: DraftRequest, *, deadline: Deadline | float) -> DraftResult:
        raise UnsafeDraftError("even the offline draft asked for something")


class Harness:
    def __init__(self, *, pitch: str = DEFAULT_PITCH, quota_used: int = 0) -> None:
        self.profile = registered_profile(pitch=pitch)
        self.history = MemoryHistory([self.profile], quota_used=quota_used)
        self.mailer = CapturingMailer()
        self.drafter = CountingDrafter()
        self.workflow = InboundEmailWorkflow(
            create_draft=CreateDraft(self.drafter, self.history, daily_quota=5),
            senders=self.history,
            mailer=self.mailer,
            drafting_address=DRAFTING_ADDRESS,
            app_url="https://noask.example",
        )

    def handle(self, raw: bytes, key: str = "inbound/msg-1") -> EmailOutcome:
        return self.workflow.handle(raw, message_key=key, deadline=Deadline.after(30), received_at=RECEIVED_AT)

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
    # Without a model the draft is made before the one write that counts and stores it; none is stored or sent.
    assert harness.history.drafts == {}
    assert "all 5 drafts for today" in harness.reply_text()
    assert "----- draft -----" not in harness.reply_text()


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
        create_draft=CreateDraft(UnsafeDrafter(), harness.history, daily_quota=5),
        senders=harness.history,
        mailer=harness.mailer,
        drafting_address=DRAFTING_ADDRESS,
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


# ---- verified senders: the squatting scenario ---------------------------------------------------


def mailed_code(message: EmailMessage) -> str:
    found = re.search(r"\b[0-9]{6}\b", str(message["Subject"]))
    assert found is not None
    return found.group()


def test_a_squatters_claim_never_gets_the_real_owners_mail() -> None:
    """Before: a squatter's PUT /profile with someone else's address made that person's authenticated mail draft into
    the squatter's history. Now a claim is only a pending item; the address is held by whoever verifies it."""
    history = MemoryHistory()
    mailer = CapturingMailer()
    addresses = SenderAddresses(history, mailer, from_address=DRAFTING_ADDRESS, pepper=lambda: b"pepper")
    workflow = InboundEmailWorkflow(
        create_draft=CreateDraft(CountingDrafter(), history, daily_quota=5),
        senders=history,
        mailer=mailer,
        drafting_address=DRAFTING_ADDRESS,
    )

    def deliver(key: str) -> EmailOutcome:
        return workflow.handle(sample("gmail_forward_en"), message_key=key, deadline=Deadline.after(30), received_at=RECEIVED_AT)

    history.put_profile(Profile(user_id="squatter", pitch="I sell growth hacks."))
    squatters_claim = addresses.claim("squatter", REGISTERED_ADDRESS)
    assert squatters_claim.state == "pending"
    # The code goes to the address, that is to its real owner, never to the squatter.
    [code_mail] = mailer.sent
    assert str(code_mail["To"]) == REGISTERED_ADDRESS

    ignored = deliver("inbound/first")
    assert (ignored.status, ignored.reason) == ("dropped", "unknown_sender")
    assert history.drafts == {}
    assert mailer.sent == [code_mail]  # no reply to unverified mail
    with pytest.raises(AddressProblem) as wrong:
        addresses.verify("squatter", REGISTERED_ADDRESS, "000000" if mailed_code(code_mail) != "000000" else "111111")
    assert wrong.value.kind == "wrong_code"

    # The squatter's pending claim does not lock the owner out: the owner claims, reads the code, verifies.
    history.put_profile(Profile(user_id="owner", pitch="I build data quality tools."))
    assert addresses.claim("owner", REGISTERED_ADDRESS).state == "pending"
    assert addresses.verify("owner", REGISTERED_ADDRESS, mailed_code(mailer.sent[-1])).state == "verified"

    drafted = deliver("inbound/second")
    assert (drafted.status, drafted.reason, drafted.user_id) == ("replied", "drafted", "owner")
    assert {owner for owner, _ in history.drafts} == {"owner"}
    assert str(mailer.sent[-1]["To"]) == REGISTERED_ADDRESS
    # Even the squatter's own code, had it leaked, cannot take the address now.
    with pytest.raises(AddressProblem) as taken:
        addresses.verify("squatter", REGISTERED_ADDRESS, mailed_code(code_mail))
    assert taken.value.kind == "taken"
    assert history.address_holder(REGISTERED_ADDRESS) == "owner"


def test_the_notes_interests_and_offer_win_over_the_profiles_defaults_which_fill_in() -> None:
    harness = Harness()
    harness.history.put_profile(
        harness.profile.model_copy(update={"sender_interests": "trail running, chess", "offer": "my CI checklist"})
    )
    harness.handle(sample("gmail_forward_en"))

    [request] = harness.drafter.requests
    assert request.sender_interests == "trail running, chess"
    assert request.offer == "my CI checklist"


def test_note_lines_give_interests_and_an_offer_over_the_profiles_defaults() -> None:
    harness = Harness()
    harness.history.put_profile(harness.profile.model_copy(update={"sender_interests": "chess", "offer": "my CI checklist"}))
    body = "interests: open-water swimming, jazz\noffer: my notes on flaky tests\n\n" + FORWARD_BODY
    harness.handle(ses_message(body=body))

    [request] = harness.drafter.requests
    assert request.sender_interests == "open-water swimming, jazz"
    assert request.offer == "my notes on flaky tests"
