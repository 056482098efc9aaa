"""Closings read as a person wrote them: never two pleasantries side by side, never "Hi there" for a missing name.

Every combination of the closing slots (the mood's closer, the order of the lines that lengthen a short draft) is
rendered for a set of bios, with and without a name and an offer, on every channel.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.composer import compose_offline
from shared.composer import wording as composer_wording
from shared.models import Channel, DraftRequest

DATA = tomllib.loads((Path(__file__).parent / "data" / "pleasantries.toml").read_text("utf-8"))
PLEASANTRY = re.compile("|".join(f"(?:{pattern})" for pattern in DATA["patterns"]), re.IGNORECASE)
BIOS: list[dict[str, Any]] = tomllib.loads((Path(__file__).parent / "data" / "composer_bios.toml").read_text("utf-8"))["bio"]
BIO_FILES = Path(__file__).parent.parent / "data" / "bios"
EXTRA_BIOS = [
    (BIO_FILES / f"{name}.txt").read_text("utf-8")
    for name in ("no_hobbies", "recent_work", "volunteer_mentor", "one_liner_work", "japanese", "headline")
]
PITCH = "I build scheduling tools for small clinics."
CLOSING_SLOTS = ("close-offer", "close-question", "close-hobby", "close-cause", "close-recent", "filler")
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def is_pleasantry(sentence: str) -> bool:
    return PLEASANTRY.search(sentence.strip()) is not None


@pytest.mark.parametrize("line", DATA["pleasantries"])
def test_the_pleasantry_patterns_catch_their_examples(line: str) -> None:
    assert is_pleasantry(line)


@pytest.mark.parametrize("line", DATA["not_pleasantries"])
def test_the_pleasantry_patterns_pass_their_near_misses(line: str) -> None:
    assert not is_pleasantry(line)


def adjacent_pleasantries(body: str, sender: str | None = None) -> list[tuple[str, str]]:
    """Pairs of pleasantries one right after the other, within a paragraph; a sign-off ("Best, Sam") is no sentence."""
    pairs = []
    if sender and body.endswith(sender):
        body = re.sub(r"(?:[.!?]|\n\n)[^.!?\n]*\n?$", ".", body[: -len(sender)].rstrip())
    for paragraph in body.split("\n\n"):
        sentences = [found.group().strip() for found in SENTENCE.finditer(paragraph) if found.group().strip()]
        pairs += [pair for pair in itertools.pairwise(sentences) if all(map(is_pleasantry, pair))]
    return pairs


def test_the_detector_finds_a_pair() -> None:
    assert adjacent_pleasantries("Hi,\n\nI build tools. Hope you're well. Wishing you a good week.\n\nBest,\nSam")
    assert not adjacent_pleasantries("Hi,\n\nI build tools. Hope you're well.\n\nAll the best.")
    assert not adjacent_pleasantries("Hi, I build tools. Hope you're well. Best, Sam", "Sam")
    assert adjacent_pleasantries("Hi, I build tools. Hope you're well. Wishing you well. Best, Sam", "Sam")


class FixedVariation(composer_wording.Variation):
    """Picks the option at its offset in each closing slot, so a loop over the offsets renders every combination."""

    def __init__(self, request: DraftRequest, offsets: dict[str, int]) -> None:
        super().__init__(request)
        self._offsets = offsets

    def _index(self, slot: str, size: int) -> int:
        if slot in self._offsets:
            return self._offsets[slot] % size
        return super()._index(slot, size)


def requests() -> list[DraftRequest]:
    texts = [bio["text"] for bio in BIOS] + EXTRA_BIOS
    found = []
    for index, text in enumerate(texts):
        for channel in Channel:
            found.append(
                DraftRequest(
                    target_bio=text,
                    pitch=PITCH,
                    channel=channel,
                    target_name=(None, "Maria Lopez")[index % 2],
                    sender_name=(None, "Alex Kim")[index // 2 % 2],
                    offer=("my checklist for clinic rotas" if index % 3 == 0 else None),
                )
            )
    return found


def test_no_combination_of_closing_lines_puts_two_pleasantries_side_by_side(monkeypatch: pytest.MonkeyPatch) -> None:
    offsets_seen = 0
    failures = []
    for closer_offset, filler_offset in itertools.product(range(4), range(4)):
        offsets = {slot: closer_offset for slot in CLOSING_SLOTS[:-1]} | {"filler": filler_offset}
        monkeypatch.setattr("shared.composer.Variation", lambda request, offsets=offsets: FixedVariation(request, offsets))
        offsets_seen += 1
        for request in requests():
            body = compose_offline(request).body
            if pairs := adjacent_pleasantries(body, request.sender_name):
                failures.append((offsets, pairs, body))
    assert offsets_seen == 4 * 4
    assert not failures, failures[:3]


def test_a_missing_name_gets_a_plain_greeting() -> None:
    for request in requests():
        if request.target_name is None:
            body = compose_offline(request).body
            assert not any(body.lower().startswith(greeting.lower()) for greeting in DATA["form_greetings"]), body
