"""A pitch in Spanish, French, German, Portuguese or Italian gets a draft wholly in that language; an English pitch
gets an English draft that retells no foreign phrase. Either way every draft passes the final gate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.composer import compose_offline
from shared.models import Channel, DraftRequest
from shared.text.language import detect_language

BIOS = Path(__file__).parents[1] / "data" / "bios"
CASES = {
    "es": (
        (BIOS / "spanish.txt").read_text("utf-8"),
        "Desarrollo una aplicación para que los pacientes crónicos registren sus síntomas cada día.",
    ),
    "fr": ((BIOS / "french.txt").read_text("utf-8"), "Je conçois des outils de conformité RGPD pour les PME."),
    "de": ((BIOS / "german.txt").read_text("utf-8"), "Ich entwickle Software für die Dienstplanung in kleinen Arztpraxen."),
    "pt": (
        "Sou engenheira de dados em São Paulo, trabalho com pipelines de streaming. Nas horas vagas pego onda em Ubatuba.",
        "Desenvolvo ferramentas de agendamento para pequenas clínicas em Lisboa e no Porto.",
    ),
    "it": ((BIOS / "italian.txt").read_text("utf-8"), "Sviluppo strumenti di pianificazione per piccole cliniche."),
}
ENGLISH_PITCH = "I build scheduling tools for small clinics."
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
# The English wording's words, which a draft in another language must never carry.
ENGLISH_FRAME = re.compile(r"(?i)\b(?:profile|hello|reading|loved|hope|week|reply|context|about me|into|I'm|I am)\b")


def sentences(text: str) -> list[str]:
    return [found.group().strip() for found in SENTENCE.finditer(text) if len(found.group().split()) >= 5]


@pytest.mark.parametrize("language", sorted(CASES))
@pytest.mark.parametrize("channel", list(Channel), ids=lambda channel: channel.value)
@pytest.mark.parametrize("names", [("Alex Moreno", "Sam Lee"), (None, None)], ids=["named", "nameless"])
def test_a_pitch_in_a_covered_language_gets_a_draft_in_it(language: str, channel: Channel, names: tuple[str | None, ...]) -> None:
    bio, pitch = CASES[language]
    request = DraftRequest(target_bio=bio, pitch=pitch, channel=channel, target_name=names[0], sender_name=names[1])
    draft = compose_offline(request)
    assert draft.violations == [], draft.body
    assert not ENGLISH_FRAME.search(f"{draft.subject or ''} {draft.body}"), draft.body
    # Portuguese and Spanish read alike to the identifier one sentence at a time: English is what must not appear.
    assert "en" not in {detect_language(sentence) for sentence in sentences(draft.body)}, draft.body
    assert pitch.split()[0] in draft.body


@pytest.mark.parametrize("language", sorted(CASES))
def test_the_bio_is_quoted_as_written_never_retold(language: str) -> None:
    bio, pitch = CASES[language]
    body = compose_offline(DraftRequest(target_bio=bio, pitch=pitch, channel=Channel.LINKEDIN_MESSAGE)).body
    quoted = re.search(r"[«„“]\s?([^»“”]+?)\s?[»“”]", body)
    assert quoted is not None, body
    assert quoted.group(1) in bio


def test_a_bio_about_someone_in_the_third_person_gets_a_plain_hello() -> None:
    bio = "Julien Moreau est directeur financier d'une coopérative agricole en Bretagne. Il est aussi apiculteur amateur."
    draft = compose_offline(DraftRequest(target_bio=bio, pitch=CASES["fr"][1], channel=Channel.LINKEDIN_MESSAGE))
    assert "Il est" not in draft.body
    assert "saluer" in draft.body
    assert draft.violations == []


@pytest.mark.parametrize("language", sorted(CASES))
@pytest.mark.parametrize("channel", list(Channel), ids=lambda channel: channel.value)
def test_an_english_pitch_gets_an_english_draft_with_no_foreign_phrase(language: str, channel: Channel) -> None:
    bio, _ = CASES[language]
    draft = compose_offline(DraftRequest(target_bio=bio, pitch=ENGLISH_PITCH, channel=channel, target_name="Alex Moreno"))
    assert draft.violations == [], draft.body
    assert {detect_language(sentence) for sentence in sentences(draft.body)} <= {"en", None}, draft.body


def test_an_english_bio_never_changes_the_language_of_the_pitch() -> None:
    bio = "Product designer in Leeds. I climb most weekends and bake sourdough for the neighbours."
    draft = compose_offline(DraftRequest(target_bio=bio, pitch=CASES["es"][1], channel=Channel.LINKEDIN_MESSAGE))
    assert draft.body.startswith("Hola,"), draft.body
    assert draft.violations == []


OFFERS = {
    "es": "mi plantilla de turnos para clínicas pequeñas",
    "fr": "ma liste de contrôle RGPD pour les petites équipes",
    "de": "meine Checkliste für die Dienstplanung",
    "pt": "o meu guia de escalas para clínicas pequenas",
    "it": "la mia checklist per la pianificazione dei turni",
}


@pytest.mark.parametrize("language", sorted(CASES))
@pytest.mark.parametrize("channel", list(Channel), ids=lambda channel: channel.value)
def test_an_offer_in_the_pitchs_language_is_made_in_it(language: str, channel: Channel) -> None:
    bio, pitch = CASES[language]
    request = DraftRequest(target_bio=bio, pitch=pitch, channel=channel, offer=OFFERS[language], sender_name="Sam Lee")
    draft = compose_offline(request)
    assert draft.violations == [], draft.body
    if channel is not Channel.LINKEDIN_NOTE:
        assert OFFERS[language] in draft.body, draft.body
    assert not ENGLISH_FRAME.search(draft.body), draft.body


SHORT_PITCHES = {
    "es": "Desarrollo aplicaciones para clínicas pequeñas.",
    "fr": "Je conçois des outils pour les PME.",
    "de": "Ich baue Software für kleine Arztpraxen.",
    "pt": "Desenvolvo aplicativos para pequenas clínicas.",
    "it": "Sviluppo app per piccole cliniche.",
}


@pytest.mark.parametrize("language", sorted(CASES))
@pytest.mark.parametrize("channel", list(Channel), ids=lambda channel: channel.value)
def test_a_short_pitch_and_nothing_to_quote_still_give_a_draft_in_the_language(language: str, channel: Channel) -> None:
    # The bio's first sentence only (a job): a plain hello, and the long channels' 25 words still reached in it.
    bio = CASES[language][0].split(".")[0] + "."
    draft = compose_offline(DraftRequest(target_bio=bio, pitch=SHORT_PITCHES[language], channel=channel))
    assert draft.violations == [], draft.body
    assert not ENGLISH_FRAME.search(draft.body), draft.body
    assert draft.body.startswith(("Hola", "Bonjour", "Hallo", "Olá", "Ciao")), draft.body


@pytest.mark.parametrize(("pitch", "kept"), [("Diseño apps.", "Diseño apps."), ("Café owner.", "I'm a café owner.")])
def test_a_pitch_too_short_to_identify_is_put_in_english_first_person_only_when_it_reads_english(pitch: str, kept: str) -> None:
    body = compose_offline(DraftRequest(target_bio="I climb most weekends.", pitch=pitch, channel=Channel.LINKEDIN_NOTE)).body
    assert kept in body, body
