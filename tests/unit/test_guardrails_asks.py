"""Ask detection: the corpora, the tricky cases, negation, spans and offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.guardrails import ASK_KINDS, find_asks
from shared.models import Rule

DATA = Path(__file__).resolve().parents[1] / "data"
# The product bar: at least 98% of asks caught, at most 2% of no-ask messages flagged.
MIN_CATCH_RATE = 0.98
MAX_FALSE_POSITIVE_RATE = 0.02


def _corpus(name: str) -> list[str]:
    return [line.strip() for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


ASKS = _corpus("asks.txt")
NO_ASKS = _corpus("no_asks.txt")


def _is_ask(text: str) -> bool:
    return bool(find_asks(text))


# --- corpora -------------------------------------------------------------------------------


def test_corpora_are_large_and_distinct() -> None:
    assert len(ASKS) >= 150
    assert len(NO_ASKS) >= 150
    assert len(set(ASKS)) == len(ASKS), "duplicate lines in asks.txt"
    assert len(set(NO_ASKS)) == len(NO_ASKS), "duplicate lines in no_asks.txt"
    assert not set(ASKS) & set(NO_ASKS)


def test_catch_rate_over_the_ask_corpus() -> None:
    missed = [text for text in ASKS if not _is_ask(text)]
    catch_rate = 1 - len(missed) / len(ASKS)
    assert catch_rate >= MIN_CATCH_RATE, f"caught {catch_rate:.1%}; missed:\n" + "\n".join(missed)


def test_false_positive_rate_over_the_no_ask_corpus() -> None:
    flagged = {text: [v.span for v in find_asks(text)] for text in NO_ASKS if _is_ask(text)}
    rate = len(flagged) / len(NO_ASKS)
    assert rate <= MAX_FALSE_POSITIVE_RATE, f"flagged {rate:.1%}:\n" + "\n".join(f"{t}  <- {s}" for t, s in flagged.items())


def test_every_kind_of_ask_is_exercised_by_the_corpus() -> None:
    kinds_seen = {kind.name for text in ASKS for kind in ASK_KINDS if kind.regex.search(text.replace("’", "'").casefold())}
    assert kinds_seen == {kind.name for kind in ASK_KINDS}


# --- the brief's own examples ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Would you be open to a chat about your work?",
        "If you ever have 10 minutes, I'd love to hear about your path into product.",
        "Any tips would be appreciated.",
        "Could you point me to the right person?",
        "Do you know anyone who works on the payments team?",
        "I'd love to learn from you.",
        "Would love to connect over a call.",
        "Can I send you my CV?",
        "Mind if I pick your brain?",
        "I'd be grateful if you could look at my deck.",
        "Are you hiring?",
        "Is your team hiring?",
        "Let me know.",
        "Looking forward to hearing back.",
        "When are you free?",
        "Hope to hear from you.",
        "Drop me a line.",
        "Ping me.",
        "I'm looking for a referral.",
        "If you hear of any openings, I'm all ears.",
    ],
)
def test_brief_examples_are_asks(text: str) -> None:
    assert _is_ask(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Happy to send the checklist if it's ever useful.",
        "If it helps, I can share my notes.",
        "What was your favourite rifugio?",
        "Have you tried the Haute Route?",
        "I won't ask you for a coffee chat.",
        "No need to reply.",
        "Not asking for anything.",
        "Congratulations on the new role!",
        "Thanks for the talk at PyData; it was excellent.",
        "I'm looking for roles in data engineering.",
        "All the best,",
    ],
)
def test_brief_examples_are_not_asks(text: str) -> None:
    assert find_asks(text) == [], text


# --- question analysis ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Could you send me the job description?",
        "Would you share a few thoughts on my plan?",
        "Can you introduce me to Priya?",
        "Would you review my portfolio?",
        "Could you possibly take a look at my GitHub?",
        "Will you connect me with your recruiter?",
        "Would you be willing to meet for coffee?",
        "Can you spare 15 minutes?",
        "Could you help me with my application?",
        "Would you hop on a call sometime?",
        "Do you have time for a quick chat next week?",
        "Any chance you'd have a few minutes?",
    ],
)
def test_questions_asking_the_recipient_to_act_are_asks(question: str) -> None:
    assert _is_ask(question), question


@pytest.mark.parametrize(
    "question",
    [
        "Which hut did you like best?",
        "How did you get into ultrarunning?",
        "Did you make it to the summit?",
        "Have you done the Alta Via 2 as well?",
        "What's your favourite crag in the Peak District?",
        "Would you say the Alta Via 1 is harder than the 2?",
        "Would you do the Haute Route again?",
        "Can you believe the snow in June?",
        "Can you still camp by the lake?",
        "Will you be racing Chamonix this year?",
        "Do you have a favourite trail snack?",
        "Do you know the Rifugio Nuvolau?",
        "Is the Tour du Mont Blanc busy in September?",
        "How do you find time to train with a full-time job?",
    ],
)
def test_curiosity_questions_about_the_interest_are_not_asks(question: str) -> None:
    assert find_asks(question) == [], question


def test_not_every_question_is_an_ask() -> None:
    curiosity = ["What got you into sailing?", "How was Patagonia?", "Did the new boots help?", "Which route did you take?"]
    assert [q for q in curiosity if _is_ask(q)] == []


# --- negation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I won't ask for a call, a coffee, or an intro.",
        "I won't ask for a call, a coffee, or a referral.",
        "I'm not after a job, a referral, or your time.",
        "I'm not asking for a referral or a job.",
        "No coffee chat needed, honestly.",
        "Rather than ask for a call, I thought I'd just send the paper.",
        "A reply isn't necessary.",
        "Don't feel obliged to write back.",
        "There's no need to get back to me.",
        "I'd never ask you for a referral on a first message.",
        "No pressure to respond.",
    ],
)
def test_negated_mentions_are_not_asks(text: str) -> None:
    assert find_asks(text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        # the negator sits in an earlier clause
        "No pressure, but would you be open to a call?",
        "I'm not looking for a job, just a referral to the right manager.",
        "No need to reply, but let me know if you're free.",
        "I don't want to take much of your time, but a quick intro to your lead would help.",
        # hedges that only look negative
        "I'm not sure if your team is hiring, but I'd love to be considered.",
        "Why don't we grab a coffee next week?",
        "I won't take more than 10 minutes of your time.",
        "I wouldn't say no to a coffee if you're ever in Leeds.",
        "You wouldn't happen to know anyone at Ocado?",
        "I don't suppose you'd have time for a quick chat?",
        "Can't wait to hear what you think of my proposal.",
        "No rush, but keep me posted.",
    ],
)
def test_negation_that_does_not_cancel_the_ask(text: str) -> None:
    assert _is_ask(text), text


# --- decisions documented in shared/guardrails/asks.py ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Feel free to reach out if I can ever return the favour.",
        "Don't hesitate to get in touch if the notes would help.",
        "You're welcome to borrow the route notes any time.",
    ],
)
def test_open_door_lines_are_not_pressure(text: str) -> None:
    assert find_asks(text) == [], text


def test_open_door_does_not_excuse_a_real_ask() -> None:
    assert _is_ask("Feel free to reach out if you hear of any openings.")
    assert _is_ask("Feel free to reach out if you'd like to grab a coffee sometime.")


def test_offer_as_a_statement_passes_but_offer_as_a_question_needs_an_answer() -> None:
    assert find_asks("I'm happy to send the GPX files if they'd be useful.") == []
    [violation] = find_asks("Would you like me to send the GPX files?")
    assert "offer" in violation.message


def test_proposing_a_call_is_an_ask_even_as_an_offer() -> None:
    assert _is_ask("Happy to hop on a call whenever suits you.")


def test_a_plain_connection_wish_is_not_an_ask_but_a_call_is() -> None:
    assert find_asks("I'd love to connect.") == []
    assert _is_ask("I'd love to connect over a call.")


def test_own_search_is_the_pitch_but_tying_it_to_the_recipient_is_an_ask() -> None:
    assert find_asks("I'm currently exploring opportunities in climate tech.") == []
    assert find_asks("I'm looking for my next role in analytics.") == []
    assert _is_ask("If you come across any opportunities in climate tech, send them my way.")
    assert _is_ask("Are there any openings on your team?")


def test_the_senders_own_team_hiring_is_not_an_ask() -> None:
    assert find_asks("My team is hiring too, so I know how busy you must be.") == []
    assert _is_ask("I saw your team is hiring.")


def test_gratitude_for_past_help_is_not_an_ask_but_thanks_in_advance_is() -> None:
    assert find_asks("Thanks for your advice at the meetup, it worked.") == []
    assert find_asks("Thanks for the chat at PyCon last month.") == []
    assert _is_ask("Thanks in advance for any help!")
    assert _is_ask("Thank you for your time and consideration.")


# --- text forms ------------------------------------------------------------------------------


def test_curly_quotes_and_apostrophes_are_handled() -> None:
    assert _is_ask("I’d love to pick your brain.")
    assert _is_ask("“Would you be open to a quick call?”")
    assert find_asks("I won’t ask for a coffee chat.") == []


def test_mixed_case_is_handled() -> None:
    assert _is_ask("ANY ADVICE WOULD BE GREATLY APPRECIATED")
    assert _is_ask("lEt Me KnOw")


def test_an_ask_broken_across_lines_is_caught() -> None:
    text = "Hi Anna,\nLoved your post on the Dolomites.\nWould you be open\nto a quick call?"
    [violation] = find_asks(text)
    assert violation.span == "Would you be open\nto a quick call?"


def test_a_greeting_line_does_not_leak_negation_into_the_next_line() -> None:
    assert _is_ask("No pressure\nWould love a call next week.")


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour Claire, j'ai adoré votre article sur la randonnée dans les Alpes. Je suis ingénieure data.",
        "Hola Marta, me encantó tu charla sobre datos abiertos. Soy analista de datos y también corro maratones.",
        "Hallo Jonas, dein Beitrag über Radfahren im Winter war großartig. Ich bin DevOps-Ingenieur.",
        "Ciao Marco, ho visto che ami le Dolomiti: anch'io ho fatto l'Alta Via 1 l'estate scorsa.",
        "Olá Ana, adorei o seu post sobre surf na Ericeira. Sou engenheira de software.",
        "J'adore mon chat, il s'appelle Biscuit.",
    ],
)
def test_ordinary_text_in_other_languages_is_not_flagged(text: str) -> None:
    assert find_asks(text) == [], text


def test_empty_and_blank_text() -> None:
    assert find_asks("") == []
    assert find_asks(" \n\t ") == []


# --- spans, offsets and explanations ----------------------------------------------------------


def test_each_violation_has_rule_explanation_and_exact_offsets() -> None:
    text = "Hi Anna,\nI’d love to grab a coffee sometime — and any tips would be appreciated! Let me know."
    violations = find_asks(text)
    assert [v.span for v in violations] == ["I’d love to grab a coffee sometime", "any tips would", "Let me know"]
    for violation in violations:
        assert violation.rule is Rule.ASK
        assert violation.start is not None
        assert violation.end is not None
        assert text[violation.start : violation.end] == violation.span
        assert violation.span in violation.message
    assert [v.message.split(":")[0] for v in violations] == [
        "Asks for a meeting, call or coffee",
        "Asks for advice, insight or the recipient's thoughts",
        "Pressures the recipient to reply",
    ]


def test_offsets_index_the_original_text_even_with_curly_quotes_before_the_ask() -> None:
    text = "“Great talk” — that’s what I told my team. Could you send me the slides?"
    [violation] = find_asks(text)
    assert violation.start is not None
    assert violation.end is not None
    assert text[violation.start : violation.end] == violation.span
    assert violation.span.startswith("Could you send")


def test_several_asks_in_one_clause_make_one_violation() -> None:
    [violation] = find_asks("Would you be open to a quick call next week?")
    assert violation.span == "Would you be open to a quick call next week?"


def test_asks_in_separate_sentences_are_reported_separately_and_in_order() -> None:
    text = "Are you hiring? Also, could you introduce me to your CTO? Looking forward to hearing back."
    violations = find_asks(text)
    assert len(violations) == 3
    assert [v.start for v in violations] == sorted(v.start or 0 for v in violations)


def test_the_specific_kind_names_a_merged_violation() -> None:
    [violation] = find_asks("Could you refer me for the role?")
    assert violation.message.startswith("Asks for a referral")


def test_every_kind_has_a_plain_explanation_and_compiles() -> None:
    names = [kind.name for kind in ASK_KINDS]
    assert len(names) == len(set(names))
    for kind in ASK_KINDS:
        assert kind.explanation
        assert kind.explanation[0].islower()
        assert kind.regex.source


def test_long_repetitive_input_is_handled() -> None:
    # Guards against catastrophic backtracking: these would never finish if a pattern nested quantifiers.
    for text in ("you " * 5_000, ", " * 5_000, "a" * 20_000 + "?", "would you " * 2_000, "no " * 5_000 + "call me"):
        find_asks(text)
    assert _is_ask("no " * 2_000 + ". Call me.")


# --- judged as read, not as written ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Would you be open to a quick c\u200ball next week?",  # zero-width space inside a word
        "Cоuld yоu rеfеr mе fоr thе rоlе?",  # Cyrillic look-alike letters
        "Ａｒｅ ｙｏｕ ｈｉｒｉｎｇ？",  # fullwidth letters
        "𝐋𝐞𝐭 𝐦𝐞 𝐤𝐧𝐨𝐰 𝐰𝐡𝐚𝐭 𝐲𝐨𝐮 𝐭𝐡𝐢𝐧𝐤.",  # mathematical bold
        "Can I pick your br\u00adain over cof\u00adfee?",  # soft hyphens
        "Would you be open to a c a l l next week?",  # spaced-out letters
    ],
)
def test_disguised_asks_are_caught_and_reported_on_the_original_text(text: str) -> None:
    violations = find_asks(text)
    assert violations, text
    for violation in violations:
        assert violation.start is not None
        assert violation.end is not None
        assert text[violation.start : violation.end] == violation.span


@pytest.mark.parametrize(
    "text",
    [
        "¿Te parece si hablamos por teléfono el jueves?",
        "On pourrait prendre un café ?",
        "Hätten Sie Zeit für ein kurzes Gespräch?",
        "Podemos marcar uma call?",
        "Ti andrebbe un caffè?",
    ],
)
def test_asks_in_the_other_drafting_languages(text: str) -> None:
    assert _is_ask(text), text


@pytest.mark.parametrize(
    "text",
    [
        "It would be great to hear about your path into design leadership.",
        "Does Thursday work?",
        "Free next week?",
        "Is there someone in your org I could send my portfolio to?",
        "Who should I talk to about the platform team?",
        "Are you hiring?",
        "Does your team sponsor visas?",
        "I'm writing in hopes that you could share how you moved into UX research.",
        "Awaiting your thoughts",
        "☕ next week?",
        "📞 Thursday?",
        "📅 next week?",
    ],
)
def test_indirect_asks_from_the_issue(text: str) -> None:
    assert _is_ask(text), text


def test_a_reply_mentioned_in_passing_is_no_ask_but_one_hoped_for_is() -> None:
    assert find_asks("A response is logged within a minute of each alarm.") == []
    assert find_asks("Your answer on the panel about data contracts was the clearest I've heard.") == []
    assert _is_ask("A quick reply would be much appreciated.")
    assert _is_ask("Your response would mean a lot.")


def test_someone_elses_ask_quoted_in_the_senders_own_words_is_no_ask() -> None:
    assert find_asks('A recruiter once wrote to me "can I pick your brain?" and I still laugh about it.') == []
    assert _is_ask('"Can I pick your brain?"')
    assert _is_ask('I loved the talk. "Can I pick your brain?" is what I wanted to ask, so: can I pick your brain?')
    # Quotation marks alone do not make the sender's own request someone else's words.
    assert _is_ask('Quick one from me: "would you be open to a call next week?"')


def test_the_shaka_emoji_is_no_request_to_call() -> None:
    assert find_asks("Surf at Ericeira was perfect this morning 🤙") == []
    assert _is_ask("📞 me when you land!")
