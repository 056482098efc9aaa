"""The interest lexicon, read from data/topics.toml: topics, their word forms in six languages, and their categories.

Both the interest finder and the grounding check read this one lexicon, so they cannot disagree.
Adding a hobby is one entry in data/topics.toml (see the comment at its top).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from shared.interests.tokens import PhraseTrie, phrase_key

DATA = Path(__file__).parent / "data"
LANGUAGES: Final = ("en", "es", "fr", "de", "pt", "it")
CATEGORIES: Final = frozenset(
    {"hobbies", "sports", "arts", "music", "games", "outdoors", "animals", "food", "causes", "community", "family", "roles"}
)


@dataclass(frozen=True)
class Topic:
    name: str
    category: str
    # The pursuit as a noun phrase ("open-water swimming") and its person noun ("open-water swimmer"), if any.
    activity: str
    agent: str | None
    # A broader topic this one is a kind of ("open-water swimming" -> "swimming"): sharing either is sharing.
    broader: str | None
    forms: tuple[str, ...]
    # Forms that name the topic only when written in capitals ("DJ", "DIY"): otherwise ordinary words somewhere.
    acronyms: frozenset[str]


def _split(value: object) -> list[str]:
    if not isinstance(value, str):
        raise TypeError(f"expected a comma-separated string, got {value!r}")
    return [form.strip().lower() for form in value.split(",") if form.strip()]


def _topic(name: str, entry: dict[str, object]) -> Topic:
    category = str(entry["category"])
    if category not in CATEGORIES:
        raise ValueError(f"{name}: unknown category {category!r}")
    agent = entry.get("agent")
    # A generic name ("history", "community") is a topic, not a word that states it: its forms say which uses count.
    forms = [name.lower()] if entry.get("name_is_form", True) else []
    if isinstance(agent, str):
        forms.append(agent.lower())
    for language in LANGUAGES:
        forms += _split(entry.get(language, ""))
    acronyms = _split(entry.get("acronyms", ""))
    broader = entry.get("broader")
    return Topic(
        name=name,
        category=category,
        activity=str(entry.get("activity", name)),
        agent=agent if isinstance(agent, str) else None,
        broader=broader if isinstance(broader, str) else None,
        forms=tuple(dict.fromkeys(forms + acronyms)),
        acronyms=frozenset(acronyms),
    )


def load_topics(path: Path = DATA / "topics.toml") -> dict[str, Topic]:
    with path.open("rb") as file:
        raw = tomllib.load(file)
    topics = {name: _topic(name, entry) for name, entry in raw.items()}
    for topic in topics.values():
        if topic.broader is not None and topic.broader not in topics:
            raise ValueError(f"{topic.name}: broader topic {topic.broader!r} is not in the lexicon")
    return topics


def _form_index(topics: dict[str, Topic]) -> PhraseTrie[str]:
    index: PhraseTrie[str] = PhraseTrie()
    for topic in topics.values():
        for form in topic.forms:
            clash = index.add(form, topic.name)
            if clash is not None and clash != topic.name:
                raise ValueError(f"the form {form!r} names both {clash!r} and {topic.name!r}")
    return index


TOPICS: Final = load_topics()
FORM_INDEX: Final = _form_index(TOPICS)

# Surface form (lower case, as written in the data) -> canonical topic.
FORM_TO_TOPIC: Final[dict[str, str]] = {form: topic.name for topic in TOPICS.values() for form in topic.forms}
TOPIC_TO_CATEGORY: Final[dict[str, str]] = {topic.name: topic.category for topic in TOPICS.values()}
# Folded form -> whether it counts only in capitals.
ACRONYM_KEYS: Final = frozenset(phrase_key(form) for topic in TOPICS.values() for form in topic.acronyms)


def lineage(topic: str) -> tuple[str, ...]:
    """The topic and every broader topic above it, nearest first."""
    chain = [topic]
    while (broader := TOPICS[chain[-1]].broader) is not None and broader not in chain:
        chain.append(broader)
    return tuple(chain)
