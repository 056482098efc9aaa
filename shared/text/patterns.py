"""Regular expressions that run in time linear in their input, whatever the input.

Every guardrail compiles its patterns here instead of with `re`. The engine is RE2 (the
`google-re2` binding): it never backtracks, so an 8,000-character hostile input costs what
an 8,000-character letter costs. The price is RE2's syntax: no look-around and no
backreferences. Express "not preceded by" as a check on the text before a match, and "at a
sentence start" as a condition the caller tests, not as an assertion inside the pattern.

Differences from `re` worth knowing:

- `\\w`, `\\d`, `\\s` and `\\b` are ASCII-only; use `\\p{L}` (any letter) and `\\p{N}` for Unicode.
- Patterns are case-sensitive unless compiled with `ignore_case=True` (slower: prefer
  lower-casing the text once and writing lower-case patterns).
- `^` and `$` match at line breaks too (multi-line mode is always on here).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any, Protocol

import re2

__all__ = ["Match", "Pattern", "PatternError", "PatternSet", "Subject", "compile_pattern"]

# Generous: the combined ask catalogue needs more than RE2's default 8 MiB, and a pattern
# that needs more than this is one to split, not to feed more memory.
_MAX_MEMORY = 64 << 20
# Below this many bytes, decoding a prefix beats building an offset table.
_SHORT_TEXT = 512


_UNANCHORED = re2._Anchor.UNANCHORED
_ANCHOR_START = re2._Anchor.ANCHOR_START
_ANCHOR_BOTH = re2._Anchor.ANCHOR_BOTH


class PatternError(ValueError):
    """A pattern RE2 cannot compile (often look-around or a backreference)."""


class Match(Protocol):
    """What a match offers (the `re.Match` methods guardrails use); a group that did not take part is at -1."""

    def group(self, group: int | str = 0) -> str | None: ...
    def start(self, group: int | str = 0) -> int: ...
    def end(self, group: int | str = 0) -> int: ...
    def span(self, group: int | str = 0) -> tuple[int, int]: ...


def _options(*, ignore_case: bool) -> re2.Options:
    options = re2.Options()
    options.max_mem = _MAX_MEMORY
    options.case_sensitive = not ignore_case
    options.log_errors = False
    return options


class Subject:
    """A text prepared once for many searches: encoded to UTF-8 once, offsets mapped back to characters.

    Searching a plain str makes the binding encode the whole text on every call, so a loop of searches
    over one long text would cost time quadratic in its length. Search a Subject instead.
    """

    __slots__ = ("_char_at", "data", "is_ascii", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode()
        self.is_ascii = len(self.data) == len(text)
        self._char_at: list[int] | None = None

    def byte_offset(self, char_offset: int) -> int:
        if self.is_ascii or char_offset <= 0:
            return max(char_offset, 0)
        return len(self.text[:char_offset].encode())

    def char_offset(self, byte_offset: int) -> int:
        if self.is_ascii or byte_offset < 0:
            return byte_offset
        if len(self.data) <= _SHORT_TEXT:
            return len(self.data[:byte_offset].decode(errors="ignore"))
        if self._char_at is None:
            # One pass over the text, the first time a non-ASCII offset is needed.
            char_at = [0] * (len(self.data) + 1)
            position = 0
            for index, char in enumerate(self.text):
                width = len(char.encode())
                char_at[position : position + width] = [index] * width
                position += width
            char_at[position] = len(self.text)
            self._char_at = char_at
        return self._char_at[byte_offset]


class _SubjectMatch:
    """A match found in a Subject's bytes, reported in characters."""

    __slots__ = ("_groups", "_spans", "_subject")

    def __init__(self, spans: list[tuple[int, int]], subject: Subject, groups: dict[str, int]) -> None:
        self._spans = spans
        self._subject = subject
        self._groups = groups

    def span(self, group: int | str = 0) -> tuple[int, int]:
        start, end = self._spans[group if isinstance(group, int) else self._groups[group]]
        if self._subject.is_ascii:
            return start, end
        return self._subject.char_offset(start), self._subject.char_offset(end)

    def start(self, group: int | str = 0) -> int:
        return self.span(group)[0]

    def end(self, group: int | str = 0) -> int:
        return self.span(group)[1]

    def group(self, group: int | str = 0) -> str | None:
        start, end = self.span(group)
        return None if start < 0 else self._subject.text[start:end]


class Pattern:
    """One compiled pattern: the `re.Pattern` methods guardrails use, in linear time.

    Every method takes a str or a Subject (prepare a long text once when searching it many times).
    """

    def __init__(self, source: str, *, ignore_case: bool = False) -> None:
        self.source = source
        try:
            self._regex = re2.compile(("(?m)" + source).encode(), _options(ignore_case=ignore_case))
        except re2.error as error:
            raise PatternError(f"RE2 cannot compile {source[:80]!r}: {error}") from error
        # The binding's own search wraps each call in a generator and a match object that cost more than
        # RE2's search on a short message; its compiled RE2 object answers with the spans directly.
        self._raw = self._regex._regexp
        self._groups = {
            name.decode() if isinstance(name, bytes) else name: index for name, index in self._regex.groupindex.items()
        }

    def _find(self, anchor: Any, text: str | Subject, pos: int) -> Match | None:
        subject = _subject(text)
        spans = self._raw.Match(anchor, subject.data, subject.byte_offset(pos), len(subject.data))
        return None if spans[0][0] < 0 else _SubjectMatch(spans, subject, self._groups)

    def search(self, text: str | Subject, pos: int = 0) -> Match | None:
        return self._find(_UNANCHORED, text, pos)

    def search_spans(self, subject: Subject, pos: int = 0) -> list[tuple[int, int]] | None:
        """The first match from `pos` as (start, end) of the match and of each group, in characters; (-1, -1) for a
        group that took no part. `search` without a match object: for loops that run per phrasing per message."""
        data = subject.data
        spans: list[tuple[int, int]] = self._raw.Match(_UNANCHORED, data, subject.byte_offset(pos), len(data))
        if spans[0][0] < 0:
            return None
        if subject.is_ascii:
            return spans
        char = subject.char_offset
        return [(char(start), char(end)) for start, end in spans]

    def iter_spans(self, subject: Subject) -> Iterator[list[tuple[int, int]]]:
        """`finditer` as `search_spans` lists: non-overlapping matches, left to right."""
        data = subject.data
        size = len(data)
        position = 0
        while position <= size:
            spans: list[tuple[int, int]] = self._raw.Match(_UNANCHORED, data, position, size)
            if spans[0][0] < 0:
                return
            end = spans[0][1]
            position = end if end > spans[0][0] else end + 1
            if not subject.is_ascii:
                char = subject.char_offset
                spans = [(char(start), char(stop)) for start, stop in spans]
            yield spans

    def match(self, text: str | Subject, pos: int = 0) -> Match | None:
        return self._find(_ANCHOR_START, text, pos)

    def fullmatch(self, text: str | Subject) -> Match | None:
        return self._find(_ANCHOR_BOTH, text, 0)

    def finditer(self, text: str | Subject) -> Iterator[Match]:
        """Non-overlapping matches, left to right (one pass over the text)."""
        subject = _subject(text)
        position = 0
        while position <= len(subject.data):
            spans = self._raw.Match(_UNANCHORED, subject.data, position, len(subject.data))
            if spans[0][0] < 0:
                return
            yield _SubjectMatch(spans, subject, self._groups)
            # An empty match must not stop progress.
            position = spans[0][1] if spans[0][1] > spans[0][0] else spans[0][1] + 1

    def sub(self, replacement: str, text: str) -> str:
        return bytes(self._regex.sub(replacement.encode(), text.encode())).decode()

    @property
    def groupindex(self) -> dict[str, int]:
        return dict(self._groups)

    def __repr__(self) -> str:
        return f"Pattern({self.source[:60]!r})"


def _subject(text: str | Subject) -> Subject:
    return text if isinstance(text, Subject) else Subject(text)


@cache
def compile_pattern(source: str, *, ignore_case: bool = False) -> Pattern:
    """The compiled pattern (cached: compile sites may call this freely)."""
    return Pattern(source, ignore_case=ignore_case)


class PatternSet:
    """Many patterns, one pass: which of them occur anywhere in a text.

    Used as a prefilter: most texts match none of a catalogue's patterns, and one pass of
    RE2's set automaton says so without running each pattern.
    """

    def __init__(self, sources: Sequence[str], *, ignore_case: bool = False) -> None:
        self._set = re2.Set.SearchSet(_options(ignore_case=ignore_case))
        for source in sources:
            try:
                self._set.Add("(?m)" + source)
            except re2.error as error:
                raise PatternError(f"RE2 cannot add {source[:80]!r} to a set: {error}") from error
        self._set.Compile()
        # The binding's wrapper only checks the text's type; its RE2 set answers directly.
        self._raw = self._set._set
        self.size = len(sources)

    def matching(self, text: str | Subject) -> list[int]:
        """Indexes of the patterns that match somewhere in `text`, in ascending order."""
        return sorted(self._raw.Match(_subject(text).data) or ())
