"""Every hobby of the lexicon reads grammatically in every sentence that names it.

Each topic's activity (data/topics.toml) is rendered through every wording template that takes a pursuit's name
(questions, "I'm into ... too", subjects) and the clauses the composer builds ("you're into ...", "you care about
..."); its agent through "you're a ..." and "Fellow ... here". A reader's checks: no bare singular count noun
after "into", "with", "to" or "about", articles that agree, no doubled word, and the name names no other topic
than its own (so the grounding check never calls it invented).
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from shared.composer.wording import article, variants
from shared.interests import topics_in
from shared.interests.lexicon import TOPICS, lineage

DATA = tomllib.loads((Path(__file__).parent / "data" / "phrase_forms.toml").read_text("utf-8"))
COUNT_NOUNS = frozenset(DATA["count_nouns"])
DETERMINERS = frozenset(DATA["determiners"])
PURSUITS = sorted(name for name, topic in TOPICS.items() if topic.category not in ("roles", "family"))
SHARED = ("shared", "note_shared")
TEMPLATES_WITH_A_NAME = [
    *variants("closers", "question"),
    *(template for section in SHARED for slot in ("with_activity", "bare_activity") for template in variants(section, slot)),
    *variants("subjects", "interest"),
    *variants("subjects", "interest_nameless"),
    "Nice to see in your profile that you're into {x}.",
    "It's good to read that you care about {x}.",
]
TEMPLATES_WITH_AN_AGENT = [
    *(template for section in SHARED for slot in ("with_agent", "bare_agent") for template in variants(section, slot)),
    *variants("subjects", "shared"),
    "Loved reading that you're {a} {agent}.",
]


def render(template: str, name: str, agent: str = "") -> str:
    fields: defaultdict[str, str] = defaultdict(lambda: "Sam")
    fields.update(
        x=name,
        activity=name,
        Activity=name[:1].upper() + name[1:],
        topic=name,
        Topic=name[:1].upper() + name[1:],
        agent=agent,
        a=article(agent) if agent else "",
        c="you go out every weekend",
    )
    return template.format_map(fields)


def bare_count_noun(phrase: str) -> str | None:
    """The singular count noun heading `phrase` with no determiner before it ("choir"), or None."""
    if phrase.lower() in DATA["names"]:
        return None
    words = re.findall(r"[\w'+-]+", phrase.lower())
    for index, word in enumerate(words):
        head = index == len(words) - 1 or words[index + 1] in ("and", "or", "too", "is")
        if word in COUNT_NOUNS and head and not DETERMINERS.intersection(words[:index]):
            return word
    return None


def article_errors(text: str) -> list[str]:
    errors = []
    for found in re.finditer(r"(?i)\b(a|an)\s+([a-z][\w-]*)", text):
        word = found.group(2).lower()
        vowel_sound = word[0] in "aeiou" and not word.startswith(tuple(DATA["consonant_sound_vowels"]))
        vowel_sound = vowel_sound or word.startswith(tuple(DATA["vowel_sound_consonants"]))
        if (found.group(1).lower() == "an") != vowel_sound:
            errors.append(found.group())
    return errors


def doubled(text: str) -> list[str]:
    return [found.group() for found in re.finditer(r"(?i)\b(\w+)\s+\1\b", text)]


def test_the_checks_catch_what_they_are_for() -> None:
    assert bare_count_noun("choir") == "choir"
    assert bare_count_noun("singing in a choir") is None
    assert bare_count_noun("dog training") is None
    assert article_errors("you're a avid runner, an cyclist, a unicyclist, an hour") == ["a avid", "an cyclist"]
    assert doubled("into into it") == ["into into"]


@pytest.mark.parametrize("topic", PURSUITS)
def test_every_pursuit_reads_in_every_sentence_that_names_it(topic: str) -> None:
    entry = TOPICS[topic]
    # Every template names the pursuit after "into", "with", "to" or "about", or as a subject: no bare count noun.
    assert bare_count_noun(entry.activity) is None, entry.activity
    for template in TEMPLATES_WITH_A_NAME:
        text = render(template, entry.activity)
        assert not article_errors(text), text
        assert not doubled(text), text
    if entry.agent:
        for template in TEMPLATES_WITH_AN_AGENT:
            text = render(template, entry.activity, entry.agent)
            assert not article_errors(text), text
            assert not doubled(text), text


@pytest.mark.parametrize("topic", PURSUITS)
def test_no_pursuits_name_names_another_topic(topic: str) -> None:
    # "singing in a choir" names singing, which choir is a kind of; "brewing kombucha" would name homebrewing, a
    # pursuit the bio may not state, and the grounding check would call it invented.
    named = topics_in(TOPICS[topic].activity)
    assert named <= set(lineage(topic)) | {topic}, (TOPICS[topic].activity, named)
