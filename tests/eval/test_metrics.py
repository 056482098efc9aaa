"""The eval's detectors on crafted drafts, and the corpus's own consistency. Fast: no drafting here."""

from __future__ import annotations

import pytest

from tests.eval.metrics import (
    Spread,
    agreement_errors,
    claim_sentences,
    doubled_words,
    load_corpus,
    load_hobby_words,
    most_common_opening,
    names_any,
    names_hobby,
    opener,
    opening_words,
    rate,
    sharing_claims,
)

WORDS = load_hobby_words()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Hi Dana,\n\nFellow open-water swimmer here! I build tools.", "Fellow open-water swimmer here!"),
        ("Hi Dr. Grant, I saw that you run marathons. I build apps.", "I saw that you run marathons."),
        ("Hello!\nYour allotment sounds wonderful. I make games.", "Your allotment sounds wonderful."),
        ("Loved reading about St. Mary's lake swims. More below.", "Loved reading about St Mary's lake swims."),
        ("Hey there, quick hello from a fellow climber.", "quick hello from a fellow climber."),
        ("Bonjour Camille, la voile ! I make tools.", "la voile !"),
        ("Hi there — fellow runner here. I build tools.", "fellow runner here."),
    ],
)
def test_opener_is_the_first_sentence_after_the_greeting(body: str, expected: str) -> None:
    assert opener(body) == expected


def test_opening_words_ignore_greeting_case_and_accents() -> None:
    assert opening_words("Hi Ana,\nI saw that you're into FOTOGRAFÍA.") == "i saw that you're"
    assert opening_words("Hello Bo, Fellow runner here.", 2) == "fellow runner"


def test_most_common_opening_share() -> None:
    bodies = ["Hi A, I saw that you swim.", "Hi B, I saw that you knit.", "Hi C, Fellow climber here.", "Hi D, Your bees!"]
    assert most_common_opening(bodies) == ("i saw that you", 0.5)
    assert most_common_opening([]) == ("", 0.0)


@pytest.mark.parametrize(
    ("text", "hobby"),
    [
        ("I saw that you swim in the lake every morning.", "open-water swimming"),
        ("your fotografía de calle", "street photography"),
        ("you bake bread for your street", "bread baking"),
        ("What got you into bouldering?", "bouldering"),
        ("Happy to hear about the Madeira ultra.", "trail running"),
    ],
)
def test_names_hobby_across_word_forms_and_languages(text: str, hobby: str) -> None:
    assert names_hobby(text, hobby, WORDS)


@pytest.mark.parametrize(
    ("text", "hobby"),
    [
        ("I saw that you run the payments team.", "running"),
        ("you lead a diverse division", "scuba diving"),
        ("You are VP Growth at a SaaS company.", "gardening"),
        ("Your work on checkout stood out.", "animal fostering"),
    ],
)
def test_work_sentences_do_not_name_a_hobby(text: str, hobby: str) -> None:
    assert not names_hobby(text, hobby, WORDS)


@pytest.mark.parametrize(
    "draft",
    [
        "Fellow climber here!",
        "I swim in a lake too.",
        "Like you, I paint on weekends.",
        "We both love jazz, it seems.",
        "We're both runners.",
        "Same here: I bake every Sunday.",
        "Another birder here, binoculars and all.",
        "I'm also a cellist.",
        "I brew at home as well.",
        "Me too!",
    ],
)
def test_sharing_claims_are_detected(draft: str) -> None:
    assert sharing_claims(draft)


def test_claim_sentences_keep_what_the_claim_names() -> None:
    text = "Hi Ana,\nFellow salsa dancer here! Your bread sounds great. I bake too."
    assert claim_sentences(text) == ["Fellow salsa dancer here!", "I bake too."]
    assert claim_sentences("What got you into sailing?") == []


@pytest.mark.parametrize(
    "draft",
    [
        "I saw that you climb at the local gym.",
        "That sounds like a lot of fun.",
        "I build tools for teams too busy to write docs.",
        "I'd like your take on nothing at all; no reply needed.",
        "What got you into sailing?",
        "Your choir sounds wonderful, and your bees even more so.",
    ],
)
def test_curiosity_is_not_a_sharing_claim(draft: str) -> None:
    assert sharing_claims(draft) == []


@pytest.mark.parametrize(
    "draft",
    [
        "I saw that you run ultramarathons and bakes sourdough.",
        "Great to see that you plays cello in an orchestra.",
        "You are an avid climber, and plays the cello.",
        "I noticed you is a keen sailor.",
        "you always plays jazz on Fridays",
        "when you isn't in theatre, you dance salsa",
        "you write about carbon markets and, in your spare time, restores vintage typewriters.",
        "you're into ceramics and teaches a wheel-throwing class",
        "you're a keen cricketer and plays for a weekend club",
        "you are a lifelong ballet dancer and still performs with an amateur company",
        "What keeps you coming back to bakes bread?",
    ],
)
def test_third_person_verbs_after_you_are_agreement_errors(draft: str) -> None:
    assert agreement_errors(draft)


@pytest.mark.parametrize(
    "draft",
    [
        "I saw that you run ultramarathons and bake sourdough.",
        "She runs ultramarathons and bakes sourdough.",
        "You love long walks and runs.",
        "you love long walks and runs in the hills",
        "What keeps you coming back to baking bread?",
        "I look forward to runs in the park.",
        "you do long runs and rides on weekends",
        "Your team ships weekly and runs a great blog.",
        "I saw that you lead a team, which runs the payments platform.",
        "you mentioned that she plays cello",
        "Thank you. He bakes bread.",
        "you write about carbon markets and, in your spare time, restore vintage typewriters.",
    ],
)
def test_agreeing_verbs_are_not_errors(draft: str) -> None:
    assert agreement_errors(draft) == []


def test_doubled_words() -> None:
    assert doubled_words("I saw that you you est directeur.") == ["you you"]
    assert doubled_words("You run, you bake, and you swim.") == []
    assert doubled_words("A hello\nHello Ana,") == [], "a subject and a greeting are separate lines"


def test_spread_and_rate() -> None:
    assert Spread.of([3, 1, 2]) == Spread(1, 2, 3)
    assert rate(1, 4) == 0.25
    assert rate(0, 0) is None
    with pytest.raises(ValueError, match="no values"):
        Spread.of([])


# --- the corpus: what the report stands on -----------------------------------------------------

CORPUS = load_corpus()


def test_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 60
    assert len({entry.id for entry in CORPUS}) == len(CORPUS), "ids are unique"
    kinds = {entry.kind for entry in CORPUS}
    assert {"first_person", "third_person", "terse", "jargon", "non_english", "no_hobby", "in_passing"} <= kinds
    assert {"pitch_field", "forwarded", "speaker"} <= kinds
    with_interests = sum(1 for entry in CORPUS if entry.sender_interests)
    assert 0.4 <= with_interests / len(CORPUS) <= 0.6, "about half carry the sender's interests"
    assert any(entry.sender_interests and not entry.overlap for entry in CORPUS)
    assert any(entry.offer for entry in CORPUS)
    assert any(not entry.hobbies for entry in CORPUS)


@pytest.mark.parametrize("entry", CORPUS, ids=lambda entry: entry.id)
def test_labels_are_consistent_with_the_text(entry: object) -> None:
    from tests.eval.metrics import Entry

    assert isinstance(entry, Entry)
    for hobby in entry.hobbies:
        assert hobby in WORDS, f"{hobby!r} needs a line in hobby_words.toml"
        assert names_hobby(entry.bio, hobby, WORDS), f"the bio does not name {hobby!r} by its hobby words"
    assert set(entry.overlap) <= set(entry.hobbies), "an overlap is one of the bio's hobbies"
    if entry.overlap:
        assert entry.sender_interests, "an overlap needs the sender's interests"
    if entry.sender_interests:
        named = {hobby for hobby in entry.hobbies if names_any(entry.sender_interests, [hobby], WORDS)}
        assert named == set(entry.overlap), "the overlap is exactly what the sender's interests name"
