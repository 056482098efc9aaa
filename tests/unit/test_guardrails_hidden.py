"""Hidden characters in a draft are a violation, except what belongs to an emoji."""

from __future__ import annotations

import pytest

from shared.guardrails.hidden import find_hidden_characters, strip_hidden_characters
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
