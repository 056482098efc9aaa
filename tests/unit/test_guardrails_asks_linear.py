"""The ask check runs in time linear in its input: hostile 8,000-character shapes cost what a letter costs.

Timings are compared within one run, interleaved and best of three, against ordinary prose of the same
length (a mix of the ask and no-ask corpora): a ratio, never an absolute time.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from shared.guardrails import find_asks
from shared.text.reading import read

DATA = Path(__file__).resolve().parents[1] / "data"
LENGTH = 8_000
# Generous: the real ratios are at most ~2.5; a quadratic pattern would be hundreds.
MAX_RATIO = 5.0


def _lines(name: str) -> list[str]:
    return [line.strip() for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _sized(parts: list[str]) -> str:
    text, index = "", 0
    while len(text) < LENGTH:
        text += parts[index % len(parts)] + " "
        index += 1
    return text[:LENGTH]


PROSE = _sized([line for pair in zip(_lines("no_asks.txt"), _lines("asks.txt"), strict=False) for line in pair])

SHAPES = {
    "dash runs": "a-" * (LENGTH // 2),
    "dot runs": "a." * (LENGTH // 2),
    "alternating classes": "aB3!_ " * (LENGTH // 6),
    "short sentences with names": "Hi Ann. Bo said no. Cy asked. " * (LENGTH // 30),
    "one long word then an ask": "a" * (LENGTH - 10) + " call me?",
    "one emoji repeated": "☕" * LENGTH,
    "one ask repeated": "call me " * (LENGTH // 8),
    "negators repeated": "no " * (LENGTH // 3),
    "questions glued to words": "xcoffee? " * (LENGTH // 9),
    "quotations": '"would you" ' * (LENGTH // 12),
    "line breaks": "\n" * LENGTH,
    "only asks": _sized(_lines("asks.txt")),
}


def _seconds(text: str) -> float:
    read.cache_clear()  # the reading is part of the check; a cached one would hide its cost
    started = time.perf_counter()
    find_asks(text)
    return time.perf_counter() - started


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_hostile_shapes_cost_no_more_than_prose(shape: str) -> None:
    text = SHAPES[shape]
    assert len(text) >= LENGTH * 0.95
    ratios = []
    for _ in range(3):
        prose = _seconds(PROSE)
        hostile = _seconds(text)
        ratios.append(hostile / prose)
    assert min(ratios) <= MAX_RATIO, f"{shape}: {min(ratios):.1f}x ordinary prose"


def test_the_prose_is_long_and_holds_asks() -> None:
    assert len(PROSE) == LENGTH
    assert len(find_asks(PROSE)) > 10
