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
from typing import Any, Protocol, cast

import re2

__all__ = ["Match", "Pattern", "PatternError", "PatternSet", "compile_pattern"]

# Generous: the combined ask catalogue needs more than RE2's default 8 MiB, and a pattern
# that needs more than this is one to split, not to feed more memory.
_MAX_MEMORY = 64 << 20


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


class _AsciiMatch:
    """A match found in the bytes of an ASCII text, where byte offsets are character offsets."""

    __slots__ = ("_match", "_text")

    def __init__(self, match: Any, text: str) -> None:
        self._match = match
        self._text = text

    def group(self, group: int | str = 0) -> str | None:
        start, end = self._match.span(group)
        return None if start < 0 else self._text[start:end]

    def start(self, group: int | str = 0) -> int:
        return int(self._match.start(group))

    def end(self, group: int | str = 0) -> int:
        return int(self._match.end(group))

    def span(self, group: int | str = 0) -> tuple[int, int]:
        start, end = self._match.span(group)
        return int(start), int(end)


class Pattern:
    """One compiled pattern: the `re.Pattern` methods guardrails use, in linear time.

    ASCII text (most messages) is searched as bytes: the binding then skips re-encoding the text and
    mapping byte offsets back to characters on every call, which costs more than the search itself.
    """

    def __init__(self, source: str, *, ignore_case: bool = False) -> None:
        self.source = source
        try:
            # Compiled from bytes so that it searches both bytes (the ASCII fast path) and str.
            self._regex = re2.compile(("(?m)" + source).encode(), _options(ignore_case=ignore_case))
        except re2.error as error:
            raise PatternError(f"RE2 cannot compile {source[:80]!r}: {error}") from error

    def search(self, text: str, pos: int = 0) -> Match | None:
        if text.isascii():
            found = self._regex.search(text.encode("ascii"), pos)
            return None if found is None else _AsciiMatch(found, text)
        return cast("Match | None", self._regex.search(text, pos))

    def match(self, text: str, pos: int = 0) -> Match | None:
        if text.isascii():
            found = self._regex.match(text.encode("ascii"), pos)
            return None if found is None else _AsciiMatch(found, text)
        return cast("Match | None", self._regex.match(text, pos))

    def fullmatch(self, text: str) -> Match | None:
        return cast("Match | None", self._regex.fullmatch(text))

    def finditer(self, text: str) -> Iterator[Match]:
        """Non-overlapping matches, left to right (one pass over the text)."""
        if text.isascii():
            return (_AsciiMatch(found, text) for found in self._regex.finditer(text.encode("ascii")))
        return cast("Iterator[Match]", iter(self._regex.finditer(text)))

    def sub(self, replacement: str, text: str) -> str:
        return str(self._regex.sub(replacement, text))

    @property
    def groupindex(self) -> dict[str, int]:
        return {name.decode() if isinstance(name, bytes) else name: index for name, index in self._regex.groupindex.items()}

    def __repr__(self) -> str:
        return f"Pattern({self.source[:60]!r})"


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
        self.size = len(sources)

    def matching(self, text: str) -> list[int]:
        """Indexes of the patterns that match somewhere in `text`, in ascending order."""
        data = text.encode("ascii") if text.isascii() else text.encode()
        return sorted(self._set.Match(data) or ())
