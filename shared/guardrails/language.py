"""Uncovered languages: the checks read English, Spanish, French, German, Portuguese and Italian only.

A draft in any other language could ask for anything without the ask check seeing it, so a draft (or a
paragraph of one long enough to tell) in another language is a violation that says so plainly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from shared.models import Rule, Violation
from shared.text.language import COVERED_LANGUAGES, detect_language, language_name

# A paragraph is judged on its own only when it is long enough for the identifier to be sure of it.
MIN_PARAGRAPH_WORDS = 6
_PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")
# A sentence in another script needs this many of its letters to count: a name like "李明" is not a sentence.
MIN_OTHER_SCRIPT_LETTERS = 6
# A Latin-script sentence is judged on its own from this many words: one Dutch ask inside an English paragraph.
MIN_SENTENCE_WORDS = 5
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")
_WORD = re.compile(r"[^\W\d_]+")


def find_uncovered_language(text: str) -> list[Violation]:
    """Each long enough paragraph in a language the checks cannot read; else the whole text, if it is in one."""
    paragraphs = [found for found in _PARAGRAPH.finditer(text) if len(_WORD.findall(found.group())) >= MIN_PARAGRAPH_WORDS]
    found = []
    if len(paragraphs) > 1:
        for paragraph in paragraphs:
            language = detect_language(paragraph.group())
            if language is not None and language not in COVERED_LANGUAGES:
                found.append(_violation(language, text, paragraph.start(), paragraph.end(), whole=False))
    if not found:
        language = detect_language(text)
        if language is not None and language not in COVERED_LANGUAGES:
            found.append(_violation(language, text, 0, len(text), whole=True))
    if not found:
        found = list(_uncovered_sentences(text))
    return found


def _uncovered_sentences(text: str) -> Iterator[Violation]:
    """Sentences in a language the checks cannot read, inside a text that as a whole reads as a covered one."""
    for sentence in _SENTENCE.finditer(text):
        if len(_WORD.findall(sentence.group())) >= MIN_SENTENCE_WORDS:
            language = detect_language(sentence.group())
            if language is not None and language not in COVERED_LANGUAGES:
                yield _violation(language, text, sentence.start(), sentence.end(), whole=False, part="sentence")
                continue
        if not sentence.group().isascii():
            yield from _other_script_sentence(sentence)


def _other_script_sentence(sentence: re.Match[str]) -> Iterator[Violation]:
    """A sentence written mostly in a script other than Latin: every covered language is written in Latin letters,
    so "Давай созвонимся?" in an English draft is in a language the checks cannot read, however short."""
    # Judged as NFKC reads each letter: fullwidth and mathematical letters are Latin ones. (Letter by letter: NFKC of
    # a whole sentence takes time quadratic in a run of combining marks.)
    letters = [unicodedata.normalize("NFKC", char)[:1] for char in sentence.group() if char.isalpha()]
    other = [char for char in letters if not char.isascii() and not unicodedata.name(char, "").startswith("LATIN")]
    if len(other) >= MIN_OTHER_SCRIPT_LETTERS and len(other) * 2 >= len(letters):
        yield Violation(
            rule=Rule.UNCOVERED_LANGUAGE,
            message=(
                "Has a sentence in a script these checks do not read (they read English, Spanish, French, German, "
                "Portuguese and Italian), so they cannot tell whether it asks for anything."
            ),
            span=sentence.group(),
            start=sentence.start(),
            end=sentence.end(),
        )


def _violation(language: str, text: str, start: int, end: int, *, whole: bool, part: str = "paragraph") -> Violation:
    where = "Is written" if whole else f"Has a {part} written"
    return Violation(
        rule=Rule.UNCOVERED_LANGUAGE,
        message=(
            f"{where} in {language_name(language)}, a language these checks do not cover (they read English, Spanish, "
            "French, German, Portuguese and Italian), so they cannot tell whether it asks for anything."
        ),
        span=text[start:end],
        start=start,
        end=end,
    )
