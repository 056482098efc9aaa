"""A draft in a language the checks cannot read is a violation that says so, and the ask check does not claim a pass."""

from __future__ import annotations

import pytest

from shared.guardrails import check_message, check_outcomes, rules_checked
from shared.guardrails.language import find_uncovered_language
from shared.models import Rule


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hoi Jan, ik klim ook graag in de bergen. Ik bouw dashboards voor energiebedrijven.", "Dutch"),
        ("Привет! Я тоже плаваю в озере по утрам. Давай созвонимся в четверг?", "Russian"),
        ("こんにちは、私も週末に山登りをしています。データの仕事をしています。", "Japanese"),
    ],
)
def test_an_uncovered_language_is_named_plainly(text: str, name: str) -> None:
    (violation,) = find_uncovered_language(text)
    assert violation.rule is Rule.UNCOVERED_LANGUAGE
    assert name in violation.message
    assert "do not cover" in violation.message
    assert (violation.start, violation.end) == (0, len(text))


def test_a_paragraph_in_an_uncovered_language_inside_an_english_draft_is_found() -> None:
    text = (
        "Hi Jan, fellow climber here! I build data pipelines for climate startups and loved your crag photos.\n\n"
        "Ik zag dat je in open water zwemt, heb je volgende week tijd voor koffie?"
    )
    (violation,) = find_uncovered_language(text)
    assert violation.span.startswith("Ik zag")


@pytest.mark.parametrize(
    "text",
    [
        "Fellow climber here! I build data pipelines for climate startups.\n\nCheers from Utrecht, Bram van Dijk",
        "Hola Ana, ¡yo también nado en el lago! Trabajo en energía solar.",
        "Salut Marc, moi aussi je grimpe le week-end. Je construis des outils de données.",
        "Hallo Jan, ich klettere auch gern. Ich baue Datenpipelines für Klimafirmen.",
        "Olá Rui, eu também nado no mar. Trabalho com dados para o clima.",
        "Ciao Luca, anch'io nuoto al lago. Lavoro con i dati per il clima.",
        "Hi Jan, fellow sailor here! The Van de Velde regatta looked great.",
        "Fellow climber 🧗 here!",
    ],
)
def test_covered_languages_and_foreign_names_pass(text: str) -> None:
    assert find_uncovered_language(text) == []


def test_the_ask_check_does_not_claim_a_pass_it_could_not_make() -> None:
    text = "Привет! Я тоже плаваю в озере по утрам. Давай созвонимся в четверг?"
    violations = check_message(text)
    outcomes = {
        outcome.rule: outcome for outcome in check_outcomes(violations, rules=rules_checked(channel=None, bio=None, pitch=None))
    }
    assert not outcomes[Rule.ASK].passed
    assert "Not checked" in outcomes[Rule.ASK].explanation
    assert not outcomes[Rule.UNCOVERED_LANGUAGE].passed


def test_check_message_finds_hidden_characters_in_body_subject_and_evidence() -> None:
    violations = check_message("Fellow sail\u200bor here.", subject="Sail\u00ading", bio_evidence="loves sail\u202eing")
    hidden = [violation for violation in violations if violation.rule is Rule.HIDDEN_CHARACTER]
    assert [violation.start for violation in hidden] == [11, None, None]
    assert hidden[1].message.startswith("In the subject:")
    assert hidden[2].message.startswith("In the shared interest:")


@pytest.mark.parametrize("sentence", ["Давай созвонимся в четверг?", "来週お電話できませんか？", "Μπορούμε να μιλήσουμε;"])
def test_a_short_sentence_in_another_script_inside_an_english_draft_is_found(sentence: str) -> None:
    text = f"Hi Dana, fellow climber here! I build routing services in Go. {sentence} Sam"
    (violation,) = find_uncovered_language(text)
    assert sentence in violation.span


@pytest.mark.parametrize(
    "text",
    [
        "Hi 李明, fellow climber here! I build routing services in Go.",
        "Hi Dana! Loved your саll-out to the crag team.",  # two look-alike letters are the ask check's business
        "Straße, café, naïve, São Paulo, Øresund: all Latin letters.",
    ],
)
def test_names_and_look_alike_letters_are_not_sentences_in_another_script(text: str) -> None:
    assert find_uncovered_language(text) == []
