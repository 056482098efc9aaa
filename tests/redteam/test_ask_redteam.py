"""The ask check against our own red-team corpus: recall and precision over hundreds of labelled messages."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.redteam.scoring import Labelled, ask_spans, score

CORPUS = Path(__file__).with_name("messages.toml")


def _corpus() -> list[Labelled]:
    data = tomllib.loads(CORPUS.read_text(encoding="utf-8"))
    return [Labelled(family["name"], family["ask"], text) for family in data["family"] for text in family["messages"]]


MESSAGES = _corpus()


def test_the_corpus_is_large_varied_and_unambiguous() -> None:
    assert len(MESSAGES) >= 500
    families = {message.group for message in MESSAGES}
    assert {"indirect", "obfuscated", "emoji", "ps_subject", "legitimate"} <= families
    assert {"spanish", "french", "german", "portuguese", "italian"} <= families
    texts = [message.text for message in MESSAGES]
    assert len(set(texts)) == len(texts), "a message appears twice"


def test_recall_and_precision() -> None:
    score(MESSAGES, ask_spans).assert_goals()
