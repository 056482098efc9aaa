"""The interest lexicon as data: every entry loads, every form is found, no form names two topics."""

from __future__ import annotations

import tomllib
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

from shared.interests import find_interests, topics_in
from shared.interests.finder import NON_WORK_KINDS, InterestKind
from shared.interests.lexicon import CATEGORIES, LANGUAGES, TOPICS, lineage

DATA = Path(__file__).parent.parent.parent / "shared" / "interests" / "data"
RAW = tomllib.loads((DATA / "topics.toml").read_text(encoding="utf-8"))
CUE_EXAMPLES = tomllib.loads((DATA / "cues.toml").read_text(encoding="utf-8"))["examples"]
REQUIRED_CATEGORIES = {"hobbies", "sports", "arts", "music", "games", "outdoors", "animals", "food", "causes", "community"}


def forms_of(name: str, entry: dict[str, object]) -> list[str]:
    forms = [name] if entry.get("name_is_form", True) else []
    forms += [str(entry["agent"])] if "agent" in entry else []
    for field in (*LANGUAGES, "acronyms"):
        forms += [form.strip() for form in str(entry.get(field, "")).split(",") if form.strip()]
    return forms


def folded(form: str) -> tuple[str, ...]:
    # Independent of the loader: case, accents, hyphens and apostrophes do not make a form different.
    plain = "".join(char for char in unicodedata.normalize("NFKD", form.casefold()) if not unicodedata.combining(char))
    return tuple("".join(char if char.isalnum() or char in "&+" else " " for char in plain).split())


def test_the_lexicon_has_at_least_400_topics_in_every_required_category() -> None:
    assert len(RAW) >= 400
    assert {entry["category"] for entry in RAW.values()} >= REQUIRED_CATEGORIES
    assert {entry["category"] for entry in RAW.values()} <= CATEGORIES
    assert set(TOPICS) == set(RAW)


@pytest.mark.parametrize("language", [language for language in LANGUAGES if language != "en"])
def test_every_covered_language_names_many_topics(language: str) -> None:
    named = [name for name, entry in RAW.items() if entry.get(language)]
    assert len(named) >= 200, f"{language}: {len(named)} topics"


def test_no_form_names_two_topics() -> None:
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for name, entry in RAW.items():
        for form in forms_of(name, entry):
            owners[folded(form)].add(name)
    clashes = {" ".join(key): sorted(names) for key, names in owners.items() if len(names) > 1}
    assert clashes == {}


def test_a_generic_name_is_a_topic_but_not_a_form() -> None:
    assert find_interests("A history of the London sewer system.") == []
    assert "history" in {interest.topic for interest in find_interests("History buff and keen cyclist.")}


def test_every_broader_topic_exists_and_no_lineage_loops() -> None:
    for name, entry in RAW.items():
        if "broader" in entry:
            assert entry["broader"] in RAW, name
        assert len(lineage(name)) == len(set(lineage(name)))


ALL_FORMS = sorted(
    (name, form, form.upper() if form in str(entry.get("acronyms", "")) else form)
    for name, entry in RAW.items()
    if entry["category"] != "roles"
    for form in forms_of(name, entry)
)


@pytest.mark.parametrize(("topic", "form", "written"), ALL_FORMS, ids=lambda value: str(value))
def test_every_form_is_found_in_a_sentence_that_states_it(topic: str, form: str, written: str) -> None:
    found = {interest.topic for interest in find_interests(f"In my spare time I love {written}.")}
    assert topic in found
    assert topic in topics_in(f"Also: {written}")


@pytest.mark.parametrize("name", sorted(name for name, entry in RAW.items() if entry["category"] == "roles"))
def test_roles_are_named_but_never_interests(name: str) -> None:
    assert find_interests(f"In my spare time I love {name}.") == []
    assert name in topics_in(name)


def test_every_pursuit_category_is_a_non_work_kind_and_causes_and_community_are_causes() -> None:
    kinds = {entry["category"]: find_interests(f"I love {forms_of(name, entry)[0]}.") for name, entry in RAW.items()}
    for category, found in kinds.items():
        if category in {"causes", "community"}:
            assert found[0].kind is InterestKind.CAUSE, category
        elif category not in {"family", "roles"}:
            assert found[0].kind in NON_WORK_KINDS, category


@pytest.mark.parametrize(("bio", "topic"), CUE_EXAMPLES["pastimes"])
def test_the_cue_examples_state_a_pastime_first(bio: str, topic: str) -> None:
    [first, *_] = find_interests(bio)
    assert first.topic == topic
    assert first.score >= 2


@pytest.mark.parametrize("bio", CUE_EXAMPLES["not_pursuits"])
def test_the_cue_examples_state_no_pursuit(bio: str) -> None:
    assert [interest.topic for interest in find_interests(bio) if interest.non_work or interest.kind is InterestKind.CAUSE] == []
