"""The ask catalogue: kinds and phrasings loaded from data/*.toml, compiled for RE2.

Data format (one file per language, plus kinds.toml for the kinds and their order):

- `[fragments]`: named pieces of pattern; `{name}` inserts one (fragments may use fragments).
  Built in everywhere: `{sentence_start}` (the match must begin a sentence, clause or line;
  checked after matching, since RE2 has no look-behind).
- `[[phrasing]]`: `kind`, `pattern` (a literal space means "any whitespace", " ?" an optional one), `catch` (messages
  it must flag), optional `near_miss` (messages the whole catalogue must let pass), and
  optional bounded context checks RE2 cannot express inside a pattern: `unless_before`
  (tested on the text just before the match, ending there), `unless_after` (on the text just
  after, starting there), `unless_inside` (words that, anywhere in the match, make it no ask). The first two
  may insert fragments.
- `[negation]`: the language's negators and the clause words negation analysis needs.
- `[spellings]`: how people also write a word in a hurry (`could = "cld|cud"`, `your = "ur|yr"`, `hiring = "hirng"`):
  each whole word of a pattern that has an entry matches its spellings too, so every phrasing reads textspeak and
  common typos without a copy of its own. Keys are words of two letters or more; spellings are literal. The widened
  patterns run only on a text that holds one of the spellings (`_spelling_cue_source`): the plain ones stay small and fast.

Patterns are written in lower case: they run on the reading of a message, which is casefolded.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

from shared.text.patterns import Pattern, PatternSet, compile_pattern

LANGUAGES = ("en", "es", "fr", "de", "pt", "it")
# How far a context check looks around a match.
CONTEXT_CHARS = 40

_FRAGMENT = re.compile(r"\{([a-z_]+)\}")
_SENTENCE_GROUP = "sentence"
_WORD_START = r"(?:^|[^\p{L}\p{N}_'])"
_WORD_END = r"(?:$|[^\p{L}\p{N}_])"
# Spellings that widen the patterns without making a text textspeak (see `_spelling_cue_source`).
_NOT_CUES = frozenset({"x"})
# A literal word in a pattern's source: not an escape's letter ("\s"), nor part of a group's name ("sentence0").
_SOURCE_WORD = re.compile(r"(?<![\\\w])[^\W\d_]{2,}(?![\w])")


@dataclass(frozen=True)
class Phrasing:
    """One way of asking, with the messages that prove it."""

    kind: str
    language: str
    source: str
    # The source with each word widened to its spellings ([spellings]); the same as `source` when none applies.
    spelled_source: str
    catch: tuple[str, ...]
    near_miss: tuple[str, ...]
    unless_before: Pattern | None
    unless_after: Pattern | None
    unless_inside: Pattern | None

    @cached_property
    def regex(self) -> Pattern:
        """The phrasing as group 1, followed by the end of a word (RE2 cannot look ahead, so that is consumed)."""
        return compile_pattern(f"({self.source}){_WORD_END}")

    @cached_property
    def spelled_regex(self) -> Pattern:
        """`regex` reading the spellings too; spellings add no capturing group, so group numbers are the same."""
        return self.regex if self.spelled_source == self.source else compile_pattern(f"({self.spelled_source}){_WORD_END}")

    @cached_property
    def sentence_groups(self) -> tuple[int, ...]:
        return tuple(index for name, index in self.regex.groupindex.items() if name.startswith(_SENTENCE_GROUP))


@dataclass(frozen=True)
class AskKind:
    """One family of asks: what it asks for, and every phrasing we catch, in every language."""

    name: str
    explanation: str
    phrasings: tuple[Phrasing, ...]

    @property
    def source(self) -> str:
        return "|".join(f"(?:{phrasing.source})" for phrasing in self.phrasings)

    @cached_property
    def regex(self) -> Pattern:
        """This kind alone (sentence and context checks aside); find_asks runs each phrasing instead."""
        return compile_pattern(_renumber_sentence_groups(self.source))


@dataclass(frozen=True)
class Negation:
    """One language's words for negation analysis, compiled."""

    negator: Pattern
    false_negation: Pattern
    undone: Pattern
    negated_after: Pattern
    open_door: Pattern
    clause_break: Pattern
    # Anything that could negate or open a door anywhere in a text: without one, no match needs the analysis.
    cue: Pattern


def _data(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8"))


def _expand(template: str, fragments: dict[str, str], counter: Iterator[int]) -> str:
    def insert(found: re.Match[str]) -> str:
        name = found.group(1)
        if name == "sentence_start":
            return f"(?P<{_SENTENCE_GROUP}{next(counter)}>)"
        if name == "word_start":
            return _WORD_START
        if name == "word_end":
            return _WORD_END
        if name not in fragments:
            raise KeyError(f"unknown fragment {{{name}}} in {template[:60]!r}")
        return "(?:" + _expand(fragments[name], fragments, counter) + ")"

    return _FRAGMENT.sub(insert, template)


def _renumber_sentence_groups(source: str) -> str:
    counter = iter(range(1_000_000))
    return re.sub(rf"\(\?P<{_SENTENCE_GROUP}\d+>\)", lambda _: f"(?P<{_SENTENCE_GROUP}{next(counter)}>)", source)


def _spaced(pattern: str) -> str:
    """A literal space means any run of whitespace; "x ?y" (an optional space) means at most one."""
    return pattern.replace(" ?", r"\s?").replace(" ", r"\s+")


def _context(source: str | None, *, anchor_end: bool) -> Pattern | None:
    if not source:
        return None
    body = _spaced(source)
    return compile_pattern(rf"(?:{body})\z" if anchor_end else rf"\A(?:{body})")


def _with_fragments(source: str | None, fragments: dict[str, str]) -> str | None:
    """A context check's source with its fragments inserted (one copy of a context many phrasings share)."""
    return _expand(source, fragments, iter(range(1_000_000))) if source else None


def _inside(source: str | None) -> Pattern | None:
    return compile_pattern(_words(source)) if source else None


def _spelled(source: str, spellings: dict[str, str]) -> str:
    """The pattern with each word that has other spellings widened to them: "could you" -> "(?:could|cld) you"."""
    if not spellings:
        return source

    def widen(found: re.Match[str]) -> str:
        word = found.group()
        others = spellings.get(word)
        if others is None:
            return word
        return "(?:" + "|".join([word, *(re.escape(other) for other in others.split("|"))]) + ")"

    return _SOURCE_WORD.sub(widen, source)


def _phrasings(language: str) -> list[Phrasing]:
    data = _data(f"{language}.toml")
    fragments: dict[str, str] = data.get("fragments", {})
    spellings: dict[str, str] = data.get("spellings", {})
    found = []
    for entry in data.get("phrasing", []):
        expanded = _expand(entry["pattern"], fragments, iter(range(1_000_000)))
        source = _spaced(expanded)
        found.append(
            Phrasing(
                kind=entry["kind"],
                language=language,
                source=source,
                spelled_source=_spaced(_spelled(expanded, spellings)),
                catch=tuple(entry.get("catch", ())),
                near_miss=tuple(entry.get("near_miss", ())),
                unless_before=_context(_with_fragments(entry.get("unless_before"), fragments), anchor_end=True),
                unless_after=_context(_with_fragments(entry.get("unless_after"), fragments), anchor_end=False),
                unless_inside=_inside(entry.get("unless_inside")),
            )
        )
    return found


def _words(alternatives: str) -> str:
    """A word list as a pattern that matches whole words only (the boundary characters are consumed)."""
    body = _spaced(alternatives)
    return f"{_WORD_START}(?:{body}){_WORD_END}"


@cache
def negation(language: str) -> Negation:
    words: dict[str, str] = _data(f"{language}.toml")["negation"]
    starters = words["clause_starters"]
    negator = _words(words["negators"]) + ("|n't" if language == "en" else "")
    negated_after = _spaced(words["negated_after"])
    return Negation(
        negator=compile_pattern(negator),
        false_negation=compile_pattern(_words(words["false_negations"])),
        undone=compile_pattern(_words(words["undone"])),
        negated_after=compile_pattern(rf"\A(?:{negated_after})"),
        open_door=compile_pattern(r"(?:" + words["open_door"] + r")(?:\s+\S+){0,3}\s*\z"),
        clause_break=compile_pattern(
            r"([.!?…]+)(?:[\s\"')\]»]|$)|([;:])\s|(\s[-–—]+\s)|([–—()])|(\n\s*\n)"
            rf"|([,\n])\s*(?:{starters}){_WORD_END}"
            rf"|(\s)(?:{words['contrast']}){_WORD_END}"
        ),
        cue=compile_pattern("|".join((negator, negated_after, words["open_door"]))),
    )


@cache
def ask_kinds() -> tuple[AskKind, ...]:
    """Every kind, in priority order, with its phrasings from every language."""
    phrasings = [phrasing for language in LANGUAGES for phrasing in _phrasings(language)]
    kinds = tuple(
        AskKind(
            name=entry["name"],
            explanation=entry["explanation"],
            phrasings=tuple(phrasing for phrasing in phrasings if phrasing.kind == entry["name"]),
        )
        for entry in _data("kinds.toml")["kind"]
    )
    unknown = {phrasing.kind for phrasing in phrasings} - {kind.name for kind in kinds}
    if unknown:
        raise ValueError(f"phrasings name unknown kinds: {sorted(unknown)}")
    return kinds


@cache
def prefilter(*, spelled: bool = False) -> tuple[PatternSet, tuple[tuple[AskKind, Phrasing], ...]]:
    """One pass that says which phrasings can match a text at all, and the phrasing behind each index.

    `spelled`: the phrasings widened to their spellings, for a text that holds one. The plain set has one pattern
    more, after the phrasings (index `len(indexed)`): the spellings as whole words, so the same pass tells whether a
    text needs the widened phrasings.
    """
    indexed = tuple((kind, phrasing) for kind in ask_kinds() for phrasing in kind.phrasings)
    if spelled:
        return PatternSet([phrasing.spelled_source for _, phrasing in indexed]), indexed
    return PatternSet([*(phrasing.source for _, phrasing in indexed), _spelling_cue_source()]), indexed


@cache
def _spelling_cue_source() -> str:
    """Any of the spellings of any language, as a whole word: a text without one needs only the plain phrasings.

    Digits ("2" for "to", "1" for "una") and "x" (for "por", "per") widen the patterns but do not count here: numbers
    and "x" are common ("the Alta Via 2", "5 x 1 km", "Hi Sam x"), and a text in textspeak holds other spellings too
    ("wud luv 2 pick ur brain", "hai 5 min x 1 call").
    """
    spellings = {
        other
        for language in LANGUAGES
        for others in _data(f"{language}.toml").get("spellings", {}).values()
        for other in others.split("|")
        if not other.isdigit() and other not in _NOT_CUES
    }
    return f"{_WORD_START}(?:{'|'.join(re.escape(other) for other in sorted(spellings))}){_WORD_END}"
