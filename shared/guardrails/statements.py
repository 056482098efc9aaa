"""Numbers and quotations a draft states: each must come from the bio, the pitch or the sender's own words.

- A number (a count, a year, a percentage) that none of the sources gives is an invented fact:
  "your 15 years at Monzo" when the bio says twelve. Numbers written as words in a source
  ("six years", data/grounding.toml) ground the same number in digits.
- A quotation attributed to the person ("as you put it, “…”") must be in the sources
  (compared folded; a quote elided with "…" piece by piece, in order).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path

from shared.models import Rule, Violation
from shared.text import fold

GROUNDING_FILE = Path(__file__).resolve().parent / "data" / "grounding.toml"

# Digits with thousands separators or a decimal part; not inside a word, link or longer number ("G20", "v2.1", "10-15").
_NUMBER = re.compile(r"(?<![\w@/:.,’'-])\d{1,15}(?:[.,]\d{1,15}){0,4}")
# Letters that may follow a number and still leave it a number: ordinals, decades, thousands, percent.
_NUMBER_SUFFIX = re.compile(r"(?:st|nd|rd|th|s|k|m|x)?(?![^\W\d_])", re.IGNORECASE)
_PERCENT_AFTER = re.compile(
    r"\s?(?:%|percent\b|per\s?cent\b|por\s?ciento\b|pour\s?cent\b|prozent\b|por\s?cento\b|per\s?cento\b)", re.IGNORECASE
)
_SOURCE_WORD = re.compile(r"[^\W\d_]+")
# Quoted passages: curly, straight, guillemets and low-high quotes, one line and at most 300 characters.
_QUOTED = re.compile(r"“([^”\n]{1,300})”|\"([^\"\n]{1,300})\"|«([^»\n]{1,300})»|„([^“”\n]{1,300})[“”]")
_SENTENCE_END = re.compile(r"[.!?\n]")
# A quote shorter than this is a word in quote marks, not a quotation.
_MIN_QUOTE_WORDS = 2


def find_invented_numbers(text: str, source_text: str) -> list[Violation]:
    """Numbers in `text` that `source_text` does not give, in digits or in words."""
    known = _source_numbers(source_text)
    violations = []
    for start, end, keys in _numbers(text):
        if keys & known:
            continue
        span = text[start:end]
        violations.append(
            Violation(
                rule=Rule.INVENTED_FACT,
                message=f"Says “{span}”, a number that neither the bio nor your pitch gives.",
                span=span,
                start=start,
                end=end,
            )
        )
    return violations


def find_invented_quotes(text: str, source_text: str) -> list[Violation]:
    """Quotations attributed to the person in `text` that are not in `source_text`."""
    violations = []
    for match in _QUOTED.finditer(text):
        quote = next(group for group in match.groups() if group is not None)
        if len(quote.split()) < _MIN_QUOTE_WORDS or not _attributed(text, match.start(), match.end()):
            continue
        if quote_in(quote, source_text):
            continue
        violations.append(
            Violation(
                rule=Rule.INVENTED_FACT,
                message=f"Quotes them as saying {match.group()}, which the bio does not say.",
                span=match.group(),
                start=match.start(),
                end=match.end(),
            )
        )
    return violations


def quote_in(quote: str, source: str) -> bool:
    """`quote` occurs in `source` (folded); a quote elided with "..." or "…" must occur piece by piece, in order."""
    folded_source = fold(source)
    position = 0
    for piece in re.split(r"\.{3,}|…", quote):
        piece = fold(piece).strip(" \"'“”‘’«»,;:")
        if not piece:
            continue
        found = folded_source.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return position > 0


def _numbers(text: str) -> Iterator[tuple[int, int, frozenset[str]]]:
    for match in _NUMBER.finditer(text):
        suffix = _NUMBER_SUFFIX.match(text, match.end())
        if suffix is None:  # glued to letters: an identifier such as "3D" or "5G", not a stated number
            continue
        end = suffix.end()
        percent = _PERCENT_AFTER.match(text, end)
        yield match.start(), percent.end() if percent else end, _keys(match.group())


def _keys(digits: str) -> frozenset[str]:
    """The forms one number may take in a source: as written, and without separators ("5,000" and "5000")."""
    bare = re.sub(r"[.,]", "", digits)
    keys = {digits, bare, bare.lstrip("0") or "0"}
    if re.fullmatch(r"\d+[.,]0+", digits):  # "3.0" is 3
        keys.add(re.split(r"[.,]", digits)[0])
    return frozenset(keys)


# The body and the subject of a draft are checked against the same sources: read them once.
@lru_cache(maxsize=16)
def _source_numbers(source_text: str) -> frozenset[str]:
    keys: set[str] = set()
    for _start, _end, number_keys in _numbers(source_text):
        keys |= number_keys
    words = _number_words()
    spelled = (found.group().casefold() for found in _SOURCE_WORD.finditer(source_text))
    keys.update(words[word] for word in spelled if word in words)
    # A bare decimal like "2019." at a sentence end, or digits glued to a unit ("5km"), still name their number.
    keys.update(found.group() for found in re.finditer(r"\d{1,15}", source_text))
    return frozenset(keys)


@cache
def _number_words() -> dict[str, str]:
    data = tomllib.loads(GROUNDING_FILE.read_text(encoding="utf-8"))
    pairs = (pair.split("=") for table in data["numbers"].values() for pair in table.split())
    return {word.casefold(): value for word, value in pairs}


@cache
def _attribution() -> tuple[re.Pattern[str], ...]:
    data = tomllib.loads(GROUNDING_FILE.read_text(encoding="utf-8"))
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in data["attribution"]["patterns"])


def attribution_examples() -> tuple[list[str], list[str]]:
    """(sentences whose quotation is attributed to the person, sentences whose quotation is not), from the data file."""
    data = tomllib.loads(GROUNDING_FILE.read_text(encoding="utf-8"))["attribution"]
    return list(data["catches"]), list(data["passes"])


def _attributed(text: str, start: int, end: int) -> bool:
    """The quotation's sentence, outside the quote marks, says it is the person's words."""
    before = text[max(0, start - 200) : start]
    sentence_start = max((found.end() for found in _SENTENCE_END.finditer(before)), default=0)
    after = text[end : end + 200]
    sentence_end = next((found.start() for found in _SENTENCE_END.finditer(after)), len(after))
    context = f"{before[sentence_start:]} {after[:sentence_end]}"
    return any(pattern.search(context) for pattern in _attribution())
