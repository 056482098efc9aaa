"""A fresh batch (fresh_batch.toml) written without seeing the ask catalogue: how the ask check generalises.

Lines the check gets right are asserted; the lines it got wrong on the first run are listed per family as
`missed` / `false_alarm` and run as strict xfail, so that a later fix forces the TOML to be edited.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.guardrails import find_asks
from tests.redteam.scoring import batch_cases, known_wrong

CORPUS = Path(__file__).with_name("fresh_batch.toml")
FAMILIES: list[dict[str, Any]] = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["family"]


def test_the_batch_has_the_planned_shape() -> None:
    asks = [f for f in FAMILIES if f["ask"]]
    english = sum(len(f["messages"]) for f in asks if f["name"].startswith("en_"))
    assert english == 60
    for language in ("es", "fr", "de", "pt", "it"):
        assert sum(len(f["messages"]) for f in asks if f["name"].startswith(f"{language}_")) == 10
    assert sum(len(f["messages"]) for f in FAMILIES if not f["ask"]) == 50
    texts = [text for f in FAMILIES for text in f["messages"]]
    assert len(set(texts)) == len(texts), "a message appears twice"


@pytest.mark.parametrize("family", FAMILIES, ids=[f["name"] for f in FAMILIES])
def test_known_wrong_lines_are_lines_of_their_family(family: dict[str, Any]) -> None:
    assert known_wrong(family) <= set(family["messages"])


@pytest.mark.parametrize("text", batch_cases(FAMILIES, ask=True))
def test_asks_are_flagged(text: str) -> None:
    assert find_asks(text), text


@pytest.mark.parametrize("text", batch_cases(FAMILIES, ask=False))
def test_ordinary_lines_pass(text: str) -> None:
    assert not find_asks(text), [violation.span for violation in find_asks(text)]
