"""Pure measures of a draft's quality, used by the eval report (tests/eval/__main__.py).

Each function reads a draft as a person would and knows nothing of how the product wrote it: the hobby words
and agreement verbs are the eval's own data, not the product's lexicon.
"""

from __future__ import annotations

import re
import statistics
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent
CORPUS_DIR = EVAL_DIR / "corpus"
HOBBY_WORDS_PATH = EVAL_DIR / "hobby_words.toml"
AGREEMENT_VERBS_PATH = EVAL_DIR / "agreement_verbs.txt"


@dataclass(frozen=True)
class Entry:
    """One corpus bio with what a human reads in it."""

    id: str
    kind: str
    bio: str
    pitch: str
    hobbies: tuple[str, ...]
    target_name: str | None = None
    sender_name: str | None = None
    sender_interests: str | None = None
    overlap: tuple[str, ...] = ()
    offer: str | None = None


def load_corpus(directory: Path = CORPUS_DIR) -> list[Entry]:
    """Every `[[bio]]` of every TOML file in the corpus directory; the file's stem is the entry's kind."""
    entries = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as file:
            for raw in tomllib.load(file)["bio"]:
                entries.append(
                    Entry(
                        id=raw["id"],
                        kind=path.stem,
                        bio=raw["bio"],
                        pitch=raw["pitch"],
                        hobbies=tuple(raw["hobbies"]),
                        target_name=raw.get("target_name"),
                        sender_name=raw.get("sender_name"),
                        sender_interests=raw.get("sender_interests"),
                        overlap=tuple(raw.get("overlap", ())),
                        offer=raw.get("offer"),
                    )
                )
    return entries


@cache
def load_hobby_words(path: Path = HOBBY_WORDS_PATH) -> dict[str, tuple[str, ...]]:
    with path.open("rb") as file:
        return {name: tuple(fold(word) for word in words) for name, words in tomllib.load(file)["hobbies"].items()}


def fold(text: str) -> str:
    """Casefolded, accents dropped, typographic apostrophes made plain: how the eval compares words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).replace("’", "'")


# A hobby word matches as a whole word with a plain inflection ("dive" → dives, diver), or as a word beginning
# when written with a trailing "*" ("bak*" → baking, baker); "dive" must not match "diverse".
_INFLECTIONS = r"(?:s|es|d|ed|ing|r|rs|er|ers)?"


def _hobby_pattern(word: str) -> str:
    if word.endswith("*"):
        return rf"(?<!\w){re.escape(word[:-1])}"
    return rf"(?<!\w){re.escape(word)}{_INFLECTIONS}(?!\w)"


def names_hobby(text: str, hobby: str, words: Mapping[str, Sequence[str]]) -> bool:
    """Whether `text` names `hobby` by one of its words (e.g. "bak*" for bread baking)."""
    folded = fold(text)
    return any(re.search(_hobby_pattern(word), folded) for word in words[hobby])


def names_any(text: str, hobbies: Iterable[str], words: Mapping[str, Sequence[str]]) -> bool:
    return any(names_hobby(text, hobby, words) for hobby in hobbies)


# --- the opening -------------------------------------------------------------------------------

_ABBREVIATION_DOT = re.compile(r"\b(Dr|Mr|Mrs|Ms|Mx|Prof|St|Jr|Sr|vs|e\.g|i\.e)\.", re.IGNORECASE)
_GREETING = re.compile(
    r"^\s*(?:hi|hey|hello|hiya|dear|greetings|good (?:morning|afternoon|evening)|hola|bonjour|salut|hallo|"
    r"guten tag|ciao|buongiorno|ola|oi|buenos dias|hoi)\b[^,!.\n—–:;]{0,40}(?:[,!.\n—–:]|$)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
_WORD = re.compile(r"[\w'’-]+")


def opener(body: str) -> str:
    """The draft's first sentence after the greeting ("Hi Dana,"): what the reader meets first."""
    text = _ABBREVIATION_DOT.sub(lambda match: match.group(1), body.strip())
    greeting = _GREETING.match(fold(text))
    if greeting:
        text = text[greeting.end() :]
    start = 0
    for end in [match.end() for match in _SENTENCE_END.finditer(text)] + [len(text)]:
        sentence = text[start:end].strip()
        if _WORD.search(sentence):
            return sentence
        start = end
    return ""


def opening_words(body: str, count: int = 4) -> str:
    """The first `count` words of the opener, folded: drafts that start the same way share this."""
    return " ".join(_WORD.findall(fold(opener(body)))[:count])


def most_common_opening(bodies: Sequence[str], count: int = 4) -> tuple[str, float]:
    """The most frequent `count`-word opening and the share of drafts that start with it."""
    if not bodies:
        return "", 0.0
    counts = Counter(opening_words(body, count) for body in bodies)
    opening, times = counts.most_common(1)[0]
    return opening, times / len(bodies)


# --- claims of sharing -------------------------------------------------------------------------

_SHARING_CLAIMS = re.compile(
    r"\bfellow\b"
    r"|\btoo\s*(?:[.!?,;)]|$)"
    r"|\blike you\b"
    r"|\bwe(?:'re| are)? both\b|\bboth of us\b|\byou and i both\b"
    r"|\bsame here\b"
    r"|\bas well\s*(?:[.!?]|$)"
    r"|\banother [\w-]+ here\b"
    r"|\bi(?:'m| am) (?:also|a [\w-]+ too)\b",
    re.IGNORECASE | re.MULTILINE,
)


def sharing_claims(text: str) -> list[str]:
    """Phrases that claim the sender shares an interest: "fellow climber", "I swim too", "we both"."""
    return [match.group(0).strip() for match in _SHARING_CLAIMS.finditer(fold(text))]


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def claim_sentences(text: str) -> list[str]:
    """The sentences of `text` that claim a shared interest, so a claim can be matched with what it names."""
    return [sentence.strip() for sentence in _SENTENCE.findall(text) if sharing_claims(sentence)]


# --- agreement after "you" ---------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[.!?;:\n()\"“”]|,\s+(?=(?:which|who|whose|where|when|so|because|but|while)\b)")
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|,")
# An aside between "and" and its verb ("and, in your spare time, restores") is skipped up to this many words.
MAX_ASIDE_TOKENS = 8
_YOU = frozenset({"you", "you're", "you've", "you'd", "you'll"})
_ADVERBS = frozenset(
    [
        "also",
        "always",
        "still",
        "often",
        "now",
        "really",
        "never",
        "just",
        "regularly",
        "usually",
        "sometimes",
        "even",
        "clearly",
        "already",
        "happily",
        "proudly",
        "mostly",
        "currently",
        "recently",
    ]
)
# A new subject or a relative word starts another clause, whose verb agrees with it, not with "you".
_SUBJECT_RESETS = frozenset(
    [
        "i",
        "he",
        "she",
        "it",
        "they",
        "we",
        "who",
        "which",
        "that",
        "where",
        "when",
        "because",
        "while",
        "but",
        "so",
        "whose",
        "someone",
        "everyone",
    ]
)
_IRREGULAR_THIRD_PERSON = frozenset({"is", "has", "does", "goes", "was", "isn't", "hasn't", "doesn't", "wasn't"})
# After "and", a plural noun looks like a third-person verb ("you love long walks and runs in the hills"); see
# _reads_as_verb for when it is read as a verb.
_PREPOSITIONS = frozenset(
    [
        "on",
        "in",
        "at",
        "for",
        "with",
        "about",
        "from",
        "to",
        "of",
        "around",
        "across",
        "through",
        "by",
        "near",
        "along",
        "during",
        "into",
        "over",
        "under",
    ]
)


@cache
def third_person_forms(path: Path = AGREEMENT_VERBS_PATH) -> frozenset[str]:
    forms = set(_IRREGULAR_THIRD_PERSON)
    for line in path.read_text(encoding="utf-8").splitlines():
        verb = line.strip()
        if not verb or verb.startswith("#"):
            continue
        if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
            forms.add(f"{verb}es")
        elif verb.endswith("y") and verb[-2:-1] not in "aeiou":
            forms.add(f"{verb[:-1]}ies")
        else:
            forms.add(f"{verb}s")
    return frozenset(forms)


def agreement_errors(text: str) -> list[str]:
    """Retellings that kept a third-person verb: "you plays", "you run marathons and bakes", "to bakes bread"."""
    third_person = third_person_forms()
    errors = []
    for clause in _CLAUSE_BREAK.split(fold(text)):
        tokens = _TOKEN.findall(clause)
        for index, token in enumerate(tokens):
            if token not in _YOU:
                continue
            verb = _after_adverbs(tokens, index + 1)
            if token == "you" and verb is not None and tokens[verb] in third_person:
                errors.append(" ".join(tokens[index : verb + 1]))
            for later in range(index + 1, len(tokens)):
                if tokens[later] in _SUBJECT_RESETS or tokens[later] in _YOU:
                    break
                if tokens[later] != "and":
                    continue
                verb = _after_aside(tokens, _after_adverbs(tokens, later + 1))
                if verb is not None and tokens[verb] in third_person and _reads_as_verb(tokens, later, verb):
                    errors.append(" ".join([token, "…", *tokens[later : verb + 1]]))
        for index, token in enumerate(tokens[:-2]):
            # An infinitive keeps the base form: "what keeps you coming back to bakes bread?" is the same slip.
            if token == "to" and tokens[index + 1] in third_person and tokens[index + 2] not in _PREPOSITIONS | {","}:
                errors.append(" ".join(tokens[index : index + 2]))
    return errors


def _reads_as_verb(tokens: Sequence[str], conjunction: int, word: int) -> bool:
    """Whether the "-s" word after "and" is a verb rather than a plural noun ("long walks and runs")."""
    if word > conjunction + 1:
        return True  # an adverb or an aside sits between: "and still performs", "and, in winter, skis"
    if not tokens[conjunction - 1].endswith("s"):
        return True  # joined to a singular: "a keen cricketer and plays"
    return word + 1 < len(tokens) and tokens[word + 1] not in _PREPOSITIONS  # it takes an object: "and bakes bread"


def _after_adverbs(tokens: Sequence[str], start: int | None) -> int | None:
    position = start
    while position is not None and position < len(tokens) and tokens[position] in _ADVERBS:
        position += 1
    return position if position is not None and position < len(tokens) else None


def _after_aside(tokens: Sequence[str], start: int | None) -> int | None:
    """The word after a comma-delimited aside that starts at `start`, or `start` when there is none."""
    if start is None or tokens[start] != ",":
        return start
    for position in range(start + 1, min(len(tokens), start + 2 + MAX_ASIDE_TOKENS)):
        if tokens[position] == ",":
            return _after_adverbs(tokens, position + 1)
    return None


_DOUBLED_WORD = re.compile(r"\b(\w+)[ \t]+\1\b")


def doubled_words(text: str) -> list[str]:
    """A word written twice in a row ("you you est directeur"): a retelling that went wrong."""
    return [match.group(0) for match in _DOUBLED_WORD.finditer(fold(text))]


# --- lengths -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    minimum: float
    median: float
    maximum: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            raise ValueError("no values")
        return cls(min(values), statistics.median(values), max(values))


def rate(hits: int, total: int) -> float | None:
    """hits / total, or None when nothing was measured (a goal with nothing to judge is not 'met')."""
    return hits / total if total else None
