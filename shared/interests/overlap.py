"""Overlap: the bio's interest that the sender shares, found across word forms, synonyms and languages."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from shared.interests.finder import Interest, InterestKind, activity_of, agent_of, find_interests
from shared.interests.hostile import is_hostile
from shared.interests.lexicon import ACRONYM_KEYS, FORM_INDEX, lineage
from shared.interests.tokens import tokenise

# Sender interests are a free-text list: "trail running, watercolour; jazz piano and chess".
_ITEM = re.compile(r"[^,;\n•|]+")
_CONJUNCTION = re.compile(r"(?i)\s(?:and|or|plus|y|o|et|ou|und|oder|e)\s|\s&\s|/")


@dataclass(frozen=True)
class Overlap:
    """`interest` is the bio's interest (with its bio evidence) that the sender also has; `sender_mention` is the
    literal text of the sender's interests (or pitch) naming it; `topic` is the topic they share (the broader of the
    two when one is a kind of the other: "swimming" for a sea swimmer and a sender who swims)."""

    interest: Interest
    sender_mention: str
    topic: str

    @property
    def agent(self) -> str | None:
        """The person noun for the shared topic: "Fellow ___ here"."""
        return agent_of(self.topic)

    @property
    def activity(self) -> str:
        return activity_of(self.topic)


@dataclass(frozen=True)
class _Named:
    topic: str
    mention: str


@dataclass(frozen=True)
class _Item:
    """One item of the sender's list and its parts joined by "and", "or" or "/"; the item decides hostility."""

    start: int
    end: int
    part_starts: list[int]
    part_ends: list[int]

    def part_around(self, start: int, end: int) -> tuple[int, int]:
        """The part holding text[start:end], else the whole item (a form that spans a joint: "rock and roll")."""
        index = bisect.bisect_right(self.part_starts, start) - 1
        if index >= 0 and end <= self.part_ends[index]:
            return self.part_starts[index], self.part_ends[index]
        return self.start, self.end


def _sender_items(text: str) -> list[_Item]:
    items: list[_Item] = []
    for item in _ITEM.finditer(text):
        starts, ends = [item.start()], []
        for joint in _CONJUNCTION.finditer(text, item.start(), item.end()):
            ends.append(joint.start())
            starts.append(joint.end())
        ends.append(item.end())
        items.append(_Item(item.start(), item.end(), starts, ends))
    return items


def _named_by_sender(text: str) -> list[_Named]:
    """Topics the sender's own list names, with the literal list item naming each; hostile items are skipped."""
    tokens = tokenise(text)
    items = _sender_items(text)
    item_starts = [item.start for item in items]
    hostile: dict[int, bool] = {}
    named: list[_Named] = []
    for found in FORM_INDEX.scan(tokens):
        start, end = tokens[found.first].start, tokens[found.last].end
        keys = tuple(token.key for token in tokens[found.first : found.last + 1])
        index = bisect.bisect_right(item_starts, start) - 1
        if index < 0 or end > items[index].end or (keys in ACRONYM_KEYS and not text[start:end].isupper()):
            continue
        item = items[index]
        if index not in hostile:
            hostile[index] = is_hostile(text, item.start, item.end)
        if hostile[index]:
            continue
        part_start, part_end = item.part_around(start, end)
        named.append(_Named(found.value, text[part_start:part_end].strip(" \t.!?:-")))
    return named


def _shared_topic(bio_topic: str, sender_topic: str) -> str | None:
    if sender_topic in lineage(bio_topic):
        return sender_topic
    if bio_topic in lineage(sender_topic):
        return bio_topic
    return None


def find_overlap(bio: str, sender_interests: str | None, *, pitch: str | None = None) -> Overlap | None:
    """The bio's strongest stated pursuit (or cause) that the sender's interests name, else one the pitch states.

    Matches across word forms, synonyms, specific forms and languages ("fotografía" ~ photography, "boulderer" ~
    climbing) and across a topic and its kinds ("swimming" ~ "swim in the lake"). Never on work topics, on a bare
    mention in a sentence about work, or on a hostile part of the sender's text.
    """
    named = _named_by_sender(sender_interests) if sender_interests else []
    if pitch:
        # The pitch is about work: only a pursuit it states as one counts ("a keen climber who spends weekends bouldering").
        named += [_Named(interest.topic, interest.mention) for interest in find_interests(pitch) if interest.shareable]
    if not named:
        return None
    # A pastime beats a cause; then the sender's first-named interest the bio shares wins ("guitar, coffee" opens on
    # the guitarist, not the coffee nerd); for the same one, the bio's strongest statement of it, even of a narrower
    # kind ("an enthusiastic open-water swimmer" before "she once swam" for a sender who swims). The sender's own list
    # beats the pitch (it comes first).
    best: tuple[tuple[bool, int], Overlap] | None = None
    for interest in find_interests(bio):
        if not interest.shareable:
            continue
        for index, candidate in enumerate(named):
            topic = _shared_topic(interest.topic, candidate.topic)
            if topic is None:
                continue
            rank = (interest.kind is InterestKind.CAUSE, index)
            if best is None or rank < best[0]:
                best = (rank, Overlap(interest, candidate.mention, topic))
    return best[1] if best is not None else None
