"""An outsider's attack corpus (outsider.toml): asks and contacts written by someone who had not tuned the checks on them."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.guardrails import find_asks
from shared.guardrails.form import find_foreign_links
from tests.redteam.scoring import Labelled, ask_spans, score

CORPUS = Path(__file__).with_name("outsider.toml")
DATA: dict[str, Any] = tomllib.loads(CORPUS.read_text(encoding="utf-8"))


ASKS = [Labelled(family["name"], family["ask"], text) for family in DATA["family"] for text in family["messages"]]
CONTACTS = [Labelled(group["name"], group["contact"], text) for group in DATA["contact"] for text in group["messages"]]


def test_the_corpus_is_large_and_unambiguous() -> None:
    assert sum(1 for m in ASKS if m.bad) >= 150
    assert sum(1 for m in ASKS if not m.bad) >= 100
    texts = [m.text for m in [*ASKS, *CONTACTS]]
    assert len(set(texts)) == len(texts), "a message appears twice"


def test_asks_recall_and_precision() -> None:
    score(ASKS, ask_spans).assert_goals()


def _foreign(text: str) -> list[str]:
    return [violation.span or "" for violation in find_foreign_links(text, allowed_sources="")]


def test_contacts_recall_and_precision() -> None:
    score(CONTACTS, _foreign).assert_goals()


KNOWN_GAPS = [text for gap in DATA["known_gap"] for text in gap["messages"]]


@pytest.mark.xfail(strict=True, reason="shared/text/reading.py does not undo this trick yet")
@pytest.mark.parametrize("text", KNOWN_GAPS)
def test_known_gaps_of_the_reading(text: str) -> None:
    assert find_asks(text)
