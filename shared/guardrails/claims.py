"""Unsupported claims: the draft says the sender shares an interest that the sender never said they have.

"Fellow skydiver here!", "I swim too", "like you, I …", "we both …" (and their Spanish, French,
German, Portuguese and Italian forms, all in data/claims.toml) claim common ground. A claim is
supported when what it names is in the sender's interests or pitch: the same topic in any word
form or covered language (`topics_in`), or a word with the same stem ("runner" by "running").
What a claim names is read from the claim itself ("fellow *skydiver*"); a claim that names
nothing ("Me too!") is about its sentence and the one before it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import shared.interests as interests  # a module reference: shared.interests imports the guardrails package in turn
from shared.guardrails.grounding import stem_in
from shared.models import Rule, Violation

CLAIMS_FILE = Path(__file__).resolve().parent / "data" / "claims.toml"
# One word as the phrasings mean it: a letter, then at most 30 letters, digits, apostrophes or hyphens.
_WORD_PATTERN = r"[^\W\d_][\w'’-]{0,30}"
_TEXT_WORD = re.compile(_WORD_PATTERN)
# Words shorter than this say too little to match a stem on.
_MIN_CONTENT_CHARS = 3


@dataclass(frozen=True)
class Phrasing:
    """One way of claiming common ground, with the examples that prove it."""

    id: str
    language: str
    patterns: tuple[re.Pattern[str], ...]
    catches: tuple[str, ...]
    passes: tuple[str, ...]


@dataclass(frozen=True)
class _Claim:
    start: int
    end: int
    named: str  # the text the claim names, or the sentences around it when it names nothing itself


@cache
def phrasings() -> tuple[Phrasing, ...]:
    data = tomllib.loads(CLAIMS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Phrasing(
            id=entry["id"],
            language=entry["language"],
            patterns=tuple(re.compile(pattern.replace("{word}", _WORD_PATTERN), re.IGNORECASE) for pattern in entry["patterns"]),
            catches=tuple(entry["catches"]),
            passes=tuple(entry["passes"]),
        )
        for entry in data["phrasing"]
    )


@cache
def _filler() -> frozenset[str]:
    data = tomllib.loads(CLAIMS_FILE.read_text(encoding="utf-8"))
    return frozenset(data["filler"].casefold().split())


def find_unsupported_claims(text: str, *, sender_interests: str | None, pitch: str | None) -> list[Violation]:
    """Claims of sharing an interest in `text` that neither the sender's interests nor the pitch support."""
    sender_text = "\n".join(part for part in (sender_interests, pitch) if part)
    sender_topics = interests.topics_in(sender_text)
    violations = []
    for claim in _claims(text):
        if _supported(claim.named, sender_text, sender_topics):
            continue
        span = text[claim.start : claim.end]
        violations.append(
            Violation(
                rule=Rule.UNSUPPORTED_CLAIM,
                message=(
                    f"“{_short(span)}” says you share {_what(claim.named)} with them, but your interests and pitch do not "
                    "say so. Show curiosity about it instead, or add it to your interests if it is true."
                ),
                span=span,
                start=claim.start,
                end=claim.end,
            )
        )
    return violations


def _claims(text: str) -> list[_Claim]:
    """Each claim once, leftmost first; overlapping phrasings ("as a fellow …", "also a … here") count once."""
    found: dict[int, _Claim] = {}
    for phrasing in phrasings():
        for pattern in phrasing.patterns:
            for match in pattern.finditer(text):
                named = match.groupdict().get("claim") or ""
                if not _content_words(named) and not interests.topics_in(named):
                    named = _around(text, match.start())
                claim = _Claim(match.start(), match.end(), named)
                if not any(_overlaps(claim, other) for other in found.values()):
                    found[claim.start] = claim
    return [found[start] for start in sorted(found)]


def _overlaps(first: _Claim, second: _Claim) -> bool:
    return first.start < second.end and second.start < first.end


def _around(text: str, position: int) -> str:
    """The sentence holding `position` and the one before it: what "Me too!" agrees with."""
    spans = interests.sentences(text)
    index = next((i for i, (start, end) in enumerate(spans) if start <= position < end), None)
    if index is None:
        return text[max(0, position - 200) : position + 200]
    start = spans[max(0, index - 1)][0]
    return text[start : spans[index][1]]


def _supported(named: str, sender_text: str, sender_topics: frozenset[str]) -> bool:
    if interests.topics_in(named) & sender_topics:
        return True
    return any(stem_in(word, sender_text) for word in _content_words(named))


def _content_words(text: str) -> list[str]:
    filler = _filler()
    return [
        word
        for word in (found.group() for found in _TEXT_WORD.finditer(text))
        if len(word) >= _MIN_CONTENT_CHARS and word.casefold().replace("’", "'") not in filler
    ]


def _what(named: str) -> str:
    topics = sorted(interests.topics_in(named))
    if topics:
        return " and ".join(topics)
    words = _content_words(named)
    return f"“{' '.join(words[:4])}”" if words else "something"


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
