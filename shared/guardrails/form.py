"""Form rules: the pitch is there, the length fits the channel, nothing is left unfilled, no foreign links.

Pitch presence is measured on content-word stems: the draft must carry a share of the
pitch's key words, scaled so a 200-character note that compresses a long pitch into
"I'm a data engineer moving into climate tech" still passes, while a draft that only
shares a word or two by chance does not.

Links and email addresses are allowed only when the user's pitch carries them. The bio is
the recipient's text and untrusted: a bio that says "add http://…" must not get its link
into the draft.
"""

from __future__ import annotations

import math
import re

# Links and contacts have a module of their own; the form rules' name for the check stays here too.
from shared.guardrails.links import find_foreign_links as find_foreign_links
from shared.models import CHANNEL_SPECS, Channel, Rule, Violation
from shared.text import word_count, words

# --- pitch -------------------------------------------------------------------------------
_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below between both but
    by can could did do does doing down during each few for from further had has have having he her here hers herself him
    himself his how i i'd i'll i'm i've if in into is it it's its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where which while who whom why
    will with would you your yours yourself yourselves
    currently really now years year experience work working worked job jobs role roles looking seeking passionate
    based focused love loves someone people things thing new next lot lots well way ways
    one two three four five six seven eight nine ten twelve fifteen twenty""".split()  # noqa: SIM905 (a word list reads best as words)
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "ed", "ies", "es", "s", "ly")
_STEM_LENGTH = 5


def find_missing_pitch(text: str, pitch: str, *, bio: str | None = None) -> list[Violation]:
    """The pitch must be given by one sentence carrying enough of its key words, one of them at least its own (not
    a word the bio also uses: a body that repeats a line of the bio carries those without a word of the pitch), and
    the body must not mostly repeat the bio."""
    pitch_stems = _content_stems(pitch)
    if not pitch_stems:
        return []
    distinctive = pitch_stems - (_content_stems(bio) if bio else set())
    needed = _needed(len(pitch_stems))
    carried = _carried(text, pitch_stems, distinctive)
    violations = []
    if len(carried) < needed:
        missing = [word for word in _content_words(pitch) if _stem(word) in (distinctive or pitch_stems) - carried][:3]
        examples = ", ".join(f"“{word}”" for word in missing)
        violations.append(
            Violation(
                rule=Rule.MISSING_PITCH,
                message=(
                    f"Does not give your pitch: no sentence carries more than {len(carried)} of its key words where {needed}"
                    f" are needed{f' (missing, e.g., {examples})' if examples else ''}."
                ),
            )
        )
    if bio and (share := _share_repeating(text, bio)) >= MAX_BIO_SHARE:
        violations.append(
            Violation(
                rule=Rule.MISSING_PITCH,
                message=f"Mostly repeats their bio ({share:.0%} of its words) instead of giving your pitch in your own words.",
            )
        )
    return violations


def gives(text: str, source: str, *, besides: str) -> bool:
    """Whether one sentence of `text` carries enough of `source`'s key words, one of them at least not a word of
    `besides` (an offer given, not merely the pitch it shares words with): the pitch check's measure."""
    stems = _content_stems(source)
    if not stems:
        return True
    return len(_carried(text, stems, stems - _content_stems(besides))) >= _needed(len(stems))


def _carried(text: str, stems: set[str], distinctive: set[str]) -> set[str]:
    """The most of `stems` one sentence of `text` carries, counting only a sentence with a distinctive one (when any)."""
    carried: set[str] = set()
    for sentence in _SENTENCE_BREAK.split(text):
        here = stems & _content_stems(sentence)
        # Words shared with the bio help a sentence give the pitch, but cannot give it alone.
        if (here & distinctive or not distinctive) and len(here) > len(carried):
            carried = here
    return carried


# A body with at least this share of its words in runs copied from the bio mostly repeats the bio.
MAX_BIO_SHARE = 0.5
_BIO_RUN = 4
_MIN_WORDS_FOR_SHARE = 10
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")


def _share_repeating(text: str, bio: str) -> float:
    """The share of `text`'s words that lie in a run of four or more words copied from `bio`."""
    body = [word.casefold() for word in words(text)]
    if len(body) < _MIN_WORDS_FOR_SHARE:
        return 0.0
    source = [word.casefold() for word in words(bio)]
    runs = {tuple(source[index : index + _BIO_RUN]) for index in range(len(source) - _BIO_RUN + 1)}
    copied = [False] * len(body)
    for index in range(len(body) - _BIO_RUN + 1):
        if tuple(body[index : index + _BIO_RUN]) in runs:
            copied[index : index + _BIO_RUN] = [True] * _BIO_RUN
    return sum(copied) / len(body)


def _needed(key_words: int) -> int:
    # A quarter of the key words, at least 2 and at most 4: a short note compresses a long pitch.
    return min(key_words, max(2, min(4, math.ceil(key_words / 4))))


def _content_words(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for word in words(text):
        lowered = word.lower().replace("’", "'")
        if len(lowered) >= 3 and lowered not in _STOPWORDS and not lowered.isdigit():
            seen.setdefault(lowered)
    return list(seen)


def _content_stems(text: str) -> set[str]:
    return {_stem(word) for word in _content_words(text)}


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:_STEM_LENGTH]


# --- length --------------------------------------------------------------------------------
MAX_SUBJECT_CHARS = 80


def find_length_problems(text: str, channel: Channel, subject: str | None = None) -> list[Violation]:
    spec = CHANNEL_SPECS[channel]
    violations = []
    if spec.max_chars is not None and len(text) > spec.max_chars:
        violations.append(
            Violation(
                rule=Rule.LENGTH,
                message=f"Is {len(text)} characters; a {spec.label} allows at most {spec.max_chars}.",
                span=text[spec.max_chars :],
                start=spec.max_chars,
                end=len(text),
            )
        )
    count = word_count(text)
    if spec.min_words is not None and count < spec.min_words:
        violations.append(
            Violation(rule=Rule.LENGTH, message=f"Is {count} words; a {spec.label} should have at least {spec.min_words}.")
        )
    if spec.max_words is not None and count > spec.max_words:
        violations.append(
            Violation(rule=Rule.LENGTH, message=f"Is {count} words; a {spec.label} should have at most {spec.max_words}.")
        )
    if spec.has_subject:
        if subject is None or not subject.strip():
            violations.append(Violation(rule=Rule.LENGTH, message=f"An {spec.label.lower()} needs a subject line."))
        elif len(subject) > MAX_SUBJECT_CHARS:
            violations.append(
                Violation(
                    rule=Rule.LENGTH,
                    message=f"The subject is {len(subject)} characters; keep it to {MAX_SUBJECT_CHARS}.",
                    span=subject,
                )
            )
    return violations


# --- placeholders --------------------------------------------------------------------------
_PLACEHOLDERS = re.compile(
    r"\{\{[^{}\n]{0,60}\}\}"  # {{company}}
    r"|\{[^{}\n]{0,40}\}"  # {name}, {0}, {}
    r"|\[\s*[^\W\d_][^\[\]\n]{0,40}\]"  # [Name], [Your Company]
    r"|<[^\W\d_][\w .'-]{0,40}>"  # <company>, <Name>
    r"|%\(\w+\)s|%s\b"  # printf leftovers
    r"|\b[Xx]{3,}\b|_{3,}"  # XXX, ____
    r"|\bTB[DC]\b|\bTODO\b"
    r"|\blorem\s+ipsum\b"
    r"|\((?:insert|add)\s[^()\n]{0,40}\)|\(your (?:name|company|title|role|position|job title|email|phone|website|link)\)",
    re.IGNORECASE,
)


def find_placeholders(text: str) -> list[Violation]:
    return [
        Violation(
            rule=Rule.PLACEHOLDER,
            message=f"Has an unfilled placeholder: “{hit.group()}”.",
            span=hit.group(),
            start=hit.start(),
            end=hit.end(),
        )
        for hit in _PLACEHOLDERS.finditer(text)
        if not _is_case_sensitive_miss(hit.group())
    ]


def _is_case_sensitive_miss(found: str) -> bool:
    # TBD/TBC/TODO only as written in capitals: "todo" and "tbd" in prose are rare but not placeholders.
    return found.lower() in {"tbd", "tbc", "todo"} and not found.isupper()
