"""shared/text/emoji_scan.py finds exactly what the emoji package finds, without its quadratic walk."""

from __future__ import annotations

import random

import emoji
import pytest

from shared.text.emoji_scan import emoji_matches

# Pieces that meet every branch of the walk: plain and component emoji, named joiner sequences (family, technologist),
# joiners in no named sequence, skin tones, selectors, keycaps, flags, tags, letters and spaces.
PIECES = [
    "😀", "🎉", "☕", "👨", "👩", "👧", "💻", "🏽", "🏿", "\u200d", "\ufe0f", "\ufe0e", "1", "#", "\u20e3", "🇫", "🇷",
    "🏴", "\U000e0067", "\U000e0062", "\U000e007f", "a", " ", "é", "❤", "🔥", "🧑", "🤝", "✊",
]  # fmt: skip


def _random_texts(count: int, length: int) -> list[str]:
    generator = random.Random(20261204)
    return ["".join(generator.choice(PIECES) for _ in range(length)) for _ in range(count)]


@pytest.mark.parametrize(
    "text",
    [
        "Hi 😀 a 👨\u200d💻 and 👩\u200d👩\u200d👧 with ☕\ufe0f",
        "😀\u200d🎉\u200d😀",
        "👍🏽\u200d👍",
        "1\ufe0f\u20e3 #\u20e3 🇫🇷 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
        "\u200d😀\u200d",
        "🏽\u200d🏽",
        *_random_texts(400, 12),
        *_random_texts(40, 200),
    ],
)
def test_the_same_emoji_as_the_emoji_package(text: str) -> None:
    expected = {found["match_start"]: found["match_end"] for found in emoji.emoji_list(text)}
    assert emoji_matches(text) == expected
