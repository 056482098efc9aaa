"""Grounding: the evidence quote is in the bio, and the draft invents no hobby, employer, school or place."""

from __future__ import annotations

import pytest

from shared.guardrails.grounding import find_invented_facts, find_ungrounded_interest, is_job, job_examples
from shared.guardrails.statements import attribution_examples, find_invented_quotes
from shared.models import Rule

BIO = (
    "Data platform lead at Octopus Energy. Previously at Monzo. Studied physics at the University of Leeds.\n"
    "Outside work I hike in the Dolomites every summer, bake sourdough, and volunteer at a food bank in Hackney."
)
PITCH = "I'm a data engineer with six years in logistics analytics, now moving into climate tech."


def _invented(text: str, *, bio: str = BIO, pitch: str = PITCH, names: tuple[str, ...] = ()) -> list[str]:
    return [violation.span for violation in find_invented_facts(text, sources=[bio, pitch, *names])]


# --- the evidence quote ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        "hike in the Dolomites every summer",
        "HIKE IN THE   DOLOMITES",  # case and spacing do not matter
        "“bake sourdough”",  # quote marks around the quote
        "I hike in the Dolomites … volunteer at a food bank",  # elided, pieces in order
        "Studied physics at the University of Leeds.\nOutside work",
    ],
)
def test_evidence_that_occurs_in_the_bio_passes(quote: str) -> None:
    assert find_ungrounded_interest(quote, BIO) == []


@pytest.mark.parametrize(
    "quote",
    [
        "loves sailing",
        "hikes in the Alps",
        "volunteer at a food bank ... bake sourdough",  # pieces out of order
        "...",
    ],
)
def test_evidence_that_does_not_occur_in_the_bio_fails(quote: str) -> None:
    [violation] = find_ungrounded_interest(quote, BIO)
    assert violation.rule is Rule.UNGROUNDED_INTEREST
    assert violation.span == quote
    assert "not in the bio" in violation.message


@pytest.mark.parametrize("quote", [None, "", "   "])
def test_no_evidence_is_an_honest_none_found(quote: str | None) -> None:
    assert find_ungrounded_interest(quote, BIO) == []


def test_evidence_comparison_uses_curly_and_straight_apostrophes_alike() -> None:
    assert find_ungrounded_interest("I'm happiest on a trail", "I’m happiest on a trail.") == []


# --- invented hobbies -------------------------------------------------------------------------


def test_a_hobby_the_bio_never_mentions_is_invented() -> None:
    [violation] = find_invented_facts("As a fellow sailor, I loved your post.", sources=[BIO, PITCH])
    assert violation.rule is Rule.INVENTED_FACT
    assert violation.span == "sailor"
    assert violation.message == "Mentions “sailor”, which neither the bio nor your pitch mentions."
    assert (violation.start, violation.end) == (12, 18)


@pytest.mark.parametrize(
    ("draft", "bio"),
    [
        ("Fellow hiker here!", "I hike most weekends."),  # same topic, different form
        ("Fellow hiker here!", "Hiked the Appalachian Trail in 2019."),  # shared stem, not in the lexicon
        ("Great to meet another trekking fan.", "Hillwalking is my thing."),  # same topic: hiking
        ("I loved your sourdough photos.", "Weekend baker."),  # same topic: baking
        ("Your running club sounds fun.", "Marathon runner."),
    ],
)
def test_a_hobby_is_grounded_by_its_topic_or_stem(draft: str, bio: str) -> None:
    assert _invented(draft, bio=bio, pitch="") == []


def test_a_hobby_in_the_senders_pitch_is_theirs_to_mention() -> None:
    assert _invented("I'm a keen sailor too.", bio="Sailing on weekends.", pitch="") == []
    assert _invented("I sail on weekends, so I loved your post.", bio="Loves sailing.", pitch="") == []
    assert _invented("I'm into wild swimming.", bio="", pitch="Software engineer who sails.") == ["wild swimming"]
    assert _invented("I'm into bouldering.", bio="", pitch="Software engineer and boulderer.") == []


def test_the_longest_form_wins_so_a_specific_hobby_is_not_grounded_by_a_general_one() -> None:
    assert _invented("Fellow trail runner here!", bio="Marathon runner.", pitch="") == ["trail runner"]
    assert _invented("Fellow trail runner here!", bio="Trail running in the Lakes.", pitch="") == []


@pytest.mark.parametrize(
    "draft",
    [
        "Running the data platform must be a lot of work.",
        "Reading your bio, I noticed we both care about grids.",
        "Drawing on my logistics work, I build forecasts.",
        "I've been diving into your posts on demand response.",
        "Given the current climate in tech hiring, your post landed.",
        "A price hike is never popular.",
        "It was smooth sailing after that.",
        "The pipeline is up and running again.",
        "Our platform handles 10k users a day.",
        "We saved $5k on compute.",
        "We write our own diy scripts.",  # lower case: not the acronym
        "Ho letto dei tuoi articoli.",  # Italian "dei", not DEI
    ],
)
def test_lexicon_words_used_in_another_sense_are_not_hobbies(draft: str) -> None:
    # The pitch gives the numbers (as a number, not a race), so only the hobby reading is left to judge.
    assert _invented(draft, bio="Data platform lead.", pitch="Data engineer; 10 thousand users, 5 thousand saved.") == [], draft


def test_short_forms_count_when_written_as_acronyms() -> None:
    assert _invented("Fellow DJ here!", bio="Data engineer.", pitch="") == ["DJ"]
    assert _invented("I care about DEI work.", bio="Data engineer.", pitch="") == ["DEI"]


# --- invented names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("draft", "invented"),
    [
        ("Your years at Google must have been fun.", ["Google"]),
        ("As a fellow Stanford alum, I loved your post.", ["Stanford"]),
        ("I hear the Alps are lovely in June.", ["Alps"]),
        ("Your time at Google DeepMind is impressive.", ["Google DeepMind"]),
        ("We both studied at the University of Toronto.", ["University of Toronto"]),
        ("Loved your talk at PyCon.", ["PyCon"]),
        ("DeepMind is lucky to have you.", ["DeepMind"]),  # internal capital: a name even at a sentence start
        ("AWS is where I started.", ["AWS"]),
    ],
)
def test_names_in_neither_bio_nor_pitch_are_invented(draft: str, invented: list[str]) -> None:
    assert _invented(draft) == invented


@pytest.mark.parametrize(
    "draft",
    [
        "Your work at Octopus Energy is inspiring.",
        "Octopus Energy's approach to tariffs is great.",  # possessive
        "We both love the Dolomites.",
        "Before Octopus you were at Monzo, right?",
        "Another University of Leeds physicist!",
        "Hope all is well in Hackney.",
    ],
)
def test_names_from_the_bio_are_grounded(draft: str) -> None:
    assert _invented(draft) == [], draft


def test_known_names_may_appear_without_being_in_the_bio() -> None:
    draft = "Hi Anna, loved your post.\nBest, Sam Okafor"
    assert _invented(draft, names=("Anna Rossi", "Sam Okafor")) == []
    assert _invented(draft) == ["Anna", "Sam Okafor"]


@pytest.mark.parametrize(
    "draft",
    [
        "Hi there, I noticed we both bake.",
        "Loved your post. Fascinating stuff. Really.",
        "Congrats on the promotion! Wishing you a great Monday.",
        "I saw it in January and again in May.",
        "Thanks again. Cheers, and all the best.",
        "PS: I'm on LinkedIn most days.",
        "Dear Anna,\nHope you're well.",
    ],
)
def test_ordinary_capitalised_words_are_not_names(draft: str) -> None:
    assert _invented(draft, names=("Anna",)) == [], draft


def test_an_ordinary_opener_is_dropped_but_the_name_after_it_is_checked() -> None:
    assert _invented("Hope Zurich is treating you well.") == ["Zurich"]
    assert _invented("Congrats Maria on the launch!", names=("Maria Lopez",)) == []


def test_a_title_after_an_abbreviation_is_not_a_sentence_start() -> None:
    assert _invented("Dear Dr. Rossi, your talk was great.") == ["Rossi"]
    assert _invented("Dear Dr. Rossi, your talk was great.", names=("Elena Rossi",)) == []


def test_name_spans_point_into_the_draft() -> None:
    draft = "Loved your keynote.\nYour years at Google DeepMind's London office sound fun."
    violations = find_invented_facts(draft, sources=[BIO])
    assert [v.span for v in violations] == ["Google DeepMind", "London"]  # a possessive ends a name
    for violation in violations:
        assert violation.start is not None
        assert violation.end is not None
        assert draft[violation.start : violation.end] == violation.span


def test_names_can_be_skipped_for_title_case_text() -> None:
    subject = "A Quick Note From A Fellow Sailor"
    assert [v.span for v in find_invented_facts(subject, sources=[BIO], check_names=False)] == ["Sailor"]


# --- word forms and the bio's language ----------------------------------------------------------


@pytest.mark.parametrize(
    ("draft", "bio"),
    [
        ("Fellow swimmer here!", "Swims in the lake every morning."),  # doubled consonant: swimm-er ~ swim-s
        ("Your photography is lovely.", "Photographer on weekends."),
        ("I loved reading about your swimming.", "Me encanta la natación en el mar."),
        ("Your photography is lovely.", "Aficionada a la fotografía."),
    ],
)
def test_word_forms_and_the_bio_s_language_are_not_inventions(draft: str, bio: str) -> None:
    assert _invented(draft, bio=bio, pitch="I build payment APIs.") == []


def test_the_offer_and_the_sender_s_interests_are_sources_too() -> None:
    draft = "Fellow climber here! Happy to send my Kubernetes Cost Review checklist."
    bio = "Platform lead. Climbs on weekends."
    assert _invented(draft, bio=bio, pitch=PITCH) == ["Kubernetes Cost Review"]
    sources = [bio, PITCH, "my Kubernetes Cost Review checklist", "bouldering, jazz"]
    assert find_invented_facts(draft, sources=sources) == []


# --- numbers ------------------------------------------------------------------------------------

NUMBERS_BIO = (
    "Twelve years at Monzo, where I grew the data team from 3 to 40 people. Ran my first marathon in 2019. "
    "Cut cloud spend by 35% last year. Volunteering: 5,000 meals served."
)


@pytest.mark.parametrize(
    ("draft", "invented"),
    [
        ("Fifteen years at Monzo is a long stretch; your 15 years there show.", ["15"]),
        ("Growing a team from 3 to 50 people is no small thing.", ["50"]),
        ("Your first marathon in 2018 must have been special.", ["2018"]),
        ("Cutting cloud spend by 30% is impressive.", ["30%"]),
        ("Cutting cloud spend by 30 percent is impressive.", ["30 percent"]),
        ("I build pipelines for 7 climate labs.", ["7"]),  # the sender's numbers come from the pitch too
    ],
)
def test_a_number_the_sources_do_not_give_is_invented(draft: str, invented: list[str]) -> None:
    violations = find_invented_facts(draft, sources=[NUMBERS_BIO, PITCH])
    assert [violation.span for violation in violations] == invented
    assert all("a number that neither the bio nor your pitch gives" in violation.message for violation in violations)
    assert all(draft[v.start or 0 : v.end] == v.span for v in violations)


@pytest.mark.parametrize(
    "draft",
    [
        "Twelve years at Monzo, and the team grew from 3 to 40 people.",
        "12 years at Monzo is a long stretch.",  # words in the bio ground digits in the draft
        "Your first marathon in 2019 must have been special.",
        "A 35% cut in cloud spend is impressive.",
        "5000 meals is a lot of Saturdays.",  # separators do not matter
        "I have six years in logistics analytics.",  # a number word in the draft is not checked as digits
        "Your 3D printing and 5G posts were great.",  # digits glued to letters are names, not numbers
        "From one 1990s Monzo fan to another.",
    ],
)
def test_numbers_the_sources_give_pass(draft: str) -> None:
    numbers = [
        v for v in find_invented_facts(draft, sources=[NUMBERS_BIO + " Loves 1990s synths.", PITCH]) if "number" in v.message
    ]
    assert numbers == [], draft


# --- quotations ---------------------------------------------------------------------------------

QUOTED_BIO = "I believe every pipeline is a product. Data is a team sport."


@pytest.mark.parametrize(
    "draft",
    [
        "Loved your line “data is a team sport”.",
        'As you put it, "every pipeline is a product".',
        "You once said “every pipeline … a product”, and it stuck with me.",
    ],
)
def test_a_quotation_from_the_bio_passes(draft: str) -> None:
    assert find_invented_facts(draft, sources=[QUOTED_BIO, PITCH]) == []


def test_a_quotation_the_bio_does_not_hold_is_invented() -> None:
    draft = "Hi Ana, loved your motto “ship small, ship often”."
    [violation] = find_invented_facts(draft, sources=[QUOTED_BIO, PITCH], check_names=False)
    assert violation.rule is Rule.INVENTED_FACT
    assert violation.span == "“ship small, ship often”"
    assert "Quotes them as saying" in violation.message
    assert draft[violation.start or 0 : violation.end] == violation.span


def test_the_data_file_s_attribution_examples() -> None:
    attributed, not_attributed = attribution_examples()
    bio = "Platform lead in Leeds."  # holds none of the quotations
    for sentence in attributed:
        assert [v.span for v in find_invented_quotes(sentence, bio)], sentence
    for sentence in not_attributed:
        assert find_invented_quotes(sentence, bio) == [], sentence


# --- the interest must not be their job -----------------------------------------------------------

JOB_BIO = (
    "Maria Lopez is a principal engineer at Contoso, where she leads the search relevance group. "
    "She recently spoke at PyCon about property-based testing. Head of Data at Northwind Analytics before that. "
    "When she's not working, she's hiking in the Dolomites with her rescue dog."
)


@pytest.mark.parametrize(
    ("evidence", "topic"),
    [
        ("principal engineer at Contoso", "engineering"),
        ("Head of Data at Northwind Analytics", "data leadership"),
        ("she leads the search relevance group", "her job"),
        ("Maria Lopez is a principal engineer at Contoso", "Contoso"),
    ],
)
def test_a_job_or_employer_as_the_shared_interest_is_ungrounded(evidence: str, topic: str) -> None:
    [violation] = find_ungrounded_interest(evidence, JOB_BIO, topic=topic)
    assert violation.rule is Rule.UNGROUNDED_INTEREST
    assert "the opener must be an interest, not their job" in violation.message


def test_an_employer_name_alone_as_the_topic_is_ungrounded() -> None:
    [violation] = find_ungrounded_interest("recently spoke at PyCon", JOB_BIO, topic="Northwind Analytics")
    assert violation.span == "Northwind Analytics"


@pytest.mark.parametrize(
    ("evidence", "topic"),
    [
        ("hiking in the Dolomites with her rescue dog", "hiking"),
        ("She recently spoke at PyCon about property-based testing", "property-based testing"),
        ("hiking in the Dolomites", None),
    ],
)
def test_an_interest_or_a_specific_work_topic_is_a_fine_opener(evidence: str, topic: str | None) -> None:
    assert find_ungrounded_interest(evidence, JOB_BIO, topic=topic) == []


def test_the_data_file_s_job_examples() -> None:
    jobs, pursuits = job_examples()
    bio = " ".join([*jobs, *pursuits]) + " Works at Northwind Analytics."
    for text in jobs:
        assert is_job(text, bio), text
    for text in pursuits:
        assert not is_job(text, bio), text
