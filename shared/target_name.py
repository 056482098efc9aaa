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
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "target_name.toml"
_MAX_NAME_TOKENS = 6
_MAX_HEADING_CHARS = 140
_OPENING_CHARS = 400
_TOKEN = re.compile(r"\S{1,60}")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_HEADING_SEPARATORS = frozenset({"—", "–", "-", "|", "·", "•", ":", "/"})
_TRAILING_PUNCTUATION = ',;:—–|()"“”'


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
    )


def written_in_first_person(text: str) -> bool:
    """More first-person words ("I", "my", "soy", "ich") than third-person ones ("she", "his", "elle")."""
    words = _words()
    head = text[:4_000]
    tokens = [token.casefold() for token in _WORD.findall(head)]
    first = sum(token in words.first_person for token in tokens) + sum(head.count(w) for w in words.first_person_cjk)
    third = sum(token in words.third_person for token in tokens) + sum(head.count(w) for w in words.third_person_cjk)
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
    """What follows a name in an opening sentence: a lower-case word, a comma, or "’s"."""
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


def name_target(bio: str, *, forwarded_from: str | None = None, own_writing: bool = False) -> NamedTarget | None:
    """The person `bio` is about, or None when it does not say. `forwarded_from` is a display name."""
    text = bio.strip()
    lines = text.split("\n", 1)
    first_line = lines[0].strip()
    first_person = written_in_first_person(text)
    if (heading := _heading(first_line, more_lines=len(lines) > 1)) is not None:
        return NamedTarget(heading, "speaker_heading")
    opening = _TOKEN.findall(text[:_OPENING_CHARS])
    if (start := _after_phrase(opening, _words().intro_phrases)) is not None:
        name, _ = _name_at(opening, start)
        if (full := _full_name(name)) is not None:
            return NamedTarget(full, "intro_phrase")
    name, index = _name_at(opening, 0)
    if (full := _full_name(name)) is not None and _ends_name(opening, index) and not first_person:
        return NamedTarget(full, "third_person_opening")
    if (start := _after_phrase(opening, _words().self_introductions)) is not None:
        name, _ = _name_at(opening, start)
        if (full := _full_name(name)) is not None:
            return NamedTarget(full, "self_introduction")
    if own_writing and forwarded_from and (sender := display_name(forwarded_from)):
        return NamedTarget(sender, "forwarded_sender_own_writing")
    return None


def display_name(value: str) -> str | None:
    """A mail display name as a person's name: quotes and addresses dropped, "Doe, Jane" turned round."""
    name = re.sub(r"[<\[(][^>\])]{0,200}[>\])]", " ", value).strip().strip("\"'").strip()
    if "@" in name:
        return None
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        name = f"{first} {last}" if first and last else name
    name = " ".join(name.split())
    return name or None
