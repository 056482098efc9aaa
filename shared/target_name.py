"""The person a bio is about, named from the bio itself, and which rule named them.

Rules, first match wins:
- `speaker_heading`: the first line is a name on its own or a name before a title ("Ana Ruiz — Head of Research, Acme");
- `intro_phrase`: "Meet Ana Ruiz, …", "Te presento a Lucía Fernández, …";
- `third_person_opening`: the bio opens with a name followed by what is said of them ("Ines Duarte runs …",
  "Dr. Kwame Mensah is …", "Sofia Marchetti, a staff engineer …"), in a bio not written in the first person;
- `self_introduction`: "Hi, I'm Priya Raman, …";
- `forwarded_sender_own_writing`: no name in the bio, but the forwarded message is its author's own writing
  (first person), so its sender is the person.

Words (honorifics, particles, intro phrases, pronouns, capitalised words that are never names) are data in
shared/data/target_name.toml, with the examples that prove the rules. Only the first line and first
sentence are read, token by token, so the cost is bounded whatever the bio's length.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from shared.email.salutations import after_greeting

_DATA = Path(__file__).resolve().parent / "data" / "target_name.toml"
_MAX_NAME_TOKENS = 6
_MAX_HEADING_CHARS = 140
_OPENING_CHARS = 400
_TOKEN = re.compile(r"\S{1,60}")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_HEADING_SEPARATORS = frozenset({"—", "–", "-", "|", "·", "•", ":", "/"})
_TRAILING_PUNCTUATION = ',;:—–|()"“”'
_MAX_LEAD_IN_CHARS = 200
# "佐藤 花子（さとう はなこ）": family and given name in CJK script, with a space or a reading in brackets.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_CJK_HEADING = re.compile(rf"^([{_CJK}]{{1,5}}([ \u3000])?[{_CJK}]{{1,5}})[ \u3000]?([（(][^）)\n]{{1,40}}[）)])?$")
_SENTENCE_START = re.compile(r"(?<=[.!?])[ \t\n]+")


# Each rule, said for someone reading why the draft greets this person.
RULE_EXPLANATIONS = {
    "speaker_heading": "the bio's first line is a name heading (a speaker blurb)",
    "intro_phrase": 'the bio introduces the person by name ("Meet …")',
    "third_person_opening": "the bio opens with the person's name, written in the third person",
    "self_introduction": 'the person names themself ("I\'m …")',
    "lead_in": 'the forwarder says who the bio is about ("here\'s a little about …:")',
    "forwarded_sender_own_writing": "no name in the bio; the forwarded message is its sender's own writing",
}


def explain_rule(rule: str | None) -> str:
    return RULE_EXPLANATIONS.get(rule or "", rule or "no rule")


@dataclass(frozen=True)
class NamedTarget:
    name: str
    rule: str


@dataclass(frozen=True)
class _Words:
    honorifics: frozenset[str]
    particles: frozenset[str]
    intro_phrases: tuple[tuple[str, ...], ...]
    self_introductions: tuple[tuple[str, ...], ...]
    not_names: frozenset[str]
    third_person: frozenset[str]
    first_person: frozenset[str]
    third_person_cjk: tuple[str, ...]
    first_person_cjk: tuple[str, ...]
    about_words: frozenset[str]
    opening_verbs: frozenset[str]
    not_after_name: frozenset[str]
    not_names_cjk: frozenset[str]


@cache
def _words() -> _Words:
    data = tomllib.loads(_DATA.read_text(encoding="utf-8"))

    def phrases(key: str) -> tuple[tuple[str, ...], ...]:
        # Longest first, so "say hello to" is tried before "say".
        return tuple(sorted((tuple(p.casefold().split()) for p in data[key]), key=len, reverse=True))

    return _Words(
        honorifics=frozenset(w.casefold() for w in data["honorifics"]),
        particles=frozenset(w.casefold() for w in data["particles"]),
        intro_phrases=phrases("intro_phrases"),
        self_introductions=phrases("self_introductions"),
        not_names=frozenset(w.casefold() for w in data["not_names"]),
        third_person=frozenset(w.casefold() for w in data["third_person"]),
        first_person=frozenset(w.casefold() for w in data["first_person"]),
        third_person_cjk=tuple(data["third_person_cjk"]),
        first_person_cjk=tuple(data["first_person_cjk"]),
        about_words=frozenset(w.casefold() for w in data["about_words"]),
        opening_verbs=frozenset(w.casefold() for w in data["opening_verbs"]),
        not_after_name=frozenset(w.casefold() for w in data["not_after_name"]),
        not_names_cjk=frozenset(data["not_names_cjk"]),
    )


# The use case, the voice and the reteller each ask whose voice the same bio is in: counted once per bio.
@lru_cache(maxsize=64)
def _pronoun_counts(text: str) -> tuple[int, int]:
    words = _words()
    head = text[:4_000]
    tokens = [token.casefold() for token in _WORD.findall(head)]
    first = sum(token in words.first_person for token in tokens) + sum(head.count(w) for w in words.first_person_cjk)
    third = sum(token in words.third_person for token in tokens) + sum(head.count(w) for w in words.third_person_cjk)
    return first, third


def _says_he_she_or_they(text: str) -> bool:
    return _pronoun_counts(text)[1] > 0


def written_in_first_person(text: str) -> bool:
    """More first-person words ("I", "my", "soy", "ich") than third-person ones ("she", "his", "elle")."""
    first, third = _pronoun_counts(text)
    return first > third


def _clean(token: str) -> str:
    return token.strip(_TRAILING_PUNCTUATION)


def _is_name_word(token: str) -> bool:
    word = _clean(token)
    if not word or not word[0].isupper() or word.casefold() in _words().not_names:
        return False
    # Letters with inner hyphens or apostrophes ("Jean-Luc", "O'Neil"); no digits, no trailing full stop.
    return all(part.isalpha() for part in re.split(r"['’\-]", word)) and not token.rstrip(_TRAILING_PUNCTUATION).endswith(".")


def _name_at(tokens: list[str], start: int) -> tuple[list[str], int]:
    """The name words starting at `start` (honorifics skipped) and the index after them."""
    words = _words()
    index = start
    while index < len(tokens) and tokens[index].casefold() in words.honorifics:
        index += 1
    name: list[str] = []
    while index < len(tokens) and len(name) < _MAX_NAME_TOKENS:
        token = tokens[index]
        if _is_name_word(token):
            name.append(_clean(token))
            index += 1
            if token != _clean(token):  # "Ruiz," or "Mensah:" ends the name
                break
        elif token.casefold() in words.particles and name:
            after = index
            while after < len(tokens) and after - index < 3 and tokens[after].casefold() in words.particles:
                after += 1
            if after >= len(tokens) or not _is_name_word(tokens[after]):
                break
            name.extend(tokens[index:after])  # "de la" in "García de la Cruz"
            index = after
        else:
            break
    return name, index


def _ends_name(tokens: list[str], index: int) -> bool:
    """What follows a name in an opening sentence: a lower-case word, a comma, or "’s" (not "based")."""
    if index < len(tokens) and _clean(tokens[index]).casefold() in _words().not_after_name:
        return False
    previous = tokens[index - 1]
    if previous.endswith((",", "’s", "'s")) or previous != _clean(previous):
        return True
    return index < len(tokens) and (tokens[index][0].islower() or tokens[index][0] in "(")


def _after_phrase(tokens: list[str], phrases: tuple[tuple[str, ...], ...]) -> int | None:
    folded = [_clean(token).casefold() for token in tokens]
    for phrase in phrases:
        for start in range(min(3, len(tokens))):  # "Hi, I'm …", "Please meet …"
            if tuple(folded[start : start + len(phrase)]) == phrase:
                return start + len(phrase)
    return None


def _full_name(name: list[str]) -> str | None:
    capitalised = [word for word in name if word[0].isupper()]
    return " ".join(name) if len(capitalised) >= 2 else None


def _heading(first_line: str, *, more_lines: bool) -> str | None:
    """A name alone on the first line (with more below), or a name and then a title after a separator."""
    if len(first_line) > _MAX_HEADING_CHARS:
        return None
    cjk = _CJK_HEADING.match(first_line)
    if cjk and more_lines and (cjk.group(2) or cjk.group(3)) and cjk.group(1) not in _words().not_names_cjk:
        return cjk.group(1)
    tokens = _TOKEN.findall(first_line)
    name, index = _name_at(tokens, 0)
    full = _full_name(name)
    if full is None:
        return None
    rest = tokens[index:]
    # "Ana Ruiz, Head of Research" is a heading; "Sofia Marchetti, a staff engineer …, spends …." is a sentence.
    ended_by_punctuation = tokens[index - 1] != _clean(tokens[index - 1]) and not first_line.endswith((".", "!", "?"))
    if (not rest and more_lines) or (rest and (ended_by_punctuation or rest[0] in _HEADING_SEPARATORS)):
        return full
    return None


def _opening_rules(text: str, *, first_person: bool, pronouns: bool, after_lead_in: bool) -> NamedTarget | None:
    lines = text.split("\n", 1)
    if (heading := _heading(lines[0].strip(), more_lines=len(lines) > 1)) is not None:
        return NamedTarget(heading, "speaker_heading")
    opening = _TOKEN.findall(text[:_OPENING_CHARS])
    if (start := _after_phrase(opening, _words().intro_phrases)) is not None:
        name, _ = _name_at(opening, start)
        if (full := _full_name(name)) is not None:
            return NamedTarget(full, "intro_phrase")
    name, index = _name_at(opening, 0)
    # A first name alone ("Rahul runs …") counts only right after a forwarder's lead-in, in a bio that says "he",
    # "she" or "they" ("Forwarding this …" opens a sentence, not a bio).
    alone = after_lead_in and pronouns
    if name and not first_person and _ends_name(opening, index) and (len(name) >= 2 or alone):
        return NamedTarget(_full_name(name) or name[0], "third_person_opening")
    if (start := _after_phrase(opening, _words().self_introductions)) is not None:
        name, _ = _name_at(opening, start)
        if (full := _full_name(name)) is not None:
            return NamedTarget(full, "self_introduction")
    return None


def _later_opening(text: str, *, pronouns: bool) -> NamedTarget | None:
    """ "Hey Jordan, intro as discussed. Maya Chen leads …": a full name opening the second or third sentence,
    in a bio that says "she"/"he"/"they" or right before a verb bios open with ("is", "leads", "es", "ist")."""
    for sentence in _SENTENCE_START.split(text[:_OPENING_CHARS])[1:3]:
        tokens = _TOKEN.findall(sentence)
        name, index = _name_at(tokens, 0)
        verb = index < len(tokens) and tokens[index].casefold() in _words().opening_verbs
        if (full := _full_name(name)) is not None and _ends_name(tokens, index) and (pronouns or verb):
            return NamedTarget(full, "third_person_opening")
    return None


def _lead_in(text: str) -> tuple[str | None, str]:
    """A forwarder's lead-in ending in ":" on the first line ("here's a little about Ines:", "Speaker bio:"):
    (the name it gives after "about"/"sobre"/"über", if any; the text after it)."""
    first_line = text.split("\n", 1)[0]
    colon = first_line.find(":")
    if colon <= 0 or colon > _MAX_LEAD_IN_CHARS:
        return None, text
    head = _TOKEN.findall(first_line[:colon])
    rest = text[colon + 1 :].lstrip().lstrip("'\"‘“«")
    name: list[str] = []
    index = len(head)
    while index > 0 and len(name) < 3 and _is_name_word(head[index - 1]):
        index -= 1
        name.insert(0, _clean(head[index]))
    about = index > 0 and head[index - 1].casefold() in _words().about_words
    return (" ".join(name) if name and about else None), rest


def name_target(bio: str, *, forwarded_from: str | None = None, own_writing: bool = False) -> NamedTarget | None:
    """The person `bio` is about, or None when it does not say. `forwarded_from` is a display name."""
    text = bio.strip()[: 4 * _OPENING_CHARS]
    text = (after_greeting(text) or text).strip()
    lead_in_name, after = _lead_in(text)
    for candidate, after_lead_in in ((text, False), (after.strip(), True)):
        first_person = written_in_first_person(candidate)
        pronouns = _says_he_she_or_they(candidate)
        found = _opening_rules(candidate, first_person=first_person, pronouns=pronouns, after_lead_in=after_lead_in) or (
            None if first_person else _later_opening(candidate, pronouns=pronouns)
        )
        if found is not None:
            return found
        if after_lead_in and lead_in_name is not None:
            return NamedTarget(lead_in_name, "lead_in")
    if own_writing and forwarded_from and (sender := display_name(forwarded_from)):
        return NamedTarget(sender, "forwarded_sender_own_writing")
    return None


def display_name(value: str) -> str | None:
    """A mail display name as a person's name: quotes and addresses dropped, "Doe, Jane" turned round."""
    name = re.sub(r"[<\[(][^>\])]{0,200}[>\])]", " ", value).replace("*", " ").strip().strip("\"'“”").strip()
    if "@" in name:
        return None
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        name = f"{first} {last}" if first and last else name
    name = " ".join(name.split())
    return name or None
