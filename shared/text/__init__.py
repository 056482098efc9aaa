"""Text normalisation applied to all untrusted input before anything else sees it."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and joiner characters, variation selectors, and Unicode tag characters:
# invisible in a browser, but able to smuggle instructions to a model.
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufe00-\ufe0f\U000e0000-\U000e007f\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


# No language stacks more combining marks than this on one letter; a longer run is noise (Zalgo), and normalising it
# takes time quadratic in its length (CPython's canonical ordering: 8,000 marks, 0.15 s per call).
MAX_MARK_RUN = 16


def cap_mark_runs(text: str, limit: int = MAX_MARK_RUN) -> str:
    """`text` with at most `limit` combining marks in a row."""
    if text.isascii():
        return text
    kept, run = [], 0
    for char in text:
        run = run + 1 if unicodedata.combining(char) or unicodedata.category(char) == "Me" else 0
        if run <= limit:
            kept.append(char)
    return "".join(kept)


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def normalise(text: str, *, keep_hidden: bool = False) -> str:
    """NFC, invisible and control characters removed, runs of spaces folded, at most one blank line, no more than
    MAX_MARK_RUN combining marks in a row.

    `keep_hidden` keeps the invisible and control characters: a message checked for the user to send must show
    them to the hidden-character check, not lose them before it."""
    text = unicodedata.normalize("NFC", cap_mark_runs(text)).replace("\r\n", "\n").replace("\r", "\n")
    if not keep_hidden:
        text = _CONTROL.sub("", strip_invisible(text))
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(words(text))


def fold(text: str) -> str:
    """Case- and whitespace-insensitive form used to test that a quote occurs in a source."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().replace("’", "'").split())
