"""Drafts read as a person would write them: grammar of the retelling, naming the pursuit, no echoes, no broken pitch."""

from __future__ import annotations

import re

import pytest

from shared.composer import compose_offline
from shared.models import Channel, DraftRequest

PITCH = "I make recovery-tracking apps for vets and pet owners."


def draft(bio: str, channel: Channel = Channel.LINKEDIN_MESSAGE, **extra: str) -> str:
    return compose_offline(DraftRequest(target_bio=bio, pitch=extra.pop("pitch", PITCH), channel=channel, **extra)).body


@pytest.mark.parametrize("channel", list(Channel))
def test_a_contraction_after_the_subject_agrees_with_you(channel: Channel) -> None:
    bio = (
        "Dr. Amara Okafor is a veterinary surgeon. When she isn't in theatre, Amara dances salsa three nights a week "
        "and bakes bread for her whole street."
    )
    body = draft(bio, channel, target_name="Amara Okafor", sender_interests="baking")
    assert not re.search(r"(?i)\byou (?:isn't|doesn't|hasn't|wasn't|is|bakes|dances)\b", body), body


def test_a_later_verb_after_an_adverb_agrees_with_you() -> None:
    bio = "Kwame Mensah is a data journalist. He took up pottery during the pandemic and now sells mugs at a Saturday market."
    body = draft(bio, target_name="Kwame Mensah")
    assert "now sells" not in body, body
    assert "now sell mugs" in body, body


@pytest.mark.parametrize("channel", [Channel.LINKEDIN_MESSAGE, Channel.EMAIL])
def test_a_full_name_is_one_subject(channel: Channel) -> None:
    bio = "Hi Alex, sending over the bio you asked for. Oliver Grant is CFO of a construction firm in Leeds."
    body = draft(bio, channel, target_name="Oliver Grant")
    assert "you you" not in body.lower(), body


def test_the_question_names_a_pursuit_not_a_verb() -> None:
    body = draft("She swims every morning, runs on Sundays and paints at night.")
    assert not re.search(r"(?:into|with|to) (?:swims|swim|runs|paints)\b", body), body


def test_the_question_names_the_doing_not_a_thing() -> None:
    bio = "Senior counsel at an energy utility. Between deals I try to get out on my paddleboard."
    body = draft(bio)
    assert not re.search(r"(?:into|with|to) paddleboard\?", body), body


@pytest.mark.parametrize("channel", list(Channel))
def test_a_shared_opener_says_the_pursuit_once(channel: Channel) -> None:
    body = draft("SRE @ Cloudflare. Dad. Climber.", channel, sender_interests="bouldering")
    assert re.search(r"(?i)\b(?:fellow|another) climber\b", body), body
    assert "you're a climber" not in body, body


@pytest.mark.parametrize("channel", list(Channel))
def test_a_sender_interest_in_another_language_is_named_in_english(channel: Channel) -> None:
    bio = "Ich bin Produktmanagerin bei einem Münchner Mobilitäts-Startup. In meiner Freizeit gehe ich bouldern."
    body = draft(bio, channel, sender_interests="Klettern, Fotografie")
    assert "klettern" not in body.lower(), body
    assert "climb" in body.lower(), body


@pytest.mark.parametrize(
    ("bio", "pursuit"),
    [
        ("Steuerberater in Köln. Ehrenamtlich trainiere ich eine Jugend-Handballmannschaft.", "handball"),
        ("Marcus Lee is CTO at Fernway. Marcus sails a small dinghy on Lake Washington most summer evenings.", "sail"),
        ("Nadia writes about carbon markets and, in her spare time, restores vintage typewriters.", "typewriter"),
        ("I teach Year 6 in Bristol. Away from the classroom you'll find me on my allotment, fighting slugs.", "garden"),
    ],
)
def test_the_hobby_opens_the_draft(bio: str, pursuit: str) -> None:
    body = draft(bio, Channel.EMAIL)
    opener = body.split("\n\n")[1]
    assert pursuit in opener.lower(), body


@pytest.mark.parametrize("channel", [Channel.LINKEDIN_NOTE, Channel.LINKEDIN_NOTE_PREMIUM])
def test_a_pitch_too_long_for_a_note_is_cut_at_a_phrase_break(channel: Channel) -> None:
    bio = "Senior counsel at an energy utility. Between deals I try to get out on my paddleboard."
    pitch = "I write a newsletter explaining interconnection queues to solar developers and consult on grid studies."
    body = draft(bio, channel, pitch=pitch, sender_interests="stand-up paddling", sender_name="Nadia Bose")
    assert not re.search(r"\b(?:to solar|on grid|interconnection)\.", body), body


def test_a_headline_job_title_reads_in_lower_case() -> None:
    body = draft("Principal Engineer | Distributed Systems | Kubernetes | Ex-Google", pitch="I build cost observability.")
    assert "principal Engineer" not in body, body
