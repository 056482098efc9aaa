"""Hidden characters: nothing in a draft may be invisible to its reader.

Zero-width spaces and joiners, soft hyphens, bidi controls (which reorder what is shown), invisible operators,
variation selectors and Unicode tag characters (which can spell a whole instruction no one sees) either hide a
word from the checks or smuggle text past the sender. The only exception is what belongs to an emoji: the
joiner inside "🏊‍♀️", the selector after "☕️", the tags of a subdivision flag.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from shared.models import Rule, Violation
from shared.text.reading import emoji_spans, is_hidden

_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# A text with a hidden character between every pair of letters has thousands of runs: the first few, then a count,
# tell the writer all they need and keep a check's answer small.
MAX_RUNS_REPORTED = 10


def find_hidden_characters(text: str) -> list[Violation]:
    """One violation per run of hidden characters in `text`, with its span; past MAX_RUNS_REPORTED runs, the last
    violation counts the rest."""
    runs = list(_hidden_runs(text))
    violations = [_violation(text, start, end) for start, end in runs[:MAX_RUNS_REPORTED]]
    if len(runs) > MAX_RUNS_REPORTED:
        start, end = runs[MAX_RUNS_REPORTED]
        more = len(runs) - MAX_RUNS_REPORTED
        violations.append(_violation(text, start, end, suffix=f", and {more:,} more runs of them"))
    return violations


def _violation(text: str, start: int, end: int, *, suffix: str = "") -> Violation:
    return Violation(
        rule=Rule.HIDDEN_CHARACTER,
        message=f"Has invisible characters a reader cannot see: {_describe(text[start:end])}{suffix}.",
        span=text[start:end],
        start=start,
        end=end,
    )


def strip_hidden_characters(text: str) -> str:
    """`text` without its hidden characters (emoji keep theirs)."""
    runs = list(_hidden_runs(text))
    if not runs:
        return text
    pieces, cursor = [], 0
    for start, end in runs:
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _hidden_runs(text: str) -> Iterator[tuple[int, int]]:
    if text.isascii() and not _ASCII_CONTROL.search(text):
        return
    inside_emoji: set[int] = set()
    for start, end in emoji_spans(text):
        inside_emoji.update(range(start, end))
    run_start: int | None = None
    for index, char in enumerate(text):
        hidden = index not in inside_emoji and is_hidden(char)
        if hidden and run_start is None:
            run_start = index
        elif not hidden and run_start is not None:
            yield run_start, index
            run_start = None
    if run_start is not None:
        yield run_start, len(text)


def _describe(run: str) -> str:
    names = dict.fromkeys(_name(char) for char in run)
    return ", ".join(names)


def _name(char: str) -> str:
    code = ord(char)
    if 0xE0000 <= code <= 0xE007F:
        return "tag characters"
    return f"{unicodedata.name(char, 'control character').lower()} (U+{code:04X})"
