"""Recall and precision of a check over a labelled corpus, with a report that lists every miss and false alarm."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
