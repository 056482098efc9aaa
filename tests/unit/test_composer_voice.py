"""How offline drafts read: agreement, variety, the sender's overlap and offer, and what is never said."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from shared.composer import OfflineDraft, UnusablePitchError, compose_offline
from shared.guardrails import check_message, find_asks
from shared.models import Channel, DraftRequest

BIOS: list[dict[str, Any]] = tomllib.loads((Path(__file__).parent / "data" / "composer_bios.toml").read_text("utf-8"))["bio"]
PITCHES = (
    "Data engineer with six years in fintech, building fraud-detection pipelines.",
    "I'm a UX researcher who helps B2B teams run lean interview programmes.",
    "Backend developer moving into platform work; I write a small newsletter on incident reviews.",
)
OFFER = "my checklist for remote usability sessions"
SHARING_CLAIM = re.compile(r"(?i)\bfellow\b|\btoo[,.!]|\blike you\b|\bwe both\b|\bin common\b|\banother [\w-]+(?: [\w-]+)? here")


def request(bio: dict[str, Any], channel: Channel, index: int, **extra: str | None) -> DraftRequest:
    fields: dict[str, Any] = {
        "target_bio": bio["text"],
        "pitch": PITCHES[index % len(PITCHES)],
        "channel": channel,
        "target_name": ("Maria", "Sam Lee", None)[index % 3],
        "sender_name": (None, "Alex Kim")[index % 2],
    }
    return DraftRequest(**(fields | extra))


def opening(draft: OfflineDraft) -> str:
    """The draft's first sentence after the greeting."""
    after_greeting = draft.body.split("\n\n")[1] if "\n\n" in draft.body else draft.body.split(",", 1)[1]
    return after_greeting.strip()


def all_drafts(**extra: str | None) -> list[tuple[DraftRequest, OfflineDraft]]:
    requests = [request(bio, channel, index, **extra) for index, bio in enumerate(BIOS) for channel in Channel]
    return [(each, compose_offline(each)) for each in requests]


def test_the_set_is_varied_enough_to_judge_variety() -> None:
    assert len(BIOS) >= 20
    assert sum(1 for bio in BIOS if "sender" in bio) >= 6


@pytest.mark.parametrize("extra", [{}, {"offer": OFFER}], ids=["no_offer", "offer"])
def test_no_four_word_opening_starts_more_than_a_fifth_of_drafts(extra: dict[str, str]) -> None:
    drafts = all_drafts(**extra)
    starts = Counter(" ".join(opening(draft).lower().split()[:4]) for _, draft in drafts)
    most_common, count = starts.most_common(1)[0]
    assert count / len(drafts) <= 0.2, (most_common, count, len(drafts))


def test_the_old_tics_are_gone() -> None:
    drafts = [draft for _, draft in all_drafts()]
    assert not any(opening(draft).lower().startswith(("i saw that", "saw that")) for draft in drafts)
    assert not any("On my side," in draft.body for draft in drafts)


@pytest.mark.parametrize("extra", [{}, {"offer": OFFER}], ids=["no_offer", "offer"])
def test_every_draft_passes_the_final_check_and_carries_its_verdict(extra: dict[str, str]) -> None:
    for each, draft in all_drafts(**extra):
        violations = check_message(
            draft.body,
            channel=each.channel,
            bio=each.target_bio,
            pitch=each.pitch,
            subject=draft.subject,
            bio_evidence=draft.shared_interest.bio_evidence,
            known_names=tuple(name for name in (each.target_name, each.sender_name) if name),
        )
        assert violations == draft.violations == [], draft.body


@pytest.mark.parametrize(
    ("bio", "expected"),
    [
        (
            "Priya Shah leads data science at Bloomfield Health. She hikes most weekends and bakes sourdough for her neighbours.",
            "you hike most weekends and bake sourdough",
        ),
        ("Tom Evans is an avid cyclist and plays cello in a community orchestra.", "you are an avid cyclist and play cello"),
        ("She swims every morning, runs on Sundays and paints at night.", "you swim every morning, run on Sundays and paint"),
        ("In my spare time I go bouldering and bake sourdough.", "you go bouldering and bake sourdough"),
    ],
)
def test_retelling_keeps_verbs_agreeing_with_you(bio: str, expected: str) -> None:
    draft = compose_offline(DraftRequest(target_bio=bio, pitch=PITCHES[0], channel=Channel.LINKEDIN_MESSAGE))
    assert expected in draft.body, draft.body
    assert not re.search(r"\byou(?: \w+){0,8} and (?:bakes|plays|runs|paints|hikes)\b", draft.body)


def test_the_bio_specifics_are_kept_not_relabelled() -> None:
    bio = "Staff engineer working on payments infrastructure. Outside work I spend my evenings restoring 1970s road bikes."
    draft = compose_offline(DraftRequest(target_bio=bio, pitch=PITCHES[0], channel=Channel.EMAIL))
    assert "restoring 1970s road bikes" in draft.body
    cello = compose_offline(
        DraftRequest(target_bio="Tom Evans plays cello in a community orchestra.", pitch=PITCHES[0], channel=Channel.EMAIL)
    )
    assert "violin" not in f"{cello.subject} {cello.body}".lower()


@pytest.mark.parametrize("bio", [bio for bio in BIOS if bio.get("shared")], ids=lambda bio: bio["id"])
@pytest.mark.parametrize("channel", list(Channel), ids=lambda channel: channel.value)
def test_an_overlap_with_the_sender_opens_the_draft_and_says_it_is_shared(bio: dict[str, Any], channel: Channel) -> None:
    draft = compose_offline(request(bio, channel, 0, sender_interests=bio["sender"]))
    if not draft.shared_interest.shared_with_sender:
        pytest.skip("the interests finder does not see this overlap yet")
    assert SHARING_CLAIM.search(opening(draft)), draft.body
    assert draft.violations == []


@pytest.mark.parametrize("with_offer", [False, True])
def test_sharing_is_never_claimed_without_the_sender_saying_so(with_offer: bool) -> None:
    for _, draft in all_drafts(offer=OFFER if with_offer else None):
        assert not draft.shared_interest.shared_with_sender
        assert not SHARING_CLAIM.search(draft.body), draft.body


def test_sender_interests_that_do_not_overlap_claim_nothing() -> None:
    boulderer = next(bio for bio in BIOS if bio["id"] == "boulderer")
    for channel in Channel:
        draft = compose_offline(request(boulderer, channel, 1, sender_interests=boulderer["sender"]))
        assert not draft.shared_interest.shared_with_sender
        assert not SHARING_CLAIM.search(draft.body), draft.body
        assert "bouldering" in draft.body


@pytest.mark.parametrize("channel", list(Channel), ids=lambda channel: channel.value)
def test_the_offer_is_used_and_asks_for_nothing(channel: Channel) -> None:
    for index, bio in enumerate(BIOS[:8]):
        draft = compose_offline(request(bio, channel, index, offer=f"I'd be happy to send {OFFER}."))
        if channel is not Channel.LINKEDIN_NOTE:
            assert OFFER in draft.body, draft.body
        assert not find_asks(draft.body)


def test_an_offer_that_asks_or_links_is_left_out() -> None:
    for offer in ("a call to walk you through it", "my slides at https://example.com/x", "Can we hop on a call?"):
        draft = compose_offline(request(BIOS[1], Channel.LINKEDIN_MESSAGE, 0, offer=offer))
        assert "call" not in draft.body
        assert "example.com" not in draft.body
        assert draft.violations == []


def test_without_an_offer_a_hobby_draft_closes_with_a_question_about_it() -> None:
    draft = compose_offline(request(next(bio for bio in BIOS if bio["id"] == "boulderer"), Channel.LINKEDIN_MESSAGE, 0))
    question = next(sentence for sentence in re.split(r"(?<=[.?!])\s+", draft.body) if sentence.endswith("?"))
    assert "bouldering" in question
    assert not find_asks(question)


def test_congratulations_only_for_news_the_bio_says_is_recent() -> None:
    career = next(bio for bio in BIOS if bio["id"] == "career_start")
    for channel in Channel:
        draft = compose_offline(request(career, channel, 0))
        assert "congratulat" not in f"{draft.subject} {draft.body}".lower()
        assert "mentor" not in opening(draft).lower()


def test_work_is_never_presented_as_an_interest() -> None:
    bio = "I mentor early-career engineers and lead the platform team at Acme."
    draft = compose_offline(DraftRequest(target_bio=bio, pitch=PITCHES[0], channel=Channel.LINKEDIN_MESSAGE))
    assert draft.shared_interest.topic != "mentoring"
    assert "mentor" not in opening(draft).lower()


def test_a_hobby_sentence_that_carries_a_link_is_never_quoted_in_part() -> None:
    bio = "Designer at Fable. I love hiking, see my trails at trails-example.club and say hi."
    for channel in Channel:
        draft = compose_offline(DraftRequest(target_bio=bio, pitch=PITCHES[0], channel=channel))
        assert "hiking" not in draft.body
        assert "trails" not in draft.body


def test_premium_notes_use_their_room() -> None:
    lengths = sorted(len(draft.body) for each, draft in all_drafts() if each.channel is Channel.LINKEDIN_NOTE_PREMIUM)
    assert lengths[len(lengths) // 2] >= 230
    assert lengths[-1] <= 300


def test_email_subjects_ask_for_nothing() -> None:
    for each, draft in all_drafts():
        if each.channel is Channel.EMAIL:
            assert draft.subject
            assert not find_asks(draft.subject)
            assert not re.search(r"(?i)quick question|coffee|\?", draft.subject)


def test_email_signs_with_the_sender_name_when_given() -> None:
    draft = compose_offline(request(BIOS[0], Channel.EMAIL, 0, sender_name="Alex Kim"))
    assert draft.body.endswith("\nAlex Kim")


def test_a_pitch_with_nothing_usable_is_reported_not_dropped() -> None:
    with pytest.raises(UnusablePitchError, match="pitch"):
        compose_offline(DraftRequest(target_bio=BIOS[0]["text"], pitch="Can we hop on a call next week?"))
