"""The forwarder's greeting, lead-in and sign-off are not the bio: examples kept with the phrases."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.email.salutations import strip_salutations

EXAMPLES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).resolve().parents[2] / "shared" / "email" / "data" / "salutations.toml").read_text(encoding="utf-8")
)["examples"]


@pytest.mark.parametrize("example", EXAMPLES, ids=[example["letter"][:30] for example in EXAMPLES])
def test_examples_kept_with_the_phrases(example: dict[str, Any]) -> None:
    assert strip_salutations(example["letter"], signer=example.get("signer")) == example["bio"]


def test_a_bio_that_is_only_a_greeting_is_left_empty_not_crashing() -> None:
    assert strip_salutations("Hi Sam,") == ""
    assert strip_salutations("") == ""
