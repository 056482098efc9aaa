"""Wording: the phrasings in data/wording.toml, chosen deterministically per request, and small grammar helpers."""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib.resources import files
from typing import Final

from shared.models import DraftRequest


def _load() -> dict[str, dict[str, object]]:
    with files("shared.composer").joinpath("data/wording.toml").open("rb") as handle:
        return tomllib.load(handle)


_WORDING: Final = _load()


def variants(section: str, slot: str) -> tuple[str, ...]:
    """The phrasings of one slot, e.g. variants("openers", "hobby")."""
    found = _WORDING[section][slot]
    assert isinstance(found, list)
    return tuple(str(item) for item in found)


def table(section: str, slot: str) -> Mapping[str, str]:
    found = _WORDING[section][slot]
    assert isinstance(found, dict)
    return {str(key): str(value) for key, value in found.items()}


class Variation:
    """Deterministic choices: the same request always picks the same phrasing, different requests differ.

    The seed is the request's content, so a resubmitted request gets the same draft.
    """

    def __init__(self, request: DraftRequest) -> None:
        key = "\x1f".join(
            (
                request.target_bio,
                request.pitch,
                request.channel.value,
                request.target_name or "",
                request.sender_name or "",
                request.sender_interests or "",
                request.offer or "",
            )
        )
        self._seed = hashlib.blake2b(key.encode(), digest_size=16).digest()

    def pick(self, slot: str, options: Sequence[str]) -> str:
        return options[self._index(slot, len(options))]

    def order(self, slot: str, options: Sequence[str]) -> list[str]:
        """All options, starting from this request's pick: a preference order for fitting."""
        start = self._index(slot, len(options))
        return [*options[start:], *options[:start]]

    def _index(self, slot: str, size: int) -> int:
        digest = hashlib.blake2b(slot.encode(), key=self._seed, digest_size=8).digest()
        return int.from_bytes(digest, "big") % size


# --- grammar helpers --------------------------------------------------------------------------

_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")


def article(word: str) -> str:
    if len(word) > 1 and word.isupper():
        # Acronyms are read letter by letter: "an SRE", "a UX designer".
        return "an" if word[0] in _VOWEL_SOUND_LETTERS else "a"
    lowered = word.lower()
    if lowered.startswith(("uni", "use", "usu", "eu", "one")):
        return "a"
    return "an" if lowered[:1] in "aeiou" or lowered.startswith(("hour", "honest")) else "a"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def keeps_capital(word: str, source: str) -> bool:
    """Acronyms, "iOS"-style words and proper nouns (capitalised mid-sentence in `source`) keep their case."""
    if (
        word == "I"
        or word.startswith(("I'", "I’"))
        or (len(word) > 1 and word.isupper())
        or any(char.isupper() for char in word[1:])
    ):
        return True
    return bool(re.search(rf"[\w,;] {re.escape(word)}\b", source))


def lower_first(text: str, source: str) -> str:
    first = text.split(" ", 1)[0]
    return text if keeps_capital(first, source) else text[:1].lower() + text[1:]


def sentence(text: str) -> str:
    text = text.strip().rstrip(",;:—–- ")
    return text if text.endswith((".", "!", "?", "。", "！", "？", "…")) else f"{text}."


_NON_ENGLISH_WORDS = re.compile(
    r"de|la|el|las|los|und|der|die|das|ich|bin|soy|y|con|para|je|et|le|les|des|une|un|ein|eine|mit|für|sono|di|il|è|em|com|os|uma",
    re.IGNORECASE,
)
_ENGLISH_WORDS = re.compile(r"the|and|a|an|with|in|of|for|to|i|my|at|on|who|is|are", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_FOREIGN_LETTERS: Final = frozenset("ñãõßœ¿¡")


# The composer asks this of the same bio quote for every hook and clause it builds: answered once per quote.
@lru_cache(maxsize=256)
def looks_english(text: str) -> bool:
    """True unless `text` is mostly in a non-Latin script, has more common words of another covered language than
    of English, or has none of English's and letters English never borrows."""
    letters = [char for char in text if char.isalpha()]
    latin = sum(1 for char in letters if char.isascii() or unicodedata.name(char, "").startswith("LATIN"))
    if latin * 2 < len(letters):
        return False
    tokens = _WORD.findall(text)
    english = sum(1 for token in tokens if _ENGLISH_WORDS.fullmatch(token))
    if not english and _FOREIGN_LETTERS.intersection(text.lower()):
        # No common word either way, but letters English never borrows ("Diseño apps."): not English. Accents alone
        # are no sign ("Café owner").
        return False
    return english >= sum(1 for token in tokens if _NON_ENGLISH_WORDS.fullmatch(token))
