"""Retelling a bio clause in the second person: "I go bouldering" / "She hikes" -> "you go bouldering" / "you hike".

A clause is retold only when the result reads as a sentence about "you": pronouns of a third party left
over, a clause that does not start with its subject, or text that is not English gives None, and the
caller falls back to something plainer. Verbs agree with "you", including the later verbs of a list
("you hike and bake", never "you hike and bakes").
"""

from __future__ import annotations

import re
from typing import Final

from shared.composer.wording import lower_first, table, variants
from shared.guardrails.accounts import platform_names

_HONORIFICS: Final = frozenset(
    ["dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx", "mx.", "prof", "prof.", "professor", "sir", "dame"]
)
NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*\.?$")

_ADVERB = r"(?:also|always|still|often|now|recently|just|regularly|usually|currently|mostly|sometimes|frequently|[a-z]+ly)"
_PARTICIPLES = r"(?:been|got|gotten|done|had|led|built|run|worked|spent|founded|launched|published|started|written|helped|taught)"
_FIRST_PERSON: Final[list[tuple[re.Pattern[str], str]]] = [
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bI['’]m\b", "you're"),
        (r"\bI am\b", "you are"),
        (r"\bI['’]ve\b", "you've"),
        (r"\bI['’]d\b", "you'd"),
        (r"\bI['’]ll\b", "you'll"),
        (r"\bI was\b", "you were"),
        (r"\bI\b", "you"),
        (r"\b[Mm]y\b", "your"),
        (r"\b[Mm]ine\b", "yours"),
        (r"\b[Mm]yself\b", "yourself"),
        (r"\b[Mm]e\b", "you"),
        (r"\b[Ww]e['’]re\b", "you're"),
        (r"\b[Ww]e['’]ve\b", "you've"),
        (r"\b[Ww]e\b", "you"),
        (r"\b[Oo]ur\b", "your"),
        (r"\b[Oo]urs\b", "yours"),
        (r"\bus\b", "you"),
    )
]
_FIRST_PERSON_CUE = re.compile(r"\bI\b|\bI['’]|\b[Mm]y\b|\b[Ww]e\b|\b[Oo]ur\b")
_IRREGULAR: Final = table("agreement", "irregular")
_AGREEING_VERBS: Final = frozenset(variants("agreement", "verbs")) | frozenset(_IRREGULAR)
# A later verb of the same subject: after "and", "or" or a list comma, maybe with an adverb in between.
_LATER_VERB = re.compile(rf"(?P<lead>(?:\band|\bor|,)\s+(?:{_ADVERB}\s+)?)(?P<verb>[a-z]+)\b")
_LEFTOVER_PRONOUN = re.compile(
    r"(?i)\b(?:I|me|my|mine|myself|we|us|our|ours|she|he|her|hers|his|him|herself|himself|they|them|their|theirs)\b|\bI['’]"
)


def _any_of(words: list[str] | tuple[str, ...] | frozenset[str]) -> str:
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in sorted(words, key=len, reverse=True))


# "find me on insta", "follow us", "my strava": a way to reach them, never retold (data/wording.toml).
_CONTACT_CLAUSE = re.compile(
    rf"(?i)\b(?:{_any_of(variants('contact_clauses', 'verbs'))})\s+(?:me|us)\b"
    rf"|\b(?:{_any_of(variants('contact_clauses', 'before_platform'))})\s+(?:{_any_of(platform_names() - {'x'})})(?![\w])"
)
_SECOND_PERSON = re.compile(r"(?i)\byou(?:r|rs|rself|['’](?:re|ve|d|ll))?\b")
# "you" opens the clause, or follows one short time/place phrase ("in your spare time you ...", "when you're not
# coding, you ..."); anything else before it (a list of nouns, a job title) would not read as a sentence.
_SUBJECT_START = re.compile(
    r"(?i)^(?:(?:in|on|at|when|whenever|outside|every|most|during|after|before|since|over|each|these|this|off|between|away)\b[^,;]{0,60}?,?\s+)?"
    r"you(?:['’](?:re|ve|d|ll))?\b"
)
_ALSO = re.compile(r"\b(you(?:['’](?:re|ve))?) also\b")


def is_verb(word: str) -> bool:
    """True for a verb the retelling knows, in its third-person or base form ("bakes", "bake")."""
    word = word.lower()
    return word in _AGREEING_VERBS or f"{word}s" in _AGREEING_VERBS or f"{word}es" in _AGREEING_VERBS


def base_form(verb: str) -> str:
    """The form a verb takes after "you": "bakes" -> "bake", "has" -> "have", "isn't" -> "aren't"."""
    verb = verb.replace("’", "'")
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith("ies") and len(verb) > 4:
        return verb[:-3] + "y"
    if verb.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return verb[:-2]
    if verb.endswith("s") and not verb.endswith(("ss", "us", "is")):
        return verb[:-1]
    return verb


def _agree_later_verbs(clause: str) -> str:
    """ "you hike and bakes" -> "you hike and bake": the later verbs of a third-person list agree with "you"."""

    def fix(found: re.Match[str]) -> str:
        verb = found.group("verb")
        return found.group("lead") + (base_form(verb) if verb in _AGREEING_VERBS else verb)

    return _LATER_VERB.sub(fix, clause)


class Reteller:
    """Retells clauses of one bio: knows the names the bio uses for its person ("Maria Lopez is ...")."""

    def __init__(self, bio: str, target_name: str | None) -> None:
        self._bio = bio
        names = bio_names(bio, target_name)
        subject = "(?:" + "|".join(re.escape(name) for name in ["she", "he", "She", "He", *names]) + ")"
        self._has_done = re.compile(rf"\b{subject}['’]s(?= {_PARTICIPLES}\b)")
        self._is = re.compile(rf"\b{subject}['’]s(?= (?:a|an|the|{_ADVERB}|[a-z]+ing|based|passionate|into|on|in|at|not)\b)")
        self._possessive = re.compile(rf"\b{subject}['’]s\b")
        self._subject_verb = re.compile(rf"\b{subject}((?: {_ADVERB})?) ([a-z]+n['’]t|[a-z]+)\b")
        self._subject = re.compile(rf"\b{subject}\b")

    def second_person(self, clause: str, *, max_chars: int) -> str | None:
        """`clause` about the bio's person retold as "you ...", or None when that cannot be done cleanly."""
        clause = clause.strip()
        if _SECOND_PERSON.search(clause) or "?" in clause or len(clause) > 2 * max_chars or _CONTACT_CLAUSE.search(clause):
            return None
        if _FIRST_PERSON_CUE.search(clause):
            for pattern, replacement in _FIRST_PERSON:
                clause = pattern.sub(replacement, clause)
        else:
            clause = _agree_later_verbs(self._third_person_to_second(clause))
        # "also" leans on a sentence the reader of the draft never sees.
        clause = _ALSO.sub(r"\1", clause)
        if _LEFTOVER_PRONOUN.search(clause) or not _SUBJECT_START.match(clause) or len(clause) > max_chars:
            return None
        return lower_first(clause, self._bio)

    def _third_person_to_second(self, clause: str) -> str:
        clause = self._has_done.sub("you've", clause)
        clause = self._is.sub("you're", clause)
        clause = self._possessive.sub("your", clause)
        clause = self._subject_verb.sub(lambda found: f"you{found.group(1)} {base_form(found.group(2))}", clause)
        clause = self._subject.sub("you", clause)
        clause = re.sub(r"\b[Hh]er(?= (?:and|to|in|on|at|with|for|from|as|about)\b|[.,;]|$)", "you", clause)
        for pattern, replacement in (
            (r"\b[Hh]er\b", "your"),
            (r"\b[Hh]is\b", "your"),
            (r"\b[Hh]im\b", "you"),
            (r"\b(?:[Hh]er|[Hh]im)self\b", "yourself"),
        ):
            clause = re.sub(pattern, replacement, clause)
        return clause


_BIO_OPENING_NAME = re.compile(
    r"((?:[A-Z][a-z'’-]{1,30} ){0,2}[A-Z][a-z'’-]{1,30}) (?:is|was|has|leads|runs|works|helps|builds|spends|loves)\b"
)


def bio_names(bio: str, target_name: str | None) -> list[str]:
    """Names the bio may use for its person: the given name's parts, or the bio's opening "Maria Lopez is ..."."""
    names = [token for token in (target_name or "").split() if NAME_TOKEN.match(token) and token.casefold() not in _HONORIFICS]
    if len(names) > 1:
        # "Oliver Grant is ..." is one subject, not "Oliver" and "Grant is".
        names.append(" ".join(names))
    opening = _BIO_OPENING_NAME.match(bio[:120])
    if opening:
        names.extend((opening.group(1), *opening.group(1).split()))
    return sorted(set(names), key=len, reverse=True)


def first_name(name: str | None) -> str | None:
    """The name to greet by, or None when the given name is not usable as one (placeholders, links)."""
    if not name:
        return None
    tokens = [token for token in name.split() if token.casefold() not in _HONORIFICS]
    if not tokens or not all(NAME_TOKEN.match(token) for token in tokens):
        return None
    first = tokens[0].rstrip(".")
    return first[:1].upper() + first[1:] if first.islower() else first


def full_name(name: str | None) -> str | None:
    """The sender's name to sign with, or None when it is not a plain name."""
    if not name or not all(NAME_TOKEN.match(token) for token in name.split()):
        return None
    return name
