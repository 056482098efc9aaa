"""Sentences and clauses of a bio, and the literal quote that shows an interest: at most MAX_EVIDENCE_CHARS."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

MAX_EVIDENCE_CHARS = 160

# Sentence ends, line breaks, bullets and the separators of LinkedIn headlines. A break that starts with spaces
# starts only where the spaces start, so a long run of spaces is scanned once, not once per space.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|(?<=[。！？])\s*|\n+|(?<!\s)\s*(?:[|•·▪►●]|(?<=\s)[-*–]\s)\s*")
CLAUSE_BREAK = re.compile(r"(?<!\s)\s*(?:[,;:()]|\s[—–-]\s|—)\s*")
_TRIM_CHARS = " \t\n\"'“”‘’.,;:!?-–—*•·▪►●|()"


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def split(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    cursor = start
    for found in pattern.finditer(text, start, end):
        spans.append(Span(cursor, found.start()))
        cursor = found.end()
    spans.append(Span(cursor, end))
    return [trim(text, span) for span in spans if text[span.start : span.end].strip()]


def trim(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and text[start] in _TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in _TRIM_CHARS:
        end -= 1
    return _closing_bracket(text, Span(start, end))


def _closing_bracket(text: str, span: Span) -> Span:
    """Keep the closing bracket of a bracket the quote opened: "amateur potter (mostly wonky mugs)"."""
    unclosed = text.count("(", span.start, span.end) > text.count(")", span.start, span.end)
    fits = span.end - span.start < MAX_EVIDENCE_CHARS
    return Span(span.start, span.end + 1) if unclosed and fits and text[span.end : span.end + 1] == ")" else span


# The bio is split by the interest finder, the composer's hooks and the claims check: once per text.
@functools.lru_cache(maxsize=64)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) offsets of the sentences, lines and bullet items of `text`, trimmed of punctuation."""
    return tuple((span.start, span.end) for span in split(text, _SENTENCE_BREAK, 0, len(text)))


@dataclass(frozen=True)
class Sentence:
    """One sentence of a bio; its clauses are split once, however many interests it states."""

    bio: str
    span: Span

    @functools.cached_property
    def clauses(self) -> list[Span]:
        return split(self.bio, CLAUSE_BREAK, self.span.start, self.span.end)

    @functools.cached_property
    def _clause_starts(self) -> list[int]:
        return [clause.start for clause in self.clauses]

    def clause_at(self, position: int) -> int | None:
        index = bisect.bisect_right(self._clause_starts, position) - 1
        return index if index >= 0 and position < self.clauses[index].end else None

    def evidence(self, match_start: int, match_end: int) -> Span:
        """The sentence if it is short enough, else the clauses around the match, else a word window."""
        if self.span.end - self.span.start <= MAX_EVIDENCE_CHARS:
            return self.span
        index = self.clause_at(match_start)
        if index is None:
            return word_window(self.bio, self.span, match_start, match_end)
        chosen = self.clauses[index]
        # Grow over neighbouring clauses while the quote stays readable: the cue often sits in the one before.
        for neighbour in (index - 1, index + 1):
            if 0 <= neighbour < len(self.clauses):
                grown = Span(min(chosen.start, self.clauses[neighbour].start), max(chosen.end, self.clauses[neighbour].end))
                if grown.end - grown.start <= MAX_EVIDENCE_CHARS:
                    chosen = grown
        if chosen.end - chosen.start <= MAX_EVIDENCE_CHARS:
            return _closing_bracket(self.bio, chosen)
        return word_window(self.bio, chosen, match_start, match_end)


def word_window(bio: str, span: Span, match_start: int, match_end: int) -> Span:
    """At most MAX_EVIDENCE_CHARS of `span` centred on the match, cut only between words."""
    half = max(0, (MAX_EVIDENCE_CHARS - (match_end - match_start)) // 2)
    start = max(span.start, match_start - half)
    end = min(span.end, start + MAX_EVIDENCE_CHARS)
    start = max(span.start, end - MAX_EVIDENCE_CHARS)
    if start > span.start and not bio[start - 1].isspace():
        space = bio.find(" ", start, match_start)
        start = space + 1 if space != -1 else match_start
    if end < span.end and not bio[end].isspace():
        space = bio.rfind(" ", match_end, end)
        end = space if space != -1 else match_end
    return trim(bio, Span(start, end))
