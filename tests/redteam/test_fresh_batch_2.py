"""A second blind batch (fresh_batch_2.toml), written without seeing the ask catalogue: how the ask check generalises.

Line families run through `find_asks`; draft families are whole drafts run through `check_message`, where only the
ask rule counts (the other rules need the bio and pitch a draft was written from). What the check gets right is
asserted; what it got wrong is listed per family as `missed` / `false_alarm` and runs as strict xfail, so that a
later fix forces the TOML to be edited.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.guardrails import check_message, find_asks
from shared.models import Rule
from tests.redteam.scoring import batch_cases, known_wrong

CORPUS = Path(__file__).with_name("fresh_batch_2.toml")
FAMILIES: list[dict[str, Any]] = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["family"]
LANGUAGES = ("es", "fr", "de", "pt", "it")


def flagged_asks(text: str, unit: str) -> list[str]:
    """The ask spans the gate flags: in a line by `find_asks`, in a whole draft by `check_message`."""
    if unit == "line":
        return [violation.span or "" for violation in find_asks(text)]
    return [violation.span or "" for violation in check_message(text) if violation.rule is Rule.ASK]


def _count(*, unit: str, ask: bool, prefix: str = "") -> int:
    return sum(len(f["messages"]) for f in FAMILIES if f["unit"] == unit and f["ask"] is ask and f["name"].startswith(prefix))


def test_the_batch_has_the_planned_shape() -> None:
    assert _count(unit="line", ask=True, prefix="en_") == 60
    for language in LANGUAGES:
        assert _count(unit="line", ask=True, prefix=f"{language}_") == 12
    assert _count(unit="line", ask=False) == 60
    assert _count(unit="draft", ask=True) == 25
    assert _count(unit="draft", ask=False) == 25
    texts = [text for f in FAMILIES for text in f["messages"]]
    assert len(set(texts)) == len(texts), "a message appears twice"


@pytest.mark.parametrize("family", FAMILIES, ids=[f["name"] for f in FAMILIES])
def test_known_wrong_lines_are_lines_of_their_family(family: dict[str, Any]) -> None:
    assert known_wrong(family) <= set(family["messages"])


@pytest.mark.parametrize(("text", "unit"), batch_cases(FAMILIES, ask=True, with_unit=True))
def test_asks_are_flagged(text: str, unit: str) -> None:
    assert flagged_asks(text, unit), text


@pytest.mark.parametrize(("text", "unit"), batch_cases(FAMILIES, ask=False, with_unit=True))
def test_ordinary_text_passes(text: str, unit: str) -> None:
    assert not flagged_asks(text, unit), flagged_asks(text, unit)
