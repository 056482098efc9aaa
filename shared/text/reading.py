"""What a reader understands from a text: the form every check judges, with a way back to the original.

`read(text)` folds away what changes how a text looks but not what it says to a person:

- characters nobody sees: zero-width and joiner characters, soft hyphens, bidi controls, invisible
  operators, variation selectors and tag characters (`is_hidden`);
- compatibility forms (NFKC: fullwidth, mathematical bold, ligatures) and look-alike letters from other
  scripts (Unicode's confusables data, UTS #39, as shipped by `confusable_homoglyphs`): Cyrillic "с" reads "c";
- leetspeak ("c0ff33" reads "coffee", "ca11" reads "call") and spaced-out letters ("c a l l", "c.a.l.l", "c.a-l_l");
- hashtags written in camel case, read as the words they join ("#CouldYouReferMe" reads "#could you refer me");
- stray accents: a word at least half of whose letters carry a mark no covered language writes ("ć", "ĺ") reads
  bare, every mark of it dropped ("ćáĺĺ" reads "call"); "café", "über", "ação", and names such as "Nguyễn" and
  "Dvořák" read as written;
- emoji, read by their names from the `emoji` package ("☕" reads "coffee hot beverage"); in a run of emoji each
  meaning is read at its first and last place only ("☕☕☕" reads "coffee hot beverage" twice, not three times);
- case (casefolded, so "ß" reads "ss").

Every character of `Reading.text` remembers which characters of the input it came from, so a check that
finds something in the reading reports it on the input with `Reading.original_span`.

Pure ASCII text with nothing to fold takes a fast path that only lowercases: most messages cost almost nothing.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType

from shared.text.emoji_scan import emoji_matches

# --- hidden characters ---------------------------------------------------------------------------
# Invisible characters outside the format category (Cf, which holds zero-width, bidi and tag characters and the
# soft hyphen): variation selectors, the combining grapheme joiner, Mongolian selectors and Hangul fillers, the
# braille blank, and the rest of Unicode's Other_Default_Ignorable_Code_Point list (PropList.txt, a stable list):
# Khmer inherent vowels and code points kept unassigned so that renderers show nothing for them (U+2065,
# U+FFF0..U+FFF8, the plane-14 gaps around the tag and selector blocks).
_INVISIBLE_OTHER = frozenset(
    [chr(code) for code in range(0xFE00, 0xFE10)]
    + [chr(code) for code in range(0xE0000, 0xE1000)]
    + [chr(code) for code in range(0xFFF0, 0xFFF9)]
    + ["\u034f", "\u180b", "\u180c", "\u180d", "\u180f", "\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"]
    + ["\u17b4", "\u17b5", "\u2065"]
)
_KEPT_CONTROLS = frozenset("\t\n\r")


def is_hidden(char: str) -> bool:
    """A character that changes nothing a reader sees: format, bidi, tag, variation or control characters."""
    if char in _INVISIBLE_OTHER:
        return True
    category = unicodedata.category(char)
    return category == "Cf" or (category == "Cc" and char not in _KEPT_CONTROLS)


# --- leetspeak and spaced-out letters -----------------------------------------------------------
_LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s"}
# A run of letters and digits (or $) with at least one digit or $: a candidate for leetspeak.
_LEET_TOKEN = re.compile(r"(?<![\w$])[a-z]*[0-9$][a-z0-9$]*(?![\w$])")
_NOT_LEET_DIGITS = frozenset("2689")
_LEET_MARKS = "0123456789$"
# "3rd", "10x", "5k", "4pm", "100ms": a number with a unit is not leetspeak.
_NUMBER_WITH_UNIT = re.compile(r"\$?\d+[a-z]{1,3}")
# Three or more single letters joined by the same separator: "c a l l", "c.a.l.l", "c-a-l-l", "c . a . l . l", one a
# line (the same one: "i.e. I" is no spelled-out word); or four or more joined by marks, mixed: "c.a-l_l".
_SEPARATOR_MARKS = ".-_*·•/|~+=:‧"
_SPACED_LETTERS = re.compile(
    # (The look-ahead only fails fast: after most letters comes no separator.)
    rf"(?<![^\W\d_])[^\W\d_](?=[ \t\n{re.escape(_SEPARATOR_MARKS)}])"
    rf"(?:(?P<sep>[ \t\n{re.escape(_SEPARATOR_MARKS)}] ?| {{2}}| [{re.escape(_SEPARATOR_MARKS)}] )"
    rf"[^\W\d_](?:(?P=sep)[^\W\d_])+|(?:[{re.escape(_SEPARATOR_MARKS)}][^\W\d_]){{3,}})(?![^\W\d_])"
)
# Accented letters the covered languages write (es, fr, de, pt, it): a word of these keeps its accents.
_COVERED_ACCENTS = frozenset("áéíóúàèìòùâêîôûäöüçãõñëïÿ")
# A word holding a Latin letter with a mark none of them writes ("ć", "ĺ", "ḿ"): its marks are noise.
_STRAY_ACCENT = re.compile(
    "["
    + "".join(
        sorted(
            {
                letter
                for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
                if (char := chr(code)).isalpha()
                and len(char.lower()) == 1
                and char.lower() not in _COVERED_ACCENTS
                and len(unicodedata.normalize("NFD", char.lower())) > 1
                and unicodedata.normalize("NFD", char.lower())[0].isascii()
                for letter in (char, char.lower())
            }
        )
    )
    + "]"
)
# In the source: a stray accent, or a combining mark that may make one once composed ("c" + U+0301 is "ć").
_STRAY_ACCENT_OR_MARK = re.compile(_STRAY_ACCENT.pattern[:-1] + "\u0300-\u036f]")
# A hashtag with a lower-case letter followed by a capital: "#CouldYouReferMe".
_CAMEL_HASHTAG = re.compile(r"#[^\W\d_]*[a-z][A-Z]")
_HASHTAG = re.compile(r"#[^\W_]+")
# One-letter words ("a c a l l", "y c a f é") that may stand before spaced-out letters without being part of them.
_ONE_LETTER_WORDS = frozenset("aiyoeà")
# ASCII text needs the full reading only when it may hold leetspeak or control characters.
_LEET_OR_CONTROL = re.compile(r"[a-z$][0-9]|[0-9][a-z$]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An emoji reads as at most this many words ("coffee hot beverage"): enough for its meaning, and a text of
# emoji grows only so much when read.
_MAX_EMOJI_WORDS = 3
# Ideographic full stops read as dots ("example。com").
_DOTS = {"。": ".", "｡": ".", "︒": ".", "﹒": "."}
# A fold: for a match, the (index in the match, character) pairs to keep, or None to leave the match as it is.
_Folder = Callable[[re.Match[str]], list[tuple[int, str]] | None]


@dataclass(frozen=True)
class Reading:
    """`text` is what a reader understands from `source`; `original_span` maps its offsets back to `source`."""

    source: str
    text: str
    # Per character of `text`: the source span it came from. None means the identity (fast path).
    _starts: tuple[int, ...] | None = None
    _ends: tuple[int, ...] | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of `source` that `text[start:end]` was read from (every source character it came from)."""
        if self._starts is None or self._ends is None:
            return start, end
        size = len(self.text)
        start, end = max(0, min(start, size)), max(0, min(end, size))
        if start >= end:
            position = self._starts[start] if start < size else len(self.source)
            return position, position
        return self._starts[start], self._ends[end - 1]

    def original_spans(self, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """`original_span` of many non-empty spans of `text` at once (the words of a long reading)."""
        if self._starts is None or self._ends is None:
            return list(spans)
        starts, ends = self._starts, self._ends
        return [(starts[start], ends[end - 1]) for start, end in spans]

    def original(self, start: int, end: int) -> str:
        """The source text behind `text[start:end]`."""
        first, last = self.original_span(start, end)
        return self.source[first:last]


@lru_cache(maxsize=1024)
def read(text: str) -> Reading:
    """How a reader reads `text`; see the module's docstring for what is folded."""
    if text.isascii():
        lowered = text.lower()
        if not _LEET_OR_CONTROL.search(lowered) and not _SPACED_LETTERS.search(lowered) and "#" not in text:
            return Reading(source=text, text=lowered)
    units = _units(text)
    repeats = _repeats_in_runs(units) if not text.isascii() and _emoji_spans(text) else set()
    pieces = _Builder()
    pieces.add_units(units, repeats)
    if "#" in text and _CAMEL_HASHTAG.search(text):
        pieces.split_hashtags(text)
    if not text.isascii() and _STRAY_ACCENT_OR_MARK.search(text):
        pieces.fold_stray_accents()
    pieces.fold_spaced_letters()
    pieces.fold_leetspeak()
    return pieces.reading(text)


class _Builder:
    """The reading under construction: characters with the source span of each."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._space_next = False

    def add_units(self, units: list[tuple[int, int, str, _Unit]], repeats: set[int]) -> None:
        """Each unit as read, in order, except the emoji in `repeats`.

        A run of ASCII reads one character for one; another character reads as its fold, each character of which
        maps back to all of it; an emoji reads as its meaning, set off by spaces from the words around it. One loop
        with local names: a text of 8,000 emoji and letters has 8,000 units.
        """
        chars, starts, ends = self.chars, self.starts, self.ends
        space_next = False
        for index, (start, end, unit, kind) in enumerate(units):
            if kind is _Unit.EMOJI:
                if index in repeats:
                    continue
                words = _emoji_words(unit)
                if chars and not chars[-1].isspace():
                    chars.append(" ")
                    starts.append(start)
                    ends.append(start)
                chars.extend(words)
                starts.extend([start] * len(words))
                ends.extend([end] * len(words))
                space_next = True
                continue
            text = unit.lower() if kind is _Unit.ASCII else _fold_unit(unit)
            if space_next and text and not text[0].isspace():
                chars.append(" ")
                starts.append(start)
                ends.append(start)
            space_next = False
            chars.extend(text)
            if kind is _Unit.ASCII:
                starts.extend(range(start, start + len(text)))
                ends.extend(range(start + 1, start + len(text) + 1))
            else:
                starts.extend([start] * len(text))
                ends.extend([end] * len(text))

    def _replace(self, pattern: re.Pattern[str], fold: _Folder, *, needs: str = "") -> None:
        """Apply `fold` to each match of `pattern`; `needs`: characters one of which every match holds."""
        text = "".join(self.chars)
        if needs and not any(char in text for char in needs):
            return
        folds = [(found, keep) for found in pattern.finditer(text) if (keep := fold(found)) is not None]
        if not folds:
            return  # matches that fold to nothing ("2024", "4pm") leave the characters as they are
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        cursor = 0
        for found, keep in folds:
            chars += self.chars[cursor : found.start()]
            starts += self.starts[cursor : found.start()]
            ends += self.ends[cursor : found.start()]
            for index, char in keep:
                chars.append(char)
                starts.append(self.starts[found.start() + index])
                ends.append(self.ends[found.start() + index])
            cursor = found.end()
        chars += self.chars[cursor:]
        starts += self.starts[cursor:]
        ends += self.ends[cursor:]
        self.chars, self.starts, self.ends = chars, starts, ends

    def split_hashtags(self, source: str) -> None:
        """A space before each capital that follows a lower-case letter in a hashtag ("#CouldYouReferMe")."""
        starts = self.starts

        def split(found: re.Match[str]) -> list[tuple[int, str]] | None:
            keep: list[tuple[int, str]] = []
            for index, char in enumerate(found.group()):
                position = found.start() + index
                if index > 1 and source[starts[position]].isupper() and source[starts[position - 1]].islower():
                    keep.append((index, " "))
                keep.append((index, char))
            return keep if len(keep) > len(found.group()) else None

        self._replace(_HASHTAG, split, needs="#")

    def fold_stray_accents(self) -> None:
        """Every letter of a word holding a stray accent reads bare, letter for letter (so spans stay as they are)."""
        text = "".join(self.chars)
        chars, folded_to = self.chars, 0
        for found in _STRAY_ACCENT.finditer(text):
            if found.start() < folded_to:
                continue  # a later stray letter of a word already read bare
            start, end = found.start(), found.end()
            while start > 0 and chars[start - 1].isalpha():
                start -= 1
            while end < len(chars) and chars[end].isalpha():
                end += 1
            folded_to = end
            word = text[start:end]
            # A disguise marks most letters ("ćáĺĺ"); a name marks one or two ("Nguyễn", "Dvořák") and keeps them.
            if 2 * len(_STRAY_ACCENT.findall(word)) < len(word):
                continue
            chars[start:end] = [unicodedata.normalize("NFD", char)[0] for char in chars[start:end]]

    def fold_spaced_letters(self) -> None:
        self._replace(_SPACED_LETTERS, _spaced_letters)

    def fold_leetspeak(self) -> None:
        self._replace(_LEET_TOKEN, _leetspeak, needs=_LEET_MARKS)

    def reading(self, source: str) -> Reading:
        return Reading(source=source, text="".join(self.chars), _starts=tuple(self.starts), _ends=tuple(self.ends))


def _spaced_letters(found: re.Match[str]) -> list[tuple[int, str]] | None:
    text, separator = found.group(), found.group("sep") or ""
    kept = [(index, char) for index, char in enumerate(text) if not (char.isspace() or char in _SEPARATOR_MARKS)]
    if separator.isspace() and text[0] in _ONE_LETTER_WORDS and len(kept) > 3:
        # "for a c a l l": the article stays a word of its own.
        return [(0, text[0]), *((index, " ") for index in range(1, 1 + len(separator))), *kept[1:]]
    return kept


def _leetspeak(found: re.Match[str]) -> list[tuple[int, str]] | None:
    token = found.group()
    letters = sum(char.isalpha() for char in token)
    leet = [char for char in token if char in _LEET or char == "1"]
    if letters < 2 or not leet or any(char in _NOT_LEET_DIGITS for char in token) or _NUMBER_WITH_UNIT.fullmatch(token):
        return None
    return [(index, _leet_letter(token, index)) for index in range(len(token))]


def _leet_letter(token: str, index: int) -> str:
    char = token[index]
    if char != "1":
        return _LEET.get(char, char)
    # "ca11" and "he1lo" read "l"; a lone "1" inside a word reads "i" ("1nv1te").
    neighbours = token[max(0, index - 1) : index] + token[index + 1 : index + 2]
    return "l" if ("1" in neighbours or "l" in neighbours) else "i"


class _Unit(Enum):
    ASCII = "ascii"  # a run of plain ASCII characters, read one for one
    EMOJI = "emoji"  # one emoji with its selectors and joiners
    CHARACTER = "character"  # one other character with its combining marks


# Plain ASCII that no fold other than lower case touches; a run stops before a character a combining mark follows.
_ASCII_RUN = re.compile(r"[\t\n\r\x20-\x7e]+")


def _units(text: str) -> list[tuple[int, int, str, _Unit]]:
    """(start, end, text, kind) for each ASCII run, emoji, and other character with its combining marks, in order."""
    emoji_at: Mapping[int, int] = _emoji_spans(text) if not text.isascii() else {}
    emoji_starts = sorted(emoji_at)
    units: list[tuple[int, int, str, _Unit]] = []
    index = 0
    size = len(text)
    while index < size:
        if index in emoji_at:
            end = emoji_at[index]
            # A presentation selector right after an emoji belongs to it.
            while end < size and text[end] in "\ufe0e\ufe0f":
                end += 1
            units.append((index, end, text[index:end], _Unit.EMOJI))
            index = end
            continue
        run = _ASCII_RUN.match(text, index)
        if run:
            end = run.end()
            if end < size and unicodedata.category(text[end]).startswith("M"):
                end -= 1  # the mark belongs to the run's last character
            # An emoji that starts with an ASCII character ("1️⃣", "#️⃣") ends the run.
            following = bisect_left(emoji_starts, index)
            if following < len(emoji_starts) and emoji_starts[following] < end:
                end = emoji_starts[following]
            if end > index:
                units.append((index, end, text[index:end], _Unit.ASCII))
                index = end
                continue
        end = index + 1
        while end < size and end not in emoji_at and unicodedata.category(text[end]).startswith("M"):
            end += 1
        units.append((index, end, text[index:end], _Unit.CHARACTER))
        index = end
    return units


def _repeats_in_runs(units: list[tuple[int, int, str, _Unit]]) -> set[int]:
    """Indexes of the emoji that read as nothing: repeats inside a run of emoji.

    In a run (emoji with nothing but spaces or hidden characters between them) each meaning is read where it first
    and where it last appears: "☕☕☕" reads "coffee", not "coffee coffee coffee", and 8,000 characters of emoji do
    not read as 140,000 characters of words for every check to go through. The first place keeps what comes before
    the run next to the meaning ("grab a ☕😀😀"), the last keeps what follows it ("😀📞😀📞?"); the repeats read
    like hidden characters, so a span around them still covers them.
    """
    repeats: set[int] = set()
    run: list[tuple[int, str]] = []
    for index, (_, _, unit, kind) in enumerate([*units, (0, 0, "x", _Unit.ASCII)]):
        if kind is _Unit.EMOJI:
            run.append((index, _emoji_words(unit)))
            continue
        if unit.isspace() if kind is _Unit.ASCII else not _fold_unit(unit).strip():
            continue
        if len(run) > 2:
            first: dict[str, int] = {}
            last: dict[str, int] = {}
            for position, words in run:
                first.setdefault(words, position)
                last[words] = position
            repeats.update(position for position, words in run if position not in (first[words], last[words]))
        run = []
    return repeats


@lru_cache(maxsize=4096)
def _fold_unit(unit: str) -> str:
    """How one character with its combining marks reads: no hidden characters, NFKC, look-alikes and case folded."""
    # Past a few marks a stack is noise, and normalising it costs time quadratic in its length (canonical ordering).
    visible = unicodedata.normalize("NFC", "".join(char for char in unit[:_MAX_UNIT_CHARS] if not is_hidden(char)))
    if not visible:
        return ""
    base, marks = visible[0], visible[1:]
    letter = _enclosed_letter(base)
    if letter is not None:
        return letter  # a letter in a box or a circle reads as the letter
    if not _shows_a_letter(base) and _is_emoji(base):
        return ""  # an emoji read here is one glued between single letters ("r🔹e🔹f"): it only separates them
    folded = "".join(_fold_char(char) for char in unicodedata.normalize("NFKC", base))
    if marks and unicodedata.normalize("NFKD", folded)[:1].isascii():
        # Marks NFC could not join to a Latin letter are no accent of any covered language but stacked noise (Zalgo):
        # the letter reads bare. Some marks would even read as letters ("ͅ" is NFKC "ι").
        return unicodedata.normalize("NFKD", folded)[0]
    return folded + "".join(_fold_char(char) for char in unicodedata.normalize("NFKC", marks))


# A character and this many marks are read; the rest of a longer stack is not.
_MAX_UNIT_CHARS = 16
# Letters that NFKC leaves alone or reads as more than a letter ("⒭" is NFKC "(r)"), named after the letter they show.
_ENCLOSED_LETTER = re.compile(
    r"(?:LATIN LETTER SMALL CAPITAL|MODIFIER LETTER SMALL CAPITAL|PARENTHESIZED LATIN SMALL LETTER"
    r"|NEGATIVE (?:CIRCLED|SQUARED) LATIN CAPITAL LETTER|SQUARED LATIN CAPITAL LETTER) ([A-Z])"
)


def _enclosed_letter(char: str) -> str | None:
    if char.isascii():
        return None
    named = _ENCLOSED_LETTER.fullmatch(unicodedata.name(char, ""))
    return named.group(1).lower() if named else None


def _shows_a_letter(char: str) -> bool:
    compatible = unicodedata.normalize("NFKC", char)
    return _enclosed_letter(char) is not None or (len(compatible) == 1 and compatible.isascii() and compatible.isalpha())


def _is_emoji(char: str) -> bool:
    if char.isascii() or unicodedata.category(char) not in ("So", "Sk"):
        return False
    import emoji

    return emoji.is_emoji(char)


@lru_cache(maxsize=64)
def _emoji_spans(text: str) -> Mapping[int, int]:
    """Where each emoji that reads by its meaning starts and ends: not a letter in a box ("🅲", "Ⓜ"), which reads as
    its letter, nor an emoji glued between single letters ("c✨a✨l✨l"), which only separates them."""
    separating = _separating_emoji(text)
    return MappingProxyType(
        {
            start: end
            for start, end in _all_emoji_spans(text).items()
            if start not in separating and not _shows_a_letter(text[start])
        }
    )


@lru_cache(maxsize=64)
def _all_emoji_spans(text: str) -> Mapping[int, int]:
    """Where each emoji starts and ends; cached, as every check of one draft asks about the same text."""
    return MappingProxyType(emoji_matches(text))


@lru_cache(maxsize=64)
def _separating_emoji(text: str) -> frozenset[int]:
    """Starts of the emoji that only separate single letters: one glued between two ("c✨a"), or one of a chain of the
    same emoji set off by spaces ("c ✨ a ✨ l"); a lone "I ❤️ U" keeps its meaning."""
    glued: set[int] = set()
    spaced: list[tuple[int, int, int, str]] = []  # (emoji start, letter before, letter after, emoji)
    for start, end in _all_emoji_spans(text).items():
        after_end = end
        while after_end < len(text) and text[after_end] in "\ufe0e\ufe0f":
            after_end += 1
        before, after = _lone_letter(text, start - 1, -1), _lone_letter(text, after_end, 1)
        if before is None or after is None:
            continue
        if before == start - 1 and after == after_end:
            glued.add(start)
        else:
            spaced.append((start, before, after, text[start:end]))
    letters_before = {(before, symbol) for _, before, _, symbol in spaced}
    letters_after = {(after, symbol) for _, _, after, symbol in spaced}
    chained = {
        start for start, before, after, symbol in spaced if (after, symbol) in letters_before or (before, symbol) in letters_after
    }
    return frozenset(glued | chained)


def _lone_letter(text: str, index: int, step: int) -> int | None:
    """Where the single letter next to an emoji is (one space may stand between), stepping from `index`."""
    if 0 <= index < len(text) and text[index] == " ":
        index += step
    if not (0 <= index < len(text) and text[index].isalpha()):
        return None
    beyond = index + step
    return None if 0 <= beyond < len(text) and text[beyond].isalpha() else index


def emoji_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each emoji in `text`, with the presentation selector that follows it."""
    if text.isascii():
        return []
    spans = []
    for start, end in _all_emoji_spans(text).items():
        while end < len(text) and text[end] in "\ufe0e\ufe0f":
            end += 1
        spans.append((start, end))
    return spans


@cache
def _emoji_words(symbol: str) -> str:
    """An emoji's meaning in words: its short aliases first ("coffee"), then its name ("hot beverage")."""
    import emoji

    data = emoji.EMOJI_DATA.get(symbol) or emoji.EMOJI_DATA.get(symbol.replace("\ufe0f", "")) or emoji.EMOJI_DATA.get(symbol[0])
    if not data:
        return " "
    names = [*data.get("alias", []), data["en"]]
    words: dict[str, None] = {}
    for name in names:
        for word in re.split(r"[_\s:-]+", name.strip(":").casefold()):
            if word.isalpha():
                words.setdefault(word)
    return " ".join(list(words)[:_MAX_EMOJI_WORDS]) or " "


def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        # A digit of any script reads as its value: Persian "۵" is 5 to a reader, not the "o" it looks like.
        return str(digit)
    char = _DOTS.get(char, char)
    return _confusables().get(char, char).casefold()


@cache
def _confusables() -> dict[str, str]:
    """Non-ASCII characters that Unicode lists as confusable with one ASCII letter sequence or punctuation mark."""
    data = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for char, homoglyphs in data.items():
        if len(char) != 1 or char.isascii() or len(homoglyphs) != 1:
            continue
        target = homoglyphs[0]["c"].strip("\u200e\u200f")
        if target.isascii() and (target.isalnum() or (len(target) == 1 and target in ".-'/:@!")):
            table[char] = target
    return table
