"""Hidden characters in a draft are a violation, except what belongs to an emoji."""

from __future__ import annotations

import pytest

from shared.guardrails.hidden import MAX_RUNS_REPORTED, find_hidden_characters, strip_hidden_characters
from shared.models import Rule

HIDDEN = {
    "zero-width space": "\u200b",
    "zero-width non-joiner": "\u200c",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "left-to-right embedding": "\u202a",
    "right-to-left override": "\u202e",
    "first strong isolate": "\u2068",
    "invisible times": "\u2062",
    "invisible plus": "\u2064",
    "tag letters": "\U000e0041\U000e0042",
    "variation selector alone": "\ufe0f",
    "bell": "\x07",
}


@pytest.mark.parametrize(("name", "hidden"), HIDDEN.items(), ids=list(HIDDEN))
def test_each_hidden_character_is_found_with_its_span(name: str, hidden: str) -> None:
    text = f"Fellow climber{hidden} here."
    found = find_hidden_characters(text)
    assert [(violation.rule, violation.start, violation.end) for violation in found] == [
        (Rule.HIDDEN_CHARACTER, 14, 14 + len(hidden))
    ]
    assert strip_hidden_characters(text) == "Fellow climber here."


@pytest.mark.parametrize(
    "text",
    [
        "Fellow climber here 🧗 and swimmer 🏊‍♀️, coffee ☕️ lover.",
        "Go England 🏴󠁧󠁢󠁥󠁮󠁧󠁿!",
        "Família 👨‍👩‍👧 e café.",
        "Plain text with\nlines\tand tabs.",
        "Straße, café, naïve — “quotes”.",
    ],
)
def test_visible_text_and_whole_emoji_are_clean(text: str) -> None:
    assert find_hidden_characters(text) == []
    assert strip_hidden_characters(text) == text


def test_the_message_names_the_character_in_words() -> None:
    (violation,) = find_hidden_characters("a\u202eb")
    assert "right-to-left override" in violation.message


def test_thousands_of_hidden_runs_give_the_first_few_and_a_count() -> None:
    text = "c\u200ba\u200bl\u200bl " * 500  # 1,500 runs
    violations = find_hidden_characters(text)
    assert len(violations) == MAX_RUNS_REPORTED + 1
    assert [v.start for v in violations] == [1, 3, 5, 9, 11, 13, 17, 19, 21, 25, 27]
    assert violations[-1].message.endswith(f"and {1_500 - MAX_RUNS_REPORTED:,} more runs of them.")
    assert strip_hidden_characters(text) == "call " * 500


def test_up_to_the_limit_every_run_is_reported_alone() -> None:
    text = "a\u200b" * MAX_RUNS_REPORTED + "a"
    assert [v.message.endswith("more runs of them.") for v in find_hidden_characters(text)] == [False] * MAX_RUNS_REPORTED
