"""An outsider's attack corpus (outsider.toml): asks and contacts written by someone who had not tuned the checks on them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from shared.guardrails import find_asks
from shared.guardrails.form import find_foreign_links

CORPUS = Path(__file__).with_name("outsider.toml")
MIN_RECALL = 0.97
MIN_PRECISION = 0.98
DATA: dict[str, Any] = tomllib.loads(CORPUS.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Labelled:
    family: str
    bad: bool
    text: str


ASKS = [Labelled(family["name"], family["ask"], text) for family in DATA["family"] for text in family["messages"]]
CONTACTS = [Labelled(group["name"], group["contact"], text) for group in DATA["contact"] for text in group["messages"]]


def _report(corpus: list[Labelled], flagged: dict[str, bool], where: Any) -> tuple[float, float, str]:
    missed = [m for m in corpus if m.bad and not flagged[m.text]]
    false_alarms = [m for m in corpus if not m.bad and flagged[m.text]]
    caught = sum(1 for m in corpus if m.bad and flagged[m.text])
    recall = caught / sum(1 for m in corpus if m.bad)
    precision = caught / (caught + len(false_alarms)) if caught or false_alarms else 1.0
    report = (
        f"recall {recall:.3f}, precision {precision:.3f}\nmissed:\n"
        + "\n".join(f"  [{m.family}] {m.text}" for m in missed)
        + "\nfalse alarms:\n"
        + "\n".join(f"  [{m.family}] {m.text} <- {where(m.text)}" for m in false_alarms)
    )
    return recall, precision, report


def test_the_corpus_is_large_and_unambiguous() -> None:
    assert sum(1 for m in ASKS if m.bad) >= 150
    assert sum(1 for m in ASKS if not m.bad) >= 100
    texts = [m.text for m in [*ASKS, *CONTACTS]]
    assert len(set(texts)) == len(texts), "a message appears twice"


def test_asks_recall_and_precision() -> None:
    flagged = {m.text: bool(find_asks(m.text)) for m in ASKS}
    recall, precision, report = _report(ASKS, flagged, lambda text: [v.span for v in find_asks(text)])
    assert recall >= MIN_RECALL, report
    assert precision >= MIN_PRECISION, report


def _foreign(text: str) -> list[str]:
    return [violation.span or "" for violation in find_foreign_links(text, allowed_sources="")]


def test_contacts_recall_and_precision() -> None:
    flagged = {m.text: bool(_foreign(m.text)) for m in CONTACTS}
    recall, precision, report = _report(CONTACTS, flagged, _foreign)
    assert recall >= MIN_RECALL, report
    assert precision >= MIN_PRECISION, report


KNOWN_GAPS = [text for gap in DATA["known_gap"] for text in gap["messages"]]


@pytest.mark.xfail(strict=True, reason="shared/text/reading.py does not undo this trick yet")
@pytest.mark.parametrize("text", KNOWN_GAPS)
def test_known_gaps_of_the_reading(text: str) -> None:
    assert find_asks(text)
