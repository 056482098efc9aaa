"""Reading what a bio says of a pursuit before opening on it: a cause the person serves ("Trustee of a youth rowing
charity"), a parent of someone who does it ("Hockey dad"), or a pet, a companion rather than a pastime. The words are
data (data/wording.toml [readings]); tests/unit/data/review_readings.toml has the bios that prove them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from shared.composer.retell import Reteller
from shared.composer.wording import article, looks_english, table, variants
from shared.interests import Interest

_CAUSE_AFTER: Final = frozenset(variants("readings", "cause_after"))
_CAUSE_ROLE = re.compile(r"(?i)^(?:" + "|".join(re.escape(role) for role in variants("readings", "cause_roles")) + r")\b")
_PARENT_AFTER: Final = frozenset(variants("readings", "parent_after"))
_PETS: Final = table("readings", "pets")
_ITEM_BREAK = re.compile(r"[.;|•·]")


def words_after(interest: Interest) -> list[str]:
    """The two words right after the bio's mention of the interest, in lower case ("charity" in "youth rowing charity")."""
    position = interest.evidence.lower().find(interest.mention.lower())
    if position < 0:
        return []
    end = position + len(interest.mention)
    return re.findall(r"[^\W\d_][\w'’-]*", interest.evidence[end : end + 40].lower())[:2]


def served_clause(interest: Interest, reteller: Reteller, clause_chars: int) -> str | None:
    """ "Trustee of a youth rowing charity" -> "you're a trustee of a youth rowing charity": the organisation the person
    serves, told as a cause; None when no clean clause says it."""
    evidence = interest.evidence
    position = max(evidence.lower().find(interest.mention.lower()), 0)
    start = max((found.end() for found in _ITEM_BREAK.finditer(evidence, 0, position)), default=0)
    stop = _ITEM_BREAK.search(evidence, position)
    piece = evidence[start : stop.start() if stop else len(evidence)].strip()
    if _CAUSE_ROLE.match(piece):
        lowered = piece[:1].lower() + piece[1:]
        clause: str | None = f"you're {article(lowered)} {lowered}"
    else:
        clause = reteller.second_person(piece, max_chars=clause_chars)
    return clause if clause is not None and len(clause) <= clause_chars else None


_POSSESSIVE_BEFORE = re.compile(r"(?i)\b(?:my|her|his|their|our)\s+(?:[\w-]+\s+){0,2}$")


def pet_phrase(interest: Interest) -> str | None:
    """ "your rescue greyhounds" when the bio says they are theirs ("my two rescue greyhounds"), else the bio's word."""
    mention = re.sub(r"(?i)^(?:my|her|his|their|our)\s+", "", " ".join(interest.mention.split()))
    position = interest.evidence.lower().find(mention.lower())
    owned = position >= 0 and _POSSESSIVE_BEFORE.search(interest.evidence[max(position - 40, 0) : position]) is not None
    if not mention or not looks_english(interest.evidence):
        return None
    return f"your {mention.lower()}" if owned else mention.lower()


def is_parent_word(word: str) -> bool:
    """ "dad" in "hockey dad": the person is a parent of someone who does it."""
    return word in _PARENT_AFTER


def names_a_cause(words: Sequence[str]) -> bool:
    """ "charity" in "youth rowing charity": the pursuit names an organisation the person serves."""
    return not _CAUSE_AFTER.isdisjoint(words)


def pet_word(topic: str) -> str | None:
    """The singular for a pet topic ("cat" for cats), None for a pastime."""
    return _PETS.get(topic)
