"""The ask check per language, on asks and ask-like lines written before the catalogue was tuned on them.

heldout_languages.toml holds, per language, native-register asks (tú/usted, tu/vous, du/Sie, você/o senhor,
tu/Lei; typos, missing accents, P.S. and emoji asks) and ordinary lines that only look like asks. Every language
must reach the red-team goals on its own, so that English cannot hide a weak language in the totals; so must the
single-language families of messages.toml. Each batch's `about` line records its first run, before any fix.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.redteam.scoring import Labelled, ask_spans, score

HELD_OUT = Path(__file__).with_name("heldout_languages.toml")
CORPUS = Path(__file__).with_name("messages.toml")
# The corpus's families in one language each (its later held-out families mix languages).
CORPUS_FAMILIES = {"spanish": "es", "french": "fr", "german": "de", "portuguese": "pt", "italian": "it"}
LANGUAGES = ("es", "fr", "de", "pt", "it")
MIN_ASKS_PER_LANGUAGE = 40
MIN_ORDINARY_PER_LANGUAGE = 30


def _held_out() -> list[Labelled]:
    data = tomllib.loads(HELD_OUT.read_text(encoding="utf-8"))
    return [Labelled(family["language"], family["ask"], text) for family in data["family"] for text in family["messages"]]


def _corpus() -> list[Labelled]:
    data = tomllib.loads(CORPUS.read_text(encoding="utf-8"))
    return [
        Labelled(CORPUS_FAMILIES[family["name"]], family["ask"], text)
        for family in data["family"]
        if family["name"] in CORPUS_FAMILIES
        for text in family["messages"]
    ]


MESSAGES = _held_out()
CORPUS_MESSAGES = _corpus()


def test_every_language_has_enough_asks_and_ordinary_lines() -> None:
    for language in LANGUAGES:
        asks = [m for m in MESSAGES if m.group == language and m.bad]
        ordinary = [m for m in MESSAGES if m.group == language and not m.bad]
        assert len(asks) >= MIN_ASKS_PER_LANGUAGE, language
        assert len(ordinary) >= MIN_ORDINARY_PER_LANGUAGE, language
    assert {m.group for m in CORPUS_MESSAGES} == set(LANGUAGES)
    texts = [message.text for message in MESSAGES]
    assert len(set(texts)) == len(texts), "a message appears twice"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("source", ["held-out", "corpus"])
def test_recall_and_precision_per_language(language: str, source: str) -> None:
    messages = [m for m in (MESSAGES if source == "held-out" else CORPUS_MESSAGES) if m.group == language]
    score(messages, ask_spans, title=f"{language} ({source}): ").assert_goals()
