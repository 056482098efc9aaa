"""Who a bio is about: the examples kept with the rules' words, plus the fallbacks around them."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.target_name import NamedTarget, display_name, name_target, written_in_first_person

EXAMPLES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).resolve().parents[2] / "shared" / "data" / "target_name.toml").read_text(encoding="utf-8")
)["examples"]


@pytest.mark.parametrize("example", EXAMPLES, ids=[example["bio"][:40] for example in EXAMPLES])
def test_examples_kept_with_the_rules(example: dict[str, Any]) -> None:
    found = name_target(example["bio"])
    if example["rule"] == "none":
        assert found is None
    else:
        assert found == NamedTarget(example["name"], example["rule"])


def test_the_forwarded_sender_is_the_person_only_when_the_bio_is_their_own_writing() -> None:
    own = "I lead the data platform team at Northwind. Outside work I love trail running."
    assert name_target(own, forwarded_from="Maya Lindqvist", own_writing=True) == NamedTarget(
        "Maya Lindqvist", "forwarded_sender_own_writing"
    )
    assert name_target(own, forwarded_from="Maya Lindqvist", own_writing=False) is None


def test_a_name_in_the_bio_beats_the_forwarded_sender() -> None:
    bio = "Ines Duarte runs the ceramics studio at Fábrica and swims in the sea all winter."
    assert name_target(bio, forwarded_from="Tom Becker", own_writing=True) == NamedTarget("Ines Duarte", "third_person_opening")


def test_a_first_person_bio_that_opens_with_a_capitalised_phrase_is_not_a_name() -> None:
    assert name_target("Open Source Maintainer and I love my dogs. I run a meetup.") is None


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("I lead the team. My weekends are for sailing.", True),
        ("She leads the team. Her weekends are for sailing.", False),
        ('Ana leads the team. "I love it," she says of sailing; her boat is old.', False),
        ("Ich leite das Team und segle am Wochenende mit meiner Familie.", True),
    ],
)
def test_first_person_is_read_from_the_pronouns(text: str, first: bool) -> None:
    assert written_in_first_person(text) is first


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ('"Doe, Jane"', "Jane Doe"),
        ("Jane Doe <jane@x.example>", "Jane Doe"),
        ("**Jane Doe**", "Jane Doe"),
        ("jane@x.example", None),
        ("", None),
    ],
)
def test_display_names_read_as_names(value: str, name: str | None) -> None:
    assert display_name(value) == name


def test_a_long_hostile_bio_is_read_only_at_its_start() -> None:
    bio = "Ana Ruiz runs a bakery. " + "Word " * 20_000
    assert name_target(bio) == NamedTarget("Ana Ruiz", "third_person_opening")
