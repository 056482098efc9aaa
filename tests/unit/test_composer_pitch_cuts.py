"""A note too short for the whole pitch cuts it where a sentence still makes its point, never mid-phrase."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from shared.composer import compose_offline
from shared.composer.pitch import fit_pitch
from shared.composer.wording import variants
from shared.models import Channel, DraftRequest

DATA = tomllib.loads((Path(__file__).parent / "data" / "pitch_cuts.toml").read_text(encoding="utf-8"))
# Bios a reader reviewed offline drafts against (tests/unit/data/review_bios), and a few of the shared ones.
BIOS = [
    *sorted((Path(__file__).parent / "data" / "review_bios").glob("*.txt")),
    *sorted((Path(__file__).parent.parent / "data" / "bios").glob("*.txt"))[:8],
]
INTERESTS = [None, "swimming", "running, gardening", "kayaking, crosswords", "homebrewing, cycling", "rowing", "hockey"]
NEEDS_WHAT_FOLLOWS = frozenset(variants("pitch_cuts", "needs_what_follows"))
SENDERS = [None, "Sam", "Priya Raman"]


def pitch_sentence(body: str, pitch: str) -> str:
    """The sentence of `body` that carries the pitch's start."""
    start = body.index(pitch[:25])
    end = body.find(".", start + 25)
    return body[start : end + 1]


@pytest.mark.parametrize("pitch", DATA["pitches"], ids=lambda pitch: pitch[:30])
@pytest.mark.parametrize("channel", [Channel.LINKEDIN_NOTE, Channel.LINKEDIN_NOTE_PREMIUM])
def test_notes_never_cut_the_pitch_mid_phrase(pitch: str, channel: Channel) -> None:
    for index, bio in enumerate(BIOS):
        request = DraftRequest(
            target_bio=bio.read_text(encoding="utf-8"),
            pitch=pitch,
            channel=channel,
            sender_name=SENDERS[index % len(SENDERS)],
            sender_interests=INTERESTS[index % len(INTERESTS)],
        )
        body = compose_offline(request).body
        kept = pitch_sentence(body, pitch)
        if kept in pitch:
            continue  # a whole sentence of the pitch
        last = kept.rstrip(".").split()[-1].lower()
        assert not any(kept.endswith(broken) for broken in DATA["broken"]), body
        assert last not in NEEDS_WHAT_FOLLOWS, body
        assert not re.fullmatch(r"\d+|[a-z]+(?:ing|ed)", last), body


def test_a_clause_cut_comes_before_a_phrase_cut() -> None:
    pitch = DATA["pitches"][3]
    assert fit_pitch([pitch], len, 80) == "I'm a senior backend engineer with 12 years in payments infrastructure."
    assert fit_pitch([pitch], len, 60, phrases=False) is None
    assert fit_pitch([pitch], len, 60) == "I'm a senior backend engineer."


def test_a_shortened_pitch_says_what_it_left_out() -> None:
    bio = (Path(__file__).parent / "data" / "review_bios" / "r02_third_person_speaker.txt").read_text(encoding="utf-8")
    pitch = DATA["pitches"][3]
    note = compose_offline(DraftRequest(target_bio=bio, pitch=pitch, channel=Channel.LINKEDIN_NOTE, sender_name="Raj"))
    assert note.pitch_shortened is not None
    left_out = note.pitch_shortened.split("“")[1].rstrip("”.")
    assert left_out not in note.body
    assert pitch.startswith(note.body[note.body.index("I'm a senior") :].split(".")[0])
    assert pitch.rstrip(".").endswith(left_out)
    message = compose_offline(DraftRequest(target_bio=bio, pitch=pitch, channel=Channel.LINKEDIN_MESSAGE))
    assert message.pitch_shortened is None


def test_and_inside_a_phrase_is_no_clause_break() -> None:
    pitch = DATA["pitches"][0]
    assert fit_pitch([pitch], len, 150) == (
        "I spent eight years as a secondary-school maths teacher and I'm moving into data analysis; "
        "I've just finished a SQL and Python course."
    )
    assert fit_pitch([pitch], len, 120) == (
        "I spent eight years as a secondary-school maths teacher and I'm moving into data analysis."
    )


@pytest.mark.parametrize("pitch", DATA["pitches"], ids=lambda pitch: pitch[:30])
@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.LINKEDIN_MESSAGE])
def test_messages_and_emails_carry_a_pitch_that_fits_whole(pitch: str, channel: Channel) -> None:
    bio = (Path(__file__).parent / "data" / "review_bios" / "r01_pm_passing.txt").read_text(encoding="utf-8")
    request = DraftRequest(
        target_bio=bio,
        pitch=pitch,
        channel=channel,
        sender_name="Claire Dobson",
        sender_interests="parkrun",
        offer="my notes from a usability study on repeat prescriptions",
    )
    draft = compose_offline(request)
    assert draft.pitch_shortened is None, draft.body
    assert not draft.violations
