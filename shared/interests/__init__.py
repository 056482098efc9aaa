"""What a bio says its person cares about: hobbies, causes, background and recent work; and what a sender shares.

Interests are found with the lexicon in data/topics.toml (hobbies, sports, arts, music, games, outdoors,
animals, food, causes, faith and community, in six languages) and the cue words in data/cues.toml
("in my spare time", "avid", "on weekends", "volunteer at"). Every interest carries an exact quote from
the bio, so a draft that opens with it can always show its evidence. The bio is untrusted: sentences
carrying links, placeholders, requests or text planted for a model are never used as evidence.
"""

from shared.interests.evidence import MAX_EVIDENCE_CHARS, sentences
from shared.interests.finder import (
    NON_WORK_KINDS,
    Interest,
    InterestKind,
    activity_of,
    agent_of,
    find_interests,
    topics_in,
)
from shared.interests.hostile import is_hostile
from shared.interests.overlap import Overlap, find_overlap

__all__ = [
    "MAX_EVIDENCE_CHARS",
    "NON_WORK_KINDS",
    "Interest",
    "InterestKind",
    "Overlap",
    "activity_of",
    "agent_of",
    "find_interests",
    "find_overlap",
    "is_hostile",
    "sentences",
    "topics_in",
]
