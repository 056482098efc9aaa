"""Recall and precision of a check over a labelled corpus, with a report that lists every miss and false alarm."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

# The red-team goals of the gate, for every corpus.
MIN_RECALL = 0.97
MIN_PRECISION = 0.98


@dataclass(frozen=True)
class Labelled:
    group: str  # the family, or the language, the message belongs to
    bad: bool  # an ask (or a contact) the check must flag
    text: str


@dataclass(frozen=True)
class Score:
    recall: float
    precision: float
    report: str

    def assert_goals(self) -> None:
        assert self.recall >= MIN_RECALL, self.report
        assert self.precision >= MIN_PRECISION, self.report


def score(corpus: Sequence[Labelled], spans: Callable[[str], list[str]], *, title: str = "") -> Score:
    """`spans(text)` is what the check flags in a text (empty when it passes)."""
    found = {message.text: spans(message.text) for message in corpus}
    missed = [m for m in corpus if m.bad and not found[m.text]]
    false_alarms = [m for m in corpus if not m.bad and found[m.text]]
    caught = sum(1 for m in corpus if m.bad and found[m.text])
    recall = caught / sum(1 for m in corpus if m.bad)
    precision = caught / (caught + len(false_alarms)) if caught or false_alarms else 1.0
    report = (
        f"{title}recall {recall:.3f}, precision {precision:.3f}\nmissed:\n"
        + "\n".join(f"  [{m.group}] {m.text}" for m in missed)
        + "\nfalse alarms:\n"
        + "\n".join(f"  [{m.group}] {m.text} <- {found[m.text]}" for m in false_alarms)
    )
    return Score(recall, precision, report)


def ask_spans(text: str) -> list[str]:
    from shared.guardrails import find_asks

    return [violation.span or "" for violation in find_asks(text)]


# A line a blind batch lists as still wrong runs as a strict xfail: fixing it forces the batch's file to be edited.
NOT_CAUGHT = pytest.mark.xfail(strict=True, reason="not caught yet")


def known_wrong(family: dict[str, Any]) -> set[str]:
    """The lines of a blind batch's family that the check still gets wrong: asks missed, or ordinary lines flagged."""
    return set(family["missed"] if family["ask"] else family["false_alarm"])


def batch_cases(families: Sequence[dict[str, Any]], *, ask: bool, with_unit: bool = False) -> list[Any]:
    """One pytest param per line of the families that are (or are not) asks; `with_unit` adds the family's unit."""
    cases: list[Any] = []
    for family in families:
        if family["ask"] is not ask:
            continue
        wrong = known_wrong(family)
        for text in family["messages"]:
            values = (text, family["unit"]) if with_unit else (text,)
            cases.append(pytest.param(*values, marks=[NOT_CAUGHT] if text in wrong else [], id=f"{family['name']}-{len(cases)}"))
    return cases
