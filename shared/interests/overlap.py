"""Overlap: the bio's interest that the sender shares, found across word forms and languages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.interests import Interest, find_interests, is_hostile, topics_in

# Sender interests are a free-text list: "trail running, watercolour; jazz piano and chess".
_LIST_BREAK = re.compile(r"\s*(?:[,;\n•|/]|\band\b|&)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Overlap:
    """`interest` is the bio's interest (with its bio evidence) that the sender also has; `sender_mention` is the
    literal text of the sender's interests (or pitch) naming it; `topic` is the topic they share."""

    interest: Interest
    sender_mention: str
    topic: str


def _sender_phrases(text: str) -> list[str]:
    return [phrase for phrase in (part.strip(" .!?\t") for part in _LIST_BREAK.split(text)) if phrase]


def find_overlap(bio: str, sender_interests: str | None, *, pitch: str | None = None) -> Overlap | None:
    """The bio's strongest non-work interest that the sender's interests (or, failing them, the pitch) also name."""
    candidates: list[tuple[str, frozenset[str]]] = []
    if sender_interests:
        candidates += [(phrase, topics_in(phrase)) for phrase in _sender_phrases(sender_interests) if not is_hostile(phrase)]
    if pitch:
        candidates += [(interest.mention, frozenset({interest.topic})) for interest in find_interests(pitch) if interest.non_work]
    if not candidates:
        return None
    for interest in find_interests(bio):
        if not interest.non_work:
            continue
        for mention, topics in candidates:
            if interest.topic in topics:
                return Overlap(interest, mention, interest.topic)
    return None
