"""read() sees through letters in boxes, small capitals, stacked marks, glued emoji and digits of other scripts,
and keeps what real text needs: accents, other scripts, emoji that mean something."""

from __future__ import annotations

import pytest

from shared.guardrails.hidden import find_hidden_characters
from shared.text import MAX_MARK_RUN, normalise
from shared.text.reading import is_hidden, read


@pytest.mark.parametrize(
    ("text", "reads"),
    [
        ("ᴄᴀʟʟ ᴍᴇ", "call me"),  # small capitals
        ("⒭⒠⒡⒠⒭⒭⒜⒧", "referral"),  # parenthesised: NFKC would read "(r)(e)…"
        ("🅲🅾🅵🅵🅴🅴", "coffee"),  # negative squared, some of them emoji
        ("🅒🅐🅛🅛", "call"),  # negative circled
        ("ⒸⒶⓁⓁ ⓂⒺ", "call me"),  # "Ⓜ" is an emoji too
        ("c\u0337\u0322\u034e\u0345a\u0338\u035al\u0335\u0347l\u0336\u0320", "call"),  # Zalgo; U+0345 is NFKC "ι"
        ("ḏ\u0316\u0358", "d"),  # a mark NFC joined, with stacked ones left over
        ("r🔹e🔹f🔹e🔹r🔹r🔹a🔹l", "referral"),
        ("c✨a✨l✨l", "call"),
        ("c ✨ a ✨ l ✨ l", "call"),  # a chain of the same emoji set off by spaces
        ("c\na\nl\nl", "call"),
        ("c\ta\tl\tl", "call"),
        ("r=e=f", "ref"),
        ("c:a:l:l", "call"),
        ("c‧a‧l‧l", "call"),
        ("+1 ۴۱۵ ५५५ ০১৯৯", "+1 415 555 0199"),  # Persian, Devanagari and Bengali digits, not look-alike letters
    ],
)
def test_disguised_letters_read_as_letters(text: str, reads: str) -> None:
    assert read(text).text == reads


@pytest.mark.parametrize(
    ("text", "reads"),
    [
        ("café naïve Zoë", "café naïve zoë"),
        ("cafe\u0301", "café"),  # a decomposed accent joins its letter
        ("Nguyễn", "nguyễn"),
        ("नमस्ते दुनिया", "नमस्ते दुनिया"),  # marks of other scripts are letters' vowels, not noise
        ("Blood type 🅰️", "blood type a"),
        ("I ❤️ U", "i heart red u"),  # an emoji set off by spaces keeps its meaning
        ("ab🔹c", "ab small blue diamond c"),  # not between single letters
        ("I ❤️ U ❤️", "i heart red u heart red"),  # no chain: each emoji stands between other things
        ("I am a UX lead; e.g. I run workshops, i.e. I teach.", "i am a ux lead; e.g. i run workshops, i.e. i teach."),
        ("Time: 10:30", "time: 10:30"),
    ],
)
def test_real_text_keeps_what_it_says(text: str, reads: str) -> None:
    assert read(text).text == reads


def test_spans_of_a_disguised_word_cover_its_whole_source() -> None:
    text = "Fancy a c✨o✨f✨f✨e✨e?"
    reading = read(text)
    start = reading.text.index("coffee")
    assert reading.original(start, start + len("coffee")) == "c✨o✨f✨f✨e✨e"


@pytest.mark.parametrize("char", ["\u17b4", "\u17b5", "\u2065", "\ufff0", "\ufff8", "\U000e0080", "\U000e0fff"])
def test_unicode_default_ignorable_code_points_are_hidden(char: str) -> None:
    assert is_hidden(char)
    assert find_hidden_characters(f"Great photos.{char} Loved them.")


def test_a_letter_emoji_keeps_its_selector() -> None:
    assert find_hidden_characters("Blood type 🅰️, metro Ⓜ️, info ℹ️.") == []


def test_a_letter_under_thousands_of_marks_reads_as_the_letter() -> None:
    marks = "".join(chr(code) for code in range(0x0300, 0x0340))
    text = "Call " + "m" + marks * 120 + "e?"
    assert read(text).text == "call me?"


def test_input_keeps_no_more_than_a_few_marks_on_a_letter() -> None:
    marks = "".join(chr(code) for code in range(0x0300, 0x0340))
    assert normalise("c" + marks * 100 + " café") == "c" + marks[:MAX_MARK_RUN] + " café"
