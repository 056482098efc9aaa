"""What a bio with no pursuit to open with says its person does: "you speak about building inclusive on-call rotations".

Two readings, in the bio's order: a cue from data/specifics.toml ("speaks about", "specialising in") and what follows
it to the end of its clause; or a sentence that plainly says what they do ("I help founders ..."), retold. A job
title or employer is never restated at its holder: no specific found means the draft opens with a plain hello.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from importlib.resources import files
from typing import Any, Final

from shared.composer.retell import Reteller
from shared.composer.wording import variants
from shared.interests import topics_in
from shared.text import word_count

# A sentence naming a role ("Senior tax manager at ...", "you're a principal engineer") tells a job, not a person.
ROLE_WORDS = re.compile(
    r"(?i)\b(?:engineer|manager|designer|developer|founder|co-founder|director|head|lead|pm|scientist|analyst|consultant|researcher|writer|editor"
    r"|teacher|professor|lecturer|nurse|doctor|physician|lawyer|attorney|marketer|architect|officer|ceo|cto|cfo|coo|vp|president|partner|owner|strategist"
    r"|specialist|advisor|adviser|coach|producer|journalist|economist|accountant|recruiter|student)\b"
)


def _load() -> dict[str, Any]:
    with files("shared.composer").joinpath("data/specifics.toml").open("rb") as handle:
        return tomllib.load(handle)


_DATA: Final = _load()
_CUES: Final[dict[str, str]] = {str(cue).lower(): str(clause) for cue, clause in _DATA["cues"].items()}
_CUE = re.compile(r"(?i)\b(" + "|".join(re.escape(cue) for cue in sorted(_CUES, key=len, reverse=True)) + r")\s+")
# What the cue is about runs to the end of its clause; "where" and "while" start another.
_TOPIC_END = re.compile(r"\s*(?:[,;:.!?|()\[\]]|\s[—–-]\s|—|\s(?:where|while|which|and then)\s)")
_MAX_TOPIC_WORDS: Final = int(_DATA["limits"]["max_topic_words"])
_MIN_TOPIC_WORDS: Final = int(_DATA["limits"]["min_topic_words"])
# Words in a topic that would need retelling ("her team"), or that date it ("since 2014"): not retold.
_PRONOUN = re.compile(r"(?i)\b(?:I|me|my|we|us|our|she|he|her|his|him|they|them|their)\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NOT_INTERESTS: Final = frozenset(variants("hooks", "not_interests"))
_STRONG_BREAK = re.compile(r"\s*(?:[;:()|]|\s[—–-]\s|—)\s*")
# Sentences that lean on the one before ("Before that I ...") make no sense on their own.
_ANAPHORA = re.compile(r"(?i)^(?:before|after|since|prior to|besides|beyond|apart from) (?:that|this|then|which)\b")
# "you're a policy analyst", "you are CFO of ...", "you lead the data team at Initech": a job told back.
_JOB_TOLD = re.compile(r"(?i)^you(?:['’]re| are| were|['’]ve been| have been)\s|\b(?:at|for|with) [A-Z]\w")
_MAX_SENTENCE_CHARS = 400
_SENTENCES_READ = 12


def cue_clause(text: str, max_chars: int) -> str | None:
    """ "... and speaks about building inclusive on-call rotations." -> "you speak about building inclusive on-call
    rotations": the first cue in `text` with what it is about, or None."""
    for found in _CUE.finditer(text):
        rest = text[found.end() :]
        end = _TOPIC_END.search(rest)
        topic = rest[: end.start() if end else len(rest)].strip()
        words = word_count(topic)
        # One word is enough when it is a name: a named event or project ("Speaker at KubeCon").
        long_enough = _MIN_TOPIC_WORDS <= words <= _MAX_TOPIC_WORDS or (words == 1 and topic[:1].isupper())
        if long_enough and not _unfit_topic(topic):
            clause = _CUES[found.group(1).lower()].format(t=topic)
            if len(clause) <= max_chars:
                return clause
    return None


def _unfit_topic(topic: str) -> bool:
    """A topic that would need retelling, dates a career, names a job or a work topic, or shouts."""
    shouted = topic.isupper() and word_count(topic) > 1
    work = topics_in(topic) & _NOT_INTERESTS or _NOT_INTERESTS.intersection(re.findall(r"[a-z]+", topic.lower()))
    return shouted or bool(work or _PRONOUN.search(topic) or _YEAR.search(topic) or ROLE_WORDS.search(topic))


def what_they_do(
    bio: str,
    sentences: Sequence[tuple[int, int]],
    quotable: Callable[[int, int], bool],
    reteller: Reteller,
    max_chars: int,
) -> str | None:
    """Something specific the bio says its person does or cares about, told to "you"; never their job title."""
    for start, end in sentences[:_SENTENCES_READ]:
        text = bio[start:end]
        if end - start > _MAX_SENTENCE_CHARS or _ANAPHORA.match(text) or not quotable(start, end):
            continue
        cued = cue_clause(text, max_chars)
        if cued is not None:
            return cued
        if _YEAR.search(text) or topics_in(text) & _NOT_INTERESTS:
            continue
        retold = reteller.second_person(_STRONG_BREAK.split(text)[0], max_chars=max_chars)
        if retold is not None and word_count(retold) >= 4 and not (_JOB_TOLD.search(retold) or ROLE_WORDS.search(retold)):
            return retold
    return None
