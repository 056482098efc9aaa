"""The unsupported-claim guardrail: every phrasing in data/claims.toml catches its examples and passes its near-misses."""

from __future__ import annotations

import pytest

from shared.guardrails import check_message, rules_checked
from shared.guardrails.claims import find_unsupported_claims, phrasings
from shared.models import Rule

# The sender's side in these tests mentions nothing any example claims.
PITCH = "I build payment APIs in Go."
INTERESTS = "pottery, origami"

CATCHES = [(phrasing.id, example) for phrasing in phrasings() for example in phrasing.catches]
PASSES = [(phrasing.id, example) for phrasing in phrasings() for example in phrasing.passes]


def test_every_phrasing_has_examples_both_ways_and_the_covered_languages_are_all_there() -> None:
    for phrasing in phrasings():
        assert phrasing.catches, phrasing.id
        assert phrasing.passes, phrasing.id
    assert {phrasing.language for phrasing in phrasings()} == {"en", "es", "fr", "de", "pt", "it"}


@pytest.mark.parametrize(("phrasing_id", "example"), CATCHES)
def test_an_unsupported_claim_is_caught(phrasing_id: str, example: str) -> None:
    violations = find_unsupported_claims(example, sender_interests=INTERESTS, pitch=PITCH)

    assert len(violations) == 1, phrasing_id
    violation = violations[0]
    assert violation.rule is Rule.UNSUPPORTED_CLAIM
    assert violation.start is not None
    assert violation.end is not None
    assert example[violation.start : violation.end] == violation.span
    assert "your interests and pitch do not say so" in violation.message


@pytest.mark.parametrize(("phrasing_id", "example"), PASSES)
def test_a_near_miss_is_no_claim(phrasing_id: str, example: str) -> None:
    assert find_unsupported_claims(example, sender_interests=INTERESTS, pitch=PITCH) == [], phrasing_id


@pytest.mark.parametrize(
    ("draft", "sender_interests", "pitch"),
    [
        ("Fellow skydiver here!", "skydiving, jazz", PITCH),
        ("Fellow runner here: your ultra sounds brutal.", "trail running", PITCH),
        ("Always nice to meet a fellow open-water swimmer.", "open water swimming", PITCH),
        ("I'm a climber too!", None, "I'm a backend developer and a keen boulderer."),
        ("You hike in the Dolomites? Me too!", "hiking", PITCH),
        ("Like you, I spend my weekends skydiving.", "skydiving", PITCH),
        ("Fellow data engineer here.", None, "I'm a data engineer moving into platform work."),
    ],
)
def test_a_claim_the_sender_s_interests_or_pitch_support_passes(draft: str, sender_interests: str | None, pitch: str) -> None:
    assert find_unsupported_claims(draft, sender_interests=sender_interests, pitch=pitch) == []


def test_the_message_names_what_is_claimed() -> None:
    (violation,) = find_unsupported_claims("Hi Dana, fellow birdwatcher here!", sender_interests=None, pitch=PITCH)
    assert "birdwatcher" in violation.message
    assert violation.span == "fellow birdwatcher here"


def test_check_message_applies_the_rule_when_the_sender_side_is_known() -> None:
    body = f"Hi Dana, fellow skydiver here! {PITCH}"
    bio = "Dana spends weekends skydiving over the Alps."

    flagged = check_message(body, bio=bio, pitch=PITCH)
    assert [violation.rule for violation in flagged] == [Rule.UNSUPPORTED_CLAIM]
    assert check_message(body, bio=bio, pitch=PITCH, sender_interests="skydiving") == []
    assert Rule.UNSUPPORTED_CLAIM in rules_checked(channel=None, bio=None, pitch=None, sender_interests="chess")
    # With nothing known about the sender there is nothing to weigh the claim against.
    assert Rule.UNSUPPORTED_CLAIM not in rules_checked(channel=None, bio=bio, pitch=None)
    assert Rule.UNSUPPORTED_CLAIM not in {violation.rule for violation in check_message(body, bio=bio)}


def test_a_claim_in_the_subject_is_reported_without_offsets() -> None:
    violations = check_message("Loved your post.", pitch=PITCH, subject="Fellow skydiver!")
    (claim,) = [violation for violation in violations if violation.rule is Rule.UNSUPPORTED_CLAIM]
    assert claim.message.startswith("In the subject:")
    assert claim.start is None


def test_hostile_length_input_is_handled_quickly_enough_to_finish() -> None:
    # No timing assertion: a pattern that backtracked badly would simply not finish the suite.
    hostile = ("I " + "a " * 4_000 + "x") + " fellow " * 500 + "me " * 1_000
    find_unsupported_claims(hostile[:8_000], sender_interests=None, pitch=PITCH)


@pytest.mark.parametrize(
    ("draft", "sender_interests"),
    [
        ("Fellow skydiver and data engineer here!", None),  # the pitch's job does not carry the hobby with it
        ("We both love jazz and skydiving.", "jazz"),  # every hobby a claim names must be the sender's
    ],
)
def test_a_supported_word_does_not_carry_an_unsupported_hobby(draft: str, sender_interests: str | None) -> None:
    pitch = "I'm a data engineer who builds streaming pipelines."
    [violation] = find_unsupported_claims(draft, sender_interests=sender_interests, pitch=pitch)
    assert "skydiving" in violation.message


@pytest.mark.parametrize(
    ("draft", "sender_interests"),
    [
        ("Fellow trail runner here!", "running"),  # a kind of what the sender names
        ("Fellow runner here!", "trail running"),  # what the sender names is a kind of it
        ("I'm a climber too!", "bouldering"),
        ("You hike with your rescue dog? Me too!", "hiking"),  # agreeing with a sentence: one hobby of it is enough
    ],
)
def test_sharing_a_kind_of_the_hobby_is_sharing_it(draft: str, sender_interests: str) -> None:
    assert find_unsupported_claims(draft, sender_interests=sender_interests, pitch=PITCH) == []
