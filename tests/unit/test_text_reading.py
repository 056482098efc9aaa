"""The reading every check judges: each evasion family reads as a person reads it, and spans map back exactly."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.text.reading import is_hidden, read

_DATA = tomllib.loads((Path(__file__).parents[1] / "data" / "reading" / "evasions.toml").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = _DATA["case"]
PLAIN: list[dict[str, Any]] = _DATA["plain"]


@pytest.mark.parametrize("case", CASES, ids=[case["family"] for case in CASES])
def test_each_evasion_family_reads_as_a_person_reads_it(case: dict[str, Any]) -> None:
    reading = read(case["text"])
    assert case["reads"] in reading.text


@pytest.mark.parametrize("case", [case for case in CASES if "span" in case], ids=lambda case: case["family"])
def test_a_span_of_the_reading_maps_back_to_exactly_the_original_text(case: dict[str, Any]) -> None:
    reading = read(case["text"])
    folded = read(case["span"]).text.strip()
    start = reading.text.index(folded)
    first, last = reading.original_span(start, start + len(folded))
    assert case["text"][first:last] == case["span"]


@pytest.mark.parametrize("case", PLAIN, ids=[case["text"][:30] for case in PLAIN])
def test_ordinary_text_reads_as_written(case: dict[str, Any]) -> None:
    assert read(case["text"]).text == case["reads"]


@pytest.mark.parametrize("text", [case["text"] for case in CASES + PLAIN])
def test_every_character_of_the_reading_maps_inside_the_original_in_order(text: str) -> None:
    reading = read(text)
    previous = 0
    for index in range(len(reading.text)):
        start, end = reading.original_span(index, index + 1)
        assert 0 <= start <= end <= len(text)
        assert start >= previous
        previous = start
    assert reading.original_span(0, len(reading.text))[1] <= len(text)


def test_an_empty_span_maps_to_a_position() -> None:
    reading = read("a\u200bb")
    assert reading.original_span(1, 1) == (2, 2)
    assert reading.original_span(2, 2) == (3, 3)


def test_the_reading_has_no_hidden_characters() -> None:
    hidden = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2062\u2063\u2064"
    text = f"x{hidden}\ufe0f\U000e0041y"
    assert read(text).text == "xy"


@pytest.mark.parametrize("char", ["\u200b", "\u00ad", "\u202e", "\u2066", "\u2063", "\ufe0f", "\U000e0020", "\x07"])
def test_hidden_characters_are_recognised(char: str) -> None:
    assert is_hidden(char)


@pytest.mark.parametrize("char", ["a", " ", "\n", "\t", "é", "ß", "🧗", "—"])
def test_visible_characters_are_not_hidden(char: str) -> None:
    assert not is_hidden(char)


def test_plain_ascii_maps_by_identity() -> None:
    reading = read("Fellow Climber here.")
    assert reading.text == "fellow climber here."
    assert reading.original_span(7, 14) == (7, 14)


def test_an_adversarial_input_reads_in_one_pass() -> None:
    # Long runs of each shape the folds look for: they must not blow up (the suite's timeout would fail this).
    for shape in ("a " * 4000, "a." * 4000, "c0" * 4000, "\u200b" * 8000, "☕" * 4000, "а" * 8000):
        reading = read(shape)
        assert reading.original_span(0, len(reading.text))[1] <= len(shape)


@pytest.mark.parametrize("text", ["☕☕☕☕ next week?", "☕ ☕\u200b☕ ☕ next week?", "👍🏽👍🏽👍🏽👍🏽 next week?"])
def test_a_run_of_one_emoji_reads_its_meaning_at_its_first_and_last_place_only(text: str) -> None:
    reading = read(text)
    emoji = text[: 2 if text.startswith("👍") else 1]
    meaning = read(emoji).text.strip()
    assert reading.text.count(meaning) == 2
    start = reading.text.index(meaning)
    assert reading.original_span(start, start + len(meaning)) == (0, len(emoji))
    assert reading.original_span(start, len(reading.text)) == (0, len(text))


def test_a_run_of_several_emoji_keeps_what_comes_before_and_after_each_meaning() -> None:
    reading = read("grab a ☕😀📞😀📞😀📞?")
    assert reading.text.startswith("grab a " + read("☕").text.strip())
    assert reading.text.removesuffix("?").rstrip().endswith(read("📞").text.strip())
    assert reading.text.count(read("😀").text.strip()) == 2


def test_an_emoji_repeated_after_words_is_read_again() -> None:
    # Only a run collapses: the same emoji further on is read where it stands, so no ask can hide behind an earlier one.
    reading = read("☕ is my fuel. ☕ next week? ☕ is life.")
    assert reading.text.count(read("☕").text.strip()) == 3
