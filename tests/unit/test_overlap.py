"""Overlap: the bio's interest the sender also has, found across word forms."""

from __future__ import annotations

from shared.interests import find_overlap, topics_in


def test_overlap_across_word_forms() -> None:
    overlap = find_overlap("In my spare time I go bouldering.", "trail running, climbing")
    assert overlap is not None
    assert overlap.topic == "climbing"
    assert overlap.sender_mention == "climbing"
    assert overlap.interest.evidence == "In my spare time I go bouldering"


def test_no_shared_interest_gives_none() -> None:
    assert find_overlap("In my spare time I go bouldering.", "chess") is None
    assert find_overlap("In my spare time I go bouldering.", None) is None


def test_topics_in_reads_word_forms() -> None:
    assert topics_in("a photographer and a swimmer") == {"photography", "swimming"}
