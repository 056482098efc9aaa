"""The language check reads a draft sentence by sentence, calls a sure guess on a short text, and is not swayed by a
name in another script."""

from __future__ import annotations

import pytest

from shared.guardrails.language import find_uncovered_language
from shared.models import Rule
from shared.text.language import detect_language

ENGLISH = "Bouldering most weekends sounds like a great reset. {sentence} I build routing services in Go."


@pytest.mark.parametrize(
    "sentence",
    [
        "Zullen we volgende week even bellen om kennis te maken?",
        "Skulle vi kunna ta ett kort samtal nästa vecka?",
    ],
)
def test_one_sentence_in_an_uncovered_language_inside_an_english_paragraph_is_found(sentence: str) -> None:
    text = ENGLISH.format(sentence=sentence)
    found = find_uncovered_language(text)
    assert [violation.rule for violation in found] == [Rule.UNCOVERED_LANGUAGE]
    assert found[0].span.strip() == sentence
    assert found[0].message.startswith("Has a sentence written in ")


@pytest.mark.parametrize(
    "sentence",
    ["¿Te parece si hablamos por teléfono el jueves?", "Hättest du nächste Woche Zeit für ein kurzes Telefonat?"],
)
def test_a_sentence_in_a_covered_language_is_left_to_the_ask_check(sentence: str) -> None:
    assert find_uncovered_language(ENGLISH.format(sentence=sentence)) == []


@pytest.mark.parametrize(("text", "language"), [("Yarın kahve?", "tr"), ("Zullen we bellen?", "nl"), ("Kawa w czwartek?", "pl")])
def test_a_short_text_the_model_is_sure_of_or_splits_towards_uncovered_is_uncovered(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "I loved your story about meeting Γιάννης Αντετοκούνμπο at the airport.",
        "Your review of Чайка at the Old Vic was spot on.",
        "Great talk, Ana!",
        "Lovely photos.",
        "𝐋𝐨𝐯𝐞𝐝 𝐭𝐡𝐞 𝐬𝐮𝐧𝐫𝐢𝐬𝐞 𝐬𝐡𝐨𝐭.",
        "Ｃｏｎｇｒａｔｓ ｏｎ ｔｈｅ ｎｅｗ ｒｏｌｅ！",
    ],
)
def test_names_in_other_scripts_short_lines_and_styled_latin_letters_are_not_uncovered(text: str) -> None:
    assert find_uncovered_language(text) == []
