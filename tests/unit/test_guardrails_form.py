"""Form rules: pitch present, channel length, placeholders, foreign links."""

from __future__ import annotations

import pytest

from shared.guardrails.form import (
    MAX_SUBJECT_CHARS,
    find_foreign_links,
    find_length_problems,
    find_missing_pitch,
    find_placeholders,
)
from shared.models import CHANNEL_SPECS, Channel, Rule

# --- pitch present ----------------------------------------------------------------------------

LONG_PITCH = (
    "I'm a data engineer with six years of experience building streaming pipelines and forecasting systems at a "
    "logistics company, and I'm now moving into climate tech, where I'd like to work on grid-scale demand forecasting "
    "and help utilities plan for renewables."
)

# Real LinkedIn connection notes (at most 200 characters) that compress the pitch above.
NOTES_WITH_THE_PITCH = [
    "Hi Priya, fellow Dolomites hiker here! I'm a data engineer moving into climate tech, focused on demand forecasting. "
    "Loved your post on grid flexibility.",
    "Hi Tom — another sourdough baker! I build streaming data pipelines in logistics and I'm moving into climate tech. "
    "Your forecasting talk was brilliant.",
    "Hi Ana, we both volunteer at food banks. I'm a data engineer shifting to climate tech and renewables forecasting. "
    "Enjoy the Lisbon half!",
]
NOTES_WITHOUT_THE_PITCH = [
    "Hi Priya, fellow Dolomites hiker here! Rifugio Lagazuoi at sunset is still my favourite view. Loved your photos "
    "from the Alta Via 1 this summer.",
    "Hi Tom — another sourdough baker! My starter is three years old and still going strong. Your post on hydration was spot on.",
    "Congratulations on the new role, Ana! Wishing you a great first month.",
]


@pytest.mark.parametrize("note", NOTES_WITH_THE_PITCH)
def test_a_short_note_carrying_a_compressed_pitch_passes(note: str) -> None:
    assert len(note) <= 200
    assert find_missing_pitch(note, LONG_PITCH) == []


@pytest.mark.parametrize("note", NOTES_WITHOUT_THE_PITCH)
def test_a_note_without_the_pitch_fails_with_an_explanation(note: str) -> None:
    [violation] = find_missing_pitch(note, LONG_PITCH)
    assert violation.rule is Rule.MISSING_PITCH
    assert violation.message.startswith("Does not give your pitch")
    assert "“" in violation.message  # names words it is missing


def test_a_paraphrase_with_other_word_forms_counts() -> None:
    pitch = "I build analytics tools for community pharmacists."
    assert find_missing_pitch("I'm an analyst building tooling for pharmacists in the community.", pitch) == []


def test_a_stray_shared_word_is_not_enough() -> None:
    pitch = "I'm a nurse retraining as a data analyst for health services."
    assert find_missing_pitch("Your post about data made me smile.", pitch) != []


def test_a_very_short_pitch_must_be_carried_whole() -> None:
    assert find_missing_pitch("Hi! I'm a ceramicist. Loved your work.", "Ceramicist.") == []
    assert find_missing_pitch("Hi! Loved your work.", "Ceramicist.") != []


def test_a_pitch_of_only_stopwords_imposes_nothing() -> None:
    assert find_missing_pitch("Hello there.", "I am who I am.") == []


# The case seen on real model output: bio and pitch share words, and the body only repeats a line of the bio.
SHARED_WORDS_BIO = (
    "Reliability engineer at a wind farm operator. I keep our alarm pipeline honest: a response is logged within a "
    "minute of each alarm. Weekends: sea kayaking along the coast."
)
SHARED_WORDS_PITCH = "I build alarm triage tools for wind farm operators that cut false alarms by half."


def test_a_body_that_repeats_the_bio_does_not_give_the_pitch_through_shared_words() -> None:
    body = "Hi! I saw that a response is logged within a minute of each alarm at your wind farm operator. Sea kayaking too!"
    found = find_missing_pitch(body, SHARED_WORDS_PITCH, bio=SHARED_WORDS_BIO)
    assert [violation.rule for violation in found][:1] == [Rule.MISSING_PITCH]
    assert found[0].message.startswith("Does not give your pitch")


def test_the_pitch_in_one_sentence_passes_even_with_the_bios_words_around_it() -> None:
    body = (
        "Hi! Sea kayaking along the coast sounds wonderful. I build alarm triage tools that cut false alarms by half "
        "for wind farm operators."
    )
    assert find_missing_pitch(body, SHARED_WORDS_PITCH, bio=SHARED_WORDS_BIO) == []


def test_key_words_scattered_over_sentences_do_not_make_a_pitch() -> None:
    pitch = "I'm a data engineer moving into climate tech, focused on demand forecasting."
    body = "Your data post was great. The climate panel too. Forecasting is hard. Loved the engineer meetup."
    assert find_missing_pitch(body, pitch) != []


def test_a_body_that_mostly_repeats_the_bio_is_a_violation() -> None:
    body = (
        "Reliability engineer at a wind farm operator, keeping the alarm pipeline honest: a response is logged within "
        "a minute of each alarm. I build alarm triage tools that cut false alarms by half."
    )
    found = find_missing_pitch(body, SHARED_WORDS_PITCH, bio=SHARED_WORDS_BIO)
    assert [violation.message.split(" (")[0] for violation in found] == ["Mostly repeats their bio"]


def test_a_pitch_told_in_the_bios_own_words_still_counts() -> None:
    bio = "Data engineer at a bank. Weekends: bouldering."
    assert find_missing_pitch("Fellow boulderer! I'm a data engineer too, at a startup.", "Data engineer.", bio=bio) == []


# --- length ------------------------------------------------------------------------------------


def _words(count: int) -> str:
    return " ".join(["word"] * count)


def test_a_note_over_its_character_cap_fails_with_the_overflow_as_span() -> None:
    body = "x" * 190 + " and twenty more."
    [violation] = find_length_problems(body, Channel.LINKEDIN_NOTE)
    assert violation.rule is Rule.LENGTH
    assert violation.message == f"Is {len(body)} characters; a LinkedIn connection note allows at most 200."
    assert violation.start == 200
    assert violation.end == len(body)
    assert violation.span == body[200:]


def test_premium_notes_allow_three_hundred_characters() -> None:
    body = "y" * 250
    assert find_length_problems(body, Channel.LINKEDIN_NOTE_PREMIUM) == []
    assert find_length_problems(body, Channel.LINKEDIN_NOTE) != []


@pytest.mark.parametrize(
    ("count", "problem"),
    [(24, "at least 25"), (25, None), (90, None), (91, "at most 90")],
)
def test_linkedin_messages_aim_for_25_to_90_words(count: int, problem: str | None) -> None:
    violations = find_length_problems(_words(count), Channel.LINKEDIN_MESSAGE)
    if problem is None:
        assert violations == []
    else:
        [violation] = violations
        assert problem in violation.message


def test_an_email_needs_a_subject_of_at_most_80_characters() -> None:
    body = _words(40)
    assert find_length_problems(body, Channel.EMAIL, "Fellow Dolomites hiker") == []
    [missing] = find_length_problems(body, Channel.EMAIL, None)
    assert "subject" in missing.message
    [blank] = find_length_problems(body, Channel.EMAIL, "   ")
    assert "subject" in blank.message
    long_subject = "s" * (MAX_SUBJECT_CHARS + 1)
    [too_long] = find_length_problems(body, Channel.EMAIL, long_subject)
    assert too_long.span == long_subject
    assert str(MAX_SUBJECT_CHARS) in too_long.message


def test_email_bodies_have_the_same_word_range_and_character_cap() -> None:
    spec = CHANNEL_SPECS[Channel.EMAIL]
    assert find_length_problems(_words(10), Channel.EMAIL, "Hi") != []
    assert spec.max_chars is not None
    too_long = "z" * (spec.max_chars + 1)
    assert any("characters" in v.message for v in find_length_problems(too_long, Channel.EMAIL, "Hi"))


def test_a_subject_is_ignored_on_channels_without_one() -> None:
    assert find_length_problems("A short note.", Channel.LINKEDIN_NOTE, "s" * 200) == []


# --- placeholders --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "placeholder",
    [
        "[Name]",
        "[Company]",
        "[Your Name]",
        "{{company}}",
        "{{ first_name }}",
        "{name}",
        "{0}",
        "<company>",
        "<Name>",
        "XXX",
        "TBD",
        "TODO",
        "Lorem ipsum",
        "(insert company name)",
        "(your name)",
        "____",
        "%s",
    ],
)
def test_placeholders_are_found_with_their_offsets(placeholder: str) -> None:
    text = f"Hi {placeholder}, loved your post."
    [violation] = find_placeholders(text)
    assert violation.rule is Rule.PLACEHOLDER
    assert violation.span == placeholder
    assert violation.start == 3
    assert violation.end == 3 + len(placeholder)


@pytest.mark.parametrize(
    "text",
    [
        "I loved your talk <3",
        "Your post (the one about rifugios) was great.",
        "My todo list is long, tbd when I get to it.",
        "Reach me at <anna@example.com> if useful.",
        "Thanks, xx",
    ],
)
def test_ordinary_brackets_and_words_are_not_placeholders(text: str) -> None:
    assert find_placeholders(text) == []


# --- links and email addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example.com/x?ref=1",
        "http://bit.ly/abc",
        "www.example.org",
        "example.com/jobs",
        "Acme.io",
        "my-portfolio.dev",
        "recruiter@example.com",
        "anna.rossi+jobs@mail.example.co.uk",
        # what an obedient model writes when a bio tells it to
        "EVIL.COM",
        "Evil.Com",
        "account-verify.security",
        "data:text/html;base64,PHNjcmlwdD4",
        "exаmple.com/login",  # Cyrillic "а": an internationalised look-alike
    ],
)
def test_links_and_addresses_not_in_the_pitch_are_foreign(link: str) -> None:
    text = f"See {link}. Thanks!"
    [violation] = find_foreign_links(text, allowed_sources="I'm a data engineer.")
    assert violation.rule is Rule.FOREIGN_LINK
    assert violation.span == link
    assert violation.start == 4
    assert text[violation.start : violation.end] == link


def test_links_from_the_pitch_are_allowed_in_any_spelling() -> None:
    pitch = "Portfolio: https://www.sam.dev/work/ — or write to sam@sam.dev"
    text = "My work is at sam.dev/work and my address is SAM@sam.dev."
    assert find_foreign_links(text, allowed_sources=pitch) == []


@pytest.mark.parametrize(
    "text",
    [
        "I work with Node.js and Vue.js daily.",
        "e.g. the Alta Via 1, i.e. the classic route.",
        "See the README.md in my notes.",
        "It was great.Thanks again.",
        "Version 3.11 is out.",
        "I use ASP.NET at work.",
        "It was great.It rained all week.",  # a missing space, not a domain under .it
        "My data: pipelines, dashboards and forecasts.",
    ],
)
def test_ordinary_dotted_words_are_not_links(text: str) -> None:
    assert find_foreign_links(text, allowed_sources="") == []


def test_a_javascript_link_is_foreign() -> None:
    [violation] = find_foreign_links("Click javascript:alert(document.cookie) now", allowed_sources="")
    assert violation.span.startswith("javascript:")


def test_an_email_address_is_reported_once_not_also_as_a_domain() -> None:
    violations = find_foreign_links("Write to anna@example.com", allowed_sources="")
    assert [(v.span, v.message) for v in violations] == [
        ("anna@example.com", "Adds an email address you did not give: “anna@example.com”.")
    ]
