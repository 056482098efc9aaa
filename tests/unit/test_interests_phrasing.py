"""Everyday phrasings of a pastime that the finder must read as one, and words that only look like one."""

from __future__ import annotations

import pytest

from shared.interests import find_interests, find_overlap


@pytest.mark.parametrize(
    ("bio", "topic"),
    [
        ("Marcus sails a small dinghy on Lake Washington most summer evenings.", "sailing"),
        ("Ehrenamtlich trainiere ich eine Jugend-Handballmannschaft in Köln.", "handball"),
        ("In her spare time she restores vintage typewriters.", "typewriters"),
        ("Nos tempos livres faço surf e toco guitarra.", "surfing"),
    ],
)
def test_the_pastime_is_found(bio: str, topic: str) -> None:
    assert topic in [interest.topic for interest in find_interests(bio)]


def test_free_time_in_portuguese_is_not_books() -> None:
    topics = [interest.topic for interest in find_interests("Engenheiro em Lisboa. Nos tempos livres faço surf.")]
    assert "reading" not in topics


def test_coaching_a_childs_team_is_a_pastime_the_sender_can_share() -> None:
    bio = "She manages the finance team; she also coaches her son's basketball team."
    overlap = find_overlap(bio, "basketball")
    assert overlap is not None
    assert overlap.topic == "basketball"


@pytest.mark.parametrize(("bio", "sender"), [("Between deals I get out on my paddleboard.", "stand-up paddling")])
def test_a_sender_naming_the_pursuit_another_way_shares_it(bio: str, sender: str) -> None:
    assert find_overlap(bio, sender) is not None
