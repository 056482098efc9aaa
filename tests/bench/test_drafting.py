"""The bench's hostile inputs are what they claim to be (fast: nothing is timed here)."""

from __future__ import annotations

from tests.bench.drafting import HOSTILE_LENGTH, _distinct, hostile_shapes, ordinary_prose


def test_every_hostile_shape_and_the_prose_have_the_same_length() -> None:
    shapes = hostile_shapes()
    assert len(shapes) >= 5
    assert {len(text) for text in shapes.values()} == {HOSTILE_LENGTH}
    assert len(ordinary_prose()) == HOSTILE_LENGTH


def test_each_round_sees_a_text_of_its_own_with_the_same_length_and_shape() -> None:
    text = hostile_shapes()['runs of "a-"']
    first, second = _distinct(text, 0), _distinct(text, 1)
    assert first != second
    assert len(first) == len(second) == len(text)
    assert text.startswith(first.removeprefix("Ref 0. "))
