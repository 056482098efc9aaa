"""The ask catalogue proves itself: every phrasing catches its examples and lets its near-misses pass."""

from __future__ import annotations

import pytest

from shared.guardrails import find_asks
from shared.guardrails.asks import LANGUAGES, Phrasing, ask_kinds
from shared.guardrails.asks.catalogue import _data, _spelled, _spelling_cue_source
from shared.text.patterns import PatternError, compile_pattern
from shared.text.reading import read

PHRASINGS = [phrasing for kind in ask_kinds() for phrasing in kind.phrasings]


def _label(phrasing: Phrasing) -> str:
    return f"{phrasing.language}:{phrasing.kind}:{phrasing.source[:50]}"


@pytest.mark.parametrize("phrasing", PHRASINGS, ids=_label)
def test_each_phrasing_catches_its_examples(phrasing: Phrasing) -> None:
    assert phrasing.catch, "a phrasing needs at least one message it catches"
    for example in phrasing.catch:
        assert phrasing.regex.search(read(example).text.replace("’", "'")), f"the phrasing itself misses: {example}"
        assert find_asks(example), f"find_asks misses: {example}"


@pytest.mark.parametrize("phrasing", [p for p in PHRASINGS if p.near_miss], ids=_label)
def test_each_phrasing_lets_its_near_misses_pass(phrasing: Phrasing) -> None:
    for example in phrasing.near_miss:
        assert find_asks(example) == [], f"flagged a near-miss: {example} -> {[v.span for v in find_asks(example)]}"


def test_every_language_has_phrasings_of_the_main_kinds() -> None:
    for language in LANGUAGES:
        kinds = {phrasing.kind for phrasing in PHRASINGS if phrasing.language == language}
        assert {"meeting", "advice", "job", "reply"} <= kinds, language


def test_patterns_reject_look_around() -> None:
    with pytest.raises(PatternError):
        compile_pattern(r"(?<!my\s)hiring")


def _spelling_examples(kind: str) -> list[tuple[str, str]]:
    return [
        (language, example)
        for language in LANGUAGES
        for example in _data(f"{language}.toml").get("spelling_examples", {}).get(kind, ())
    ]


@pytest.mark.parametrize(("language", "example"), _spelling_examples("catch"))
def test_textspeak_and_typos_read_as_the_words_they_spell(language: str, example: str) -> None:
    assert find_asks(example), f"{language}: {example}"


@pytest.mark.parametrize(("language", "example"), _spelling_examples("near_miss"))
def test_textspeak_that_asks_nothing_passes(language: str, example: str) -> None:
    assert find_asks(example) == [], f"{language}: {example} -> {[v.span for v in find_asks(example)]}"


def test_spellings_widen_whole_words_of_a_pattern_only() -> None:
    spellings = {"you": "u|ya", "could": "cld"}
    assert _spelled(r"could you(?P<sentence0>)\syour", spellings) == r"(?:could|cld) (?:you|u|ya)(?P<sentence0>)\syour"
    assert _spelled("you", {}) == "you"


def test_only_lettered_spellings_send_a_text_to_the_widened_phrasings() -> None:
    spelling_cue = compile_pattern(_spelling_cue_source())
    assert spelling_cue.search("cld u refer me") is not None
    assert spelling_cue.search("i did the alta via 2 last summer") is None
    assert spelling_cue.search("a cuddly puppy") is None  # spellings are whole words
    assert spelling_cue.search("hi sam x, 3 x 10 hill repeats") is None
