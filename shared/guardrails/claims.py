"""Unsupported claims: the draft says the sender shares an interest that the sender never said they have.

"Fellow skydiver here!", "I swim too", "like you, I …", "we both …" (and their Spanish, French,
German, Portuguese and Italian forms, all in data/claims.toml) claim common ground. A claim is
supported when each hobby it names is one the sender's interests or pitch name, in any word form or
covered language (`topics_in`), or a kind of it, or a broader one ("fellow trail runner" by
"running"); a claim that names no hobby needs one of its words in the sender's text ("fellow data
engineer" by the pitch). What a claim names is read from the claim itself ("fellow *skydiver*"); a
claim that names nothing ("Me too!") is about its sentence and the one before it.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import shared.interests as interests  # a module reference: shared.interests imports the guardrails package in turn
from shared.guardrails.grounding import lexicon_mentions, stem_in
from shared.models import Rule, Violation

CLAIMS_FILE = Path(__file__).resolve().parent / "data" / "claims.toml"
# One word as the phrasings mean it: a letter, then at most 30 letters, digits, apostrophes or hyphens.
_WORD_PATTERN = r"[^\W\d_][\w'’-]{0,30}"
_TEXT_WORD = re.compile(_WORD_PATTERN)
_CLAUSE_END = re.compile(r"[.!?\n,;:]")
# How far around a claim that names nothing itself ("Me too!") its subject is looked for.
_CONTEXT_CHARS = 250
# Words shorter than this say too little to match a stem on.
_MIN_CONTENT_CHARS = 3


@dataclass(frozen=True)
class Phrasing:
    """One way of claiming common ground, with the examples that prove it."""

    id: str
    language: str
    patterns: tuple[re.Pattern[str], ...]
    # Found in the claim or the rest of its clause, this shows the clause is about them, not the sender.
    unless: re.Pattern[str] | None
    catches: tuple[str, ...]
    passes: tuple[str, ...]


@dataclass(frozen=True)
class _Claim:
    start: int
    end: int
    named: str  # the text the claim names, or the sentences around it when it names nothing itself
    from_context: bool = False


@cache
def phrasings() -> tuple[Phrasing, ...]:
    data = tomllib.loads(CLAIMS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Phrasing(
            id=entry["id"],
            language=entry["language"],
            patterns=tuple(re.compile(pattern.replace("{word}", _WORD_PATTERN), re.IGNORECASE) for pattern in entry["patterns"]),
            unless=re.compile(entry["unless"], re.IGNORECASE) if "unless" in entry else None,
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
        if _supported(claim, sender_text, sender_topics):
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
    matches = []
    for phrasing in phrasings():
        for pattern in phrasing.patterns:
            for match in pattern.finditer(text):
                named = match.groupdict().get("claim") or ""
                if phrasing.unless and phrasing.unless.search(f"{named} {_rest_of_clause(text, match.end())}"):
                    continue
                matches.append((match.start(), -match.end(), named))
    claims: list[_Claim] = []
    sentence_spans: Sequence[tuple[int, int]] | None = None
    for start, negative_end, named in sorted(matches):
        if claims and start < claims[-1].end:
            continue
        if not _content_words(named) and not interests.topics_in(named):
            sentence_spans = sentence_spans if sentence_spans is not None else interests.sentences(text)
            claims.append(_Claim(start, -negative_end, _around(text, start, sentence_spans), from_context=True))
        else:
            claims.append(_Claim(start, -negative_end, named))
    return claims


def _rest_of_clause(text: str, position: int) -> str:
    end = _CLAUSE_END.search(text, position, position + 300)
    return text[position : end.start() if end else position + 300]


def _around(text: str, position: int, spans: Sequence[tuple[int, int]]) -> str:
    """The sentence holding `position` and the one before it: what "Me too!" agrees with."""
    index = bisect.bisect_right(spans, (position, len(text) + 1)) - 1
    if index < 0 or not spans[index][0] <= position < spans[index][1]:
        start, end = 0, len(text)
    else:
        start, end = spans[max(0, index - 1)][0], spans[index][1]
    # Bounded, so that a text of endless claims costs time in proportion to its length.
    return text[max(start, position - _CONTEXT_CHARS) : min(end, position + _CONTEXT_CHARS)]


def _supported(claim: _Claim, sender_text: str, sender_topics: frozenset[str]) -> bool:
    """Each hobby the claim names is the sender's (as a kind of one they name, or one they name a kind of: sharing
    either is sharing); a claim that names no hobby needs one of its words in the sender's text. "Me too!" agrees
    with a whole sentence, so one hobby of it is enough."""
    held = [
        bool(interests.topics_in(form) & sender_topics) or stem_in(form, sender_text)
        for form in (claim.named[start:end] for start, end, _topic in lexicon_mentions(claim.named))
    ]
    if held:
        return any(held) if claim.from_context else all(held)
    return any(stem_in(word, sender_text) for word in _content_words(claim.named))


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
