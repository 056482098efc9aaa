"""Language identification on short drafts: each covered language, and a few that are not covered."""

from __future__ import annotations

import pytest

from shared.text.language import COVERED_LANGUAGES, detect_language

SHORT_DRAFTS = {
    "en": [
        "Fellow climber here! I build data pipelines for climate startups.",
        "Saw you swim in open water on weekends; I do too. I run a small design studio.",
        "Hi Jan, fellow sailor here! Van de Velde regatta looked great.",
    ],
    "es": [
        "¡Yo también escalo los fines de semana! Trabajo en datos para el clima.",
        "Hola Ana, yo también nado en el lago.",
    ],
    "fr": [
        "Moi aussi je fais de l'escalade le week-end ! Je travaille dans la donnée.",
        "Salut Marc, moi aussi je grimpe.",
    ],
    "de": [
        "Ich klettere auch am Wochenende! Ich baue Datenpipelines für Klimafirmen.",
        "Hallo Jan, ich klettere auch gern.",
    ],
    "pt": [
        "Eu também escalo nos fins de semana! Trabalho com dados para o clima.",
        "Olá Rui, eu também nado no mar.",
    ],
    "it": [
        "Anch'io arrampico nel fine settimana! Lavoro con i dati per il clima.",
        "Ciao Luca, anch'io nuoto al lago.",
    ],
    "nl": ["Hoi Jan, ik klim ook graag in de bergen.", "Ik zag dat je in open water zwemt, ik ook."],
    "ru": ["Привет, я тоже плаваю в озере.", "Я тоже лазаю по скалам по выходным! Работаю с данными."],
    "ja": ["こんにちは、私も山登りが好きです。", "私も週末にクライミングをしています！"],
    # Close to a covered language, or split between two uncovered ones: still not covered.
    "ca": ["Hola Anna, jo també nedo al llac els caps de setmana i treballo amb dades."],
    "gl": ["Ola Ana, eu tamén nado no lago as fins de semana e traballo con datos."],
    "no": ["Hei Anna, jeg svømmer også i innsjøen i helgene og jobber med data."],
}


@pytest.mark.parametrize(("language", "text"), [(language, text) for language, texts in SHORT_DRAFTS.items() for text in texts])
def test_short_drafts_are_identified(language: str, text: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("language", ["nl", "ru", "ja"])
def test_dutch_russian_and_japanese_are_not_covered(language: str) -> None:
    assert language not in COVERED_LANGUAGES


def test_the_six_drafting_languages_are_covered() -> None:
    assert frozenset({"en", "es", "fr", "de", "pt", "it"}) == COVERED_LANGUAGES


@pytest.mark.parametrize("text", ["", "Hi!", "ok 👍", "https://example.com", "Thanks, Ana"])
def test_too_short_to_tell_is_none(text: str) -> None:
    assert detect_language(text) is None


def test_hidden_characters_links_and_emoji_do_not_change_the_verdict() -> None:
    text = "Ho\u200bla Ana, yo tam\u00adbién nado en el lago 🏊 https://example.com/x"
    assert detect_language(text) == "es"
