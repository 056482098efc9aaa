"""Words of a text, folded for look-up, and a trie of phrases matched over them in linear time.

A text is tokenised once; every phrase look-up walks the trie from each word, so matching costs
at most (longest phrase) steps per word, whatever the input. Folding ignores case and accents, so
"Fotografía", "fotografia" and "FOTOGRAFÍA" are one key, and a phrase written with a hyphen or an
apostrophe matches the same words written with a space ("open-water" ~ "open water").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

# Letters, digits and the "&"/"+" of "d&d" and "c++"; hyphens and apostrophes join words (see Token.joiner).
_WORD = re.compile(r"[\w&+]+")
_APOSTROPHES = frozenset("'’ʼ`")
_HYPHENS = frozenset("-‐‑")

Value = TypeVar("Value")


@functools.lru_cache(maxsize=8192)
def fold_word(word: str) -> str:
    """Case- and accent-free form of one word: "Natación" -> "natacion", "Straße" -> "strasse"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class Token(NamedTuple):  # a tuple: a hostile text has a token every other character, and tuples are cheap to make
    start: int
    end: int
    key: str
    # What joins this word to the previous one: "-" (compound), "'" (elision, possessive), " " (any space) or "" (else).
    joiner: str


def tokenise(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    tokens: list[Token] = []
    previous_end = -1
    for found in _WORD.finditer(text, start, len(text) if end is None else end):
        word_start = found.start()
        if previous_end < 0:
            joiner = ""
        elif word_start - previous_end == 1:  # the common case (a hostile text may have it between every letter)
            gap = text[previous_end]
            joiner = " " if gap.isspace() else "-" if gap in _HYPHENS else "'" if gap in _APOSTROPHES else ""
        else:
            joiner = _joiner(text[previous_end:word_start])
        tokens.append(Token(word_start, found.end(), fold_word(found.group()), joiner))
        previous_end = found.end()
    return tokens


def _joiner(gap: str) -> str:
    if gap.isspace():
        return " "
    # Spaces, with at most a quote mark of a possessive or an elision: "farmers' markets", "rock 'n' roll".
    bare = "".join(char for char in gap if char not in _APOSTROPHES)
    if bare and bare.isspace() and len(gap) - len(bare) <= 1:
        return " "
    return ""


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The folded words of a phrase as the trie stores them."""
    return tuple(token.key for token in tokenise(phrase))


@dataclass
class _Node(Generic[Value]):
    children: dict[str, _Node[Value]] = field(default_factory=dict)
    value: Value | None = None


@dataclass(frozen=True)
class PhraseMatch(Generic[Value]):
    first: int  # index of the first token
    last: int  # index of the last token
    value: Value


class PhraseTrie(Generic[Value]):
    """Phrases (sequences of folded words) mapped to values; matched over a token list."""

    def __init__(self) -> None:
        self._root: _Node[Value] = _Node()
        self.depth = 0

    def add(self, phrase: str, value: Value) -> Value | None:
        """Store `phrase`; returns the value it already had, if any (so a loader can report clashes)."""
        key = phrase_key(phrase)
        if not key:
            raise ValueError(f"empty phrase: {phrase!r}")
        node = self._root
        for word in key:
            node = node.children.setdefault(word, _Node())
        previous, node.value = node.value, value
        self.depth = max(self.depth, len(key))
        return previous

    def longest_at(self, tokens: Sequence[Token], index: int, *, whole_words: bool = True) -> PhraseMatch[Value] | None:
        """The longest phrase starting at tokens[index].

        With whole_words (lexicon forms), the phrase's words are separated only by spaces, hyphens or apostrophes, and
        it never starts or ends inside a hyphenated compound ("reader" is not in "reader-facing"). Without (cue words),
        punctuation may separate them too ("a marathon, not a sprint").
        """
        if whole_words and tokens[index].joiner == "-":
            return None
        node = self._root
        best: PhraseMatch[Value] | None = None
        for position in range(index, min(len(tokens), index + self.depth)):
            token = tokens[position]
            if position > index and whole_words and not token.joiner:
                break
            child = node.children.get(token.key)
            if child is None:
                break
            node = child
            following = tokens[position + 1] if position + 1 < len(tokens) else None
            if node.value is not None and not (whole_words and following is not None and following.joiner == "-"):
                best = PhraseMatch(index, position, node.value)
        return best

    def scan(self, tokens: Sequence[Token], *, whole_words: bool = True) -> Iterator[PhraseMatch[Value]]:
        """Non-overlapping matches, left to right, the longest phrase at each position."""
        index = 0
        first_words = self._root.children
        while index < len(tokens):
            if tokens[index].key not in first_words:  # most words start no phrase: skip them cheaply
                index += 1
                continue
            found = self.longest_at(tokens, index, whole_words=whole_words)
            if found is None:
                index += 1
                continue
            yield found
            index = found.last + 1

    def __contains__(self, phrase: str) -> bool:
        node: _Node[Value] | None = self._root
        for word in phrase_key(phrase):
            node = node.children.get(word) if node else None
        return node is not None and node.value is not None
