"""The ask check against our own red-team corpus: recall and precision over hundreds of labelled messages."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from shared.guardrails import find_asks

CORPUS = Path(__file__).with_name("messages.toml")
MIN_RECALL = 0.97
MIN_PRECISION = 0.98


@dataclass(frozen=True)
class Labelled:
    family: str
    ask: bool
    text: str


def _corpus() -> list[Labelled]:
    data = tomllib.loads(CORPUS.read_text(encoding="utf-8"))
    return [Labelled(family["name"], family["ask"], text) for family in data["family"] for text in family["messages"]]


MESSAGES = _corpus()


def test_the_corpus_is_large_varied_and_unambiguous() -> None:
    assert len(MESSAGES) >= 500
    families = {message.family for message in MESSAGES}
    assert {"indirect", "obfuscated", "emoji", "ps_subject", "legitimate"} <= families
    assert {"spanish", "french", "german", "portuguese", "italian"} <= families
    texts = [message.text for message in MESSAGES]
    assert len(set(texts)) == len(texts), "a message appears twice"


def test_recall_and_precision() -> None:
    flagged = {message.text: bool(find_asks(message.text)) for message in MESSAGES}
    missed = [m for m in MESSAGES if m.ask and not flagged[m.text]]
    false_alarms = [m for m in MESSAGES if not m.ask and flagged[m.text]]
    caught = sum(1 for m in MESSAGES if m.ask and flagged[m.text])
    recall = caught / sum(1 for m in MESSAGES if m.ask)
    precision = caught / (caught + len(false_alarms))
    report = (
        f"recall {recall:.3f}, precision {precision:.3f}\nmissed:\n"
        + "\n".join(f"  [{m.family}] {m.text}" for m in missed)
        + "\nfalse alarms:\n"
        + "\n".join(f"  [{m.family}] {m.text} <- {[v.span for v in find_asks(m.text)]}" for m in false_alarms)
    )
    assert recall >= MIN_RECALL, report
    assert precision >= MIN_PRECISION, report
