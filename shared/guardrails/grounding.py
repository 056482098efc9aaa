"""Grounding: the draft claims nothing about the recipient that the bio does not say.

Two rules:

- UNGROUNDED_INTEREST: the quote the shared interest rests on must occur in the bio
  (compared with `shared.text.fold`; a quote elided with "…" must occur piece by piece, in order),
  and it must be an interest, not their job: a job title or employer given as the evidence or
  topic, with no interest in it, fails ("the opener must be an interest, not their job").
- INVENTED_FACT: every hobby from the interest lexicon, and every proper noun (employer,
  school, place, event), that the draft mentions must appear in the bio, the pitch, the
  sender's own interests and offer, or the names we were given. A hobby counts as present
  when the sources name the same topic in any word form or covered language ("hiking" is
  grounded by "hikes", "swimming" by "natación") or share its stem ("hiker" by "hiked").
  Numbers and quotations attributed to the person must come from the sources too (statements.py).

Precision first, since a false alarm sends a good draft to repair: lexicon words used in
another sense ("running the data team", "reading your post", "price hike") are skipped,
and capitalised words at the start of a sentence are treated as names only when they
look like one (an internal capital as in "DeepMind", all capitals as in "AWS", or part
of a multi-word name that does not open with an ordinary word).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import shared.interests as interests  # a module reference: shared.interests imports the guardrails package in turn
from shared.guardrails.statements import GROUNDING_FILE, find_invented_numbers, find_invented_quotes, quote_in
from shared.interests.lexicon import ACRONYM_KEYS, FORM_INDEX, TOPIC_TO_CATEGORY
from shared.interests.tokens import tokenise
from shared.models import Rule, Violation
from shared.text import fold
from shared.text.language import detect_language

# A lexicon word followed by one of these is a verb or idiom, not a hobby: "running the team".
_VERB_USE_AFTER = re.compile(
    r"\s+(?:the|your|my|a|an|his|her|their|our|this|that|these|those|it|them|into|through|up|out|as|over|across|about|on"
    r"|late|low|smoothly|short|down)\b",
    re.IGNORECASE,
)
_IDIOM_BEFORE = re.compile(
    r"(?:price|prices|rate|rates|tax|fee|fees|wage|salary|smooth|plain|deep|current|economic|political|business|hiring|market"
    r"|funding|investment|up\s+and|grab\s+a|grab|buy\s+you\s+a|get\s+a|over\s+a|over|quick|virtual)\s*$"
    r"|[$£€]\s*$",
    re.IGNORECASE,
)
_QUANTITY_AFTER = re.compile(
    r"\s*(?:\+|users|customers|downloads|followers|stars|requests|people|members|subscribers|rows|records|lines|budget|per\b|/)",
    re.IGNORECASE,
)

_WORD = re.compile(r"[^\W_](?:[\w&]|['’.-](?=[^\W_]))*")
_NAME_CONNECTORS = frozenset({"of", "the", "de", "du", "la", "le", "von", "van", "der", "di", "da", "del", "y", "&"})
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "prof", "st", "mt", "no", "vs", "e.g", "i.e"})
# Capitalised words that are not facts about anyone.
_ALWAYS_ALLOWED = frozenset(
    """i i'm i've i'd i'll hi hello hey dear thanks thank best cheers regards kind warm warmly sincerely all yours
    linkedin ps p.s ok okay fyi ai ml cv mr mrs ms dr prof sir madam team congrats congratulations re fwd
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december
    hola buenas buenos querida querido saludos bonjour salut chère cher bonsoir cordialement hallo liebe lieber
    grüße gruß servus moin olá oi prezada prezado abraços ciao salve buongiorno gentile cara caro saluti""".split()  # noqa: SIM905
)
# Ordinary words that may open a sentence before a name ("Hope Anna is well").
_ORDINARY_OPENERS = frozenset(
    """a an the this that these those it its i we you he she they my your our their his her as at by for from in into
    of on to with and but or so if when while since after before because though although just also still really very
    quite hope hoping loved love liked saw noticed read spotted came found enjoyed huge big great nice lovely good happy
    glad fellow another congrats congratulations thanks thank hi hello hey dear welcome well yes no not never always
    funny fun what which who how where why whether like being having seeing reading hearing wishing sending best warm
    cheers also here there then now today yesterday tomorrow last next every each both either""".split()  # noqa: SIM905
)
_ORDINARY_SUFFIXES = ("ing", "ed", "ly", "ful", "ous", "ive", "less", "est")
# Topics of these lexicon categories are roles people hold, not pursuits: they do not make a job an interest.
_WORK_CATEGORIES = frozenset({"roles"})


@dataclass(frozen=True)
class _JobWords:
    titles: frozenset[str]
    # Title phrases and employer cues: patterns that mark a job however its words are spelled.
    cues: tuple[re.Pattern[str], ...]


@cache
def _job_words() -> _JobWords:
    job = tomllib.loads(GROUNDING_FILE.read_text(encoding="utf-8"))["job"]
    return _JobWords(
        titles=frozenset(fold(word) for word in job["titles"].split()),
        cues=tuple(re.compile(cue, re.IGNORECASE) for cue in (*job["title_phrases"], *job["employer_cues"])),
    )


def job_examples() -> tuple[list[str], list[str]]:
    """(texts that name a job or employer, texts that name an interest), from the data file."""
    job = tomllib.loads(GROUNDING_FILE.read_text(encoding="utf-8"))["job"]
    return list(job["catches"]), list(job["passes"])


# An employer as a bio states it: a title or work verb, then "at"/"for" and a capitalised name.
_EMPLOYER = re.compile(
    r"\b(?:at|for|with|chez|bei|en|em|presso|para)\s+((?:[A-Z][\w&'’.-]{0,40})(?:\s+(?:of\s+|&\s+)?[A-Z][\w&'’.-]{0,40}){0,4})"
)


def _employers(bio: str) -> list[str]:
    """Names the bio gives as the place someone works: "engineer at Contoso", "works for Northwind Analytics"."""
    job = _job_words()
    found = []
    for match in _EMPLOYER.finditer(bio):
        before = bio[max(0, match.start() - 60) : match.start()]
        words = {fold(word.group()) for word in _WORD.finditer(before)}
        if words & job.titles or any(cue.search(before + match.group()) for cue in job.cues):
            found.append(match.group(1))
    return found


def find_ungrounded_interest(bio_evidence: str | None, bio: str, *, topic: str | None = None) -> list[Violation]:
    """The evidence quote must occur in the bio and, with the topic, name an interest rather than their job;
    an honest 'none found' (None or blank) passes."""
    if bio_evidence is None or not bio_evidence.strip():
        return []
    if not quote_in(bio_evidence, bio):
        return [
            Violation(
                rule=Rule.UNGROUNDED_INTEREST,
                message=f"The shared interest rests on “{_short(bio_evidence)}”, which is not in the bio.",
                span=bio_evidence,
            )
        ]
    if is_job(f"{topic or ''}\n{bio_evidence}", bio):
        shown = topic if topic and is_job(topic, bio) else bio_evidence
        return [
            Violation(
                rule=Rule.UNGROUNDED_INTEREST,
                message=f"The shared interest is “{_short(shown)}”, their job or employer: the opener must be an interest, "
                "not their job.",
                span=shown,
            )
        ]
    return []


def is_job(text: str, bio: str) -> bool:
    """`text` names a job title or employer (of the bio) and no interest: no opener for a no-ask message."""
    if any(TOPIC_TO_CATEGORY.get(topic) not in _WORK_CATEGORIES for topic in interests.topics_in(text)):
        return False
    job = _job_words()
    words = {fold(word.group()) for word in _WORD.finditer(text)}
    if words & job.titles or any(cue.search(text) for cue in job.cues):
        return True
    employer_words = {_name_key(word.group()) for name in _employers(bio) for word in _WORD.finditer(name)}
    named = {_name_key(word.group()) for word in _WORD.finditer(text) if word.group()[0].isupper()}
    return bool(named) and named <= employer_words


def find_invented_facts(text: str, *, sources: Iterable[str], check_names: bool = True) -> list[Violation]:
    """Hobbies, numbers, quotations and proper nouns in `text` that none of `sources` (bio, pitch, the sender's
    interests and offer, known names) give."""
    source_text = "\n".join(source for source in sources if source)
    violations = _invented_interests(text, source_text)
    violations += find_invented_numbers(text, source_text) + find_invented_quotes(text, source_text)
    if check_names:
        # A word can be both a lexicon hobby and a capitalised name ("DJ"): report it once.
        hobbies = [(v.start or 0, v.end or 0) for v in violations]
        violations += [
            name
            for name in _invented_names(text, source_text)
            if not any(start < (name.end or 0) and (name.start or 0) < end for start, end in hobbies)
        ]
    return sorted(violations, key=lambda v: v.start or 0)


def _invented_interests(text: str, source_text: str) -> list[Violation]:
    # Any word form or covered language names a topic: "natación" grounds "swimming".
    source_topics = _source_topics(source_text)
    violations = []
    for start, end, topic in lexicon_mentions(text):
        form = text[start:end]
        if not _is_interest_use(text, start, end, form):
            continue
        # The draft's own topic, at its most specific: "trail running" is not grounded by "marathon running",
        # while the sources' topics include their broader ones, so "running" is grounded by "trail running".
        if topic in source_topics or stem_in(form, source_text):
            continue
        violations.append(
            Violation(
                rule=Rule.INVENTED_FACT,
                message=f"Mentions “{form}”, which neither the bio nor your pitch mentions.",
                span=form,
                start=start,
                end=end,
            )
        )
    return violations


# The same sources (bio and pitch) are read for every check of a request's drafts: read them once.
@lru_cache(maxsize=16)
def _source_topics(source_text: str) -> frozenset[str]:
    return interests.topics_in(source_text)


@lru_cache(maxsize=16)
def _source_name_keys(source_text: str) -> frozenset[str]:
    return frozenset(_name_key(word.group()) for word in _WORD.finditer(source_text))


def lexicon_mentions(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, topic) of each hobby the lexicon finds in `text`, longest form first, in linear time."""
    tokens = tokenise(text)
    for found in FORM_INDEX.scan(tokens):
        start, end = tokens[found.first].start, tokens[found.last].end
        # Short forms such as "DJ" or "DIY" name the hobby only when written as the acronym.
        keys = tuple(token.key for token in tokens[found.first : found.last + 1])
        if keys in ACRONYM_KEYS and not text[start:end].isupper():
            continue
        yield start, end, found.value


def _is_interest_use(text: str, start: int, end: int, form: str) -> bool:
    if _VERB_USE_AFTER.match(text, end) or _IDIOM_BEFORE.search(text[max(0, start - 30) : start]):
        return False
    return not (form[0].isdigit() and _QUANTITY_AFTER.match(text, end))


def stem_in(form: str, source_text: str) -> bool:
    """`source_text` has a word with the stem of `form`'s last word: "hiker" finds "hiked", "swimmer" finds "swims"."""
    last_word = form.split()[-1].lower()
    stem = re.sub(r"(?:ing|ers|er|ed|es|s|e)$", "", last_word)
    if len(stem) < 3:
        return False
    prefix = form.lower()[: len(form) - len(last_word)]
    stems = [stem]
    if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":  # "swimm" from "swimmer": also "swim"
        stems.append(stem[:-1])
    return any(_stem_pattern(prefix + candidate).search(source_text) is not None for candidate in stems)


@cache
def _stem_pattern(stem: str) -> re.Pattern[str]:
    # The stem plus a short ending: "hik" finds "hiked" and "hikes", not unrelated longer words.
    return re.compile(r"(?<![\w-])" + re.escape(stem).replace(r"\ ", r"\s+") + r"\w{0,4}(?!\w)", re.IGNORECASE)


def _invented_names(text: str, source_text: str) -> list[Violation]:
    source_words = _source_name_keys(source_text)
    lower_words = {word.group().lower() for word in _WORD.finditer(text + "\n" + source_text) if word.group().islower()}
    # German capitalises every noun: there a lone capitalised word is no sign of a name, unless it looks like one.
    nouns_capitalised = detect_language(text) == "de"
    violations = []
    for name in _capitalised_runs(text, lower_words):
        words = [word for word in name if word.group().lower() not in _NAME_CONNECTORS]
        if nouns_capitalised and len(words) == 1 and not _looks_like_a_name(words[0].group()):
            continue
        if all(_name_key(word.group()) in source_words for word in words):
            continue
        start, end = name[0].start(), name[-1].end()
        span = re.sub(r"['’]s$", "", text[start:end])
        violations.append(
            Violation(
                rule=Rule.INVENTED_FACT,
                message=f"Mentions “{_short(span)}”, which neither the bio nor your pitch mentions.",
                span=span,
                start=start,
                end=start + len(span),
            )
        )
    return violations


@lru_cache(maxsize=8192)
def _name_key(word: str) -> str:
    return _POSSESSIVE_END.sub("", fold(word))


_POSSESSIVE_END = re.compile(r"['’]s$")


def _capitalised_runs(text: str, lower_words: set[str]) -> list[list[re.Match[str]]]:
    """Runs of capitalised words, joined by spaces and connectors ("University of Leeds"), that read as names."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    connectors: list[re.Match[str]] = []  # held until a capitalised word follows them
    previous_end = 0
    for word in _WORD.finditer(text):
        token = word.group()
        contiguous = bool(current) and text[previous_end : word.start()] in (" ", "\u00a0")
        if token[0].isupper():
            if contiguous:
                current += [*connectors, word]
            else:
                runs.append(current)
                current = [word]
            connectors = []
            if re.search(r"['’]s$", token):  # a possessive ends the name: "DeepMind's London office"
                runs.append(current)
                current = []
        elif contiguous and token.lower() in _NAME_CONNECTORS:
            connectors.append(word)
        else:
            runs.append(current)
            current, connectors = [], []
        previous_end = word.end()
    runs.append(current)
    return [name for run in runs if run and (name := _as_name(run, text, lower_words))]


def _as_name(run: list[re.Match[str]], text: str, lower_words: set[str]) -> list[re.Match[str]]:
    words = [word for word in run if word.group().lower().replace("’", "'") not in _ALWAYS_ALLOWED]
    if words and _opens_sentence(text, words[0].start()):
        if len(words) == 1 and not _looks_like_a_name(words[0].group()):
            return []
        if len(words) > 1 and _is_ordinary(words[0].group(), lower_words):
            words = words[1:]
    while words and words[0].group().lower() in _NAME_CONNECTORS:
        words.pop(0)
    return words


# What decides whether a word opens a sentence lies just before it: the last word and its punctuation. Looking
# further back would cost time in proportion to the whole text for every capitalised word.
_SENTENCE_LOOKBACK = 40
_LAST_WORD_BEFORE_DOT = re.compile(r"([\w.]{1,12})\.$")


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - _SENTENCE_LOOKBACK) : start].rstrip(" \t\"“'‘(")
    if not before:  # the text's start, or a long gap: either way a new beginning
        return True
    if before[-1] in "!?:;\n•*—–-。！？…":
        return True
    if before[-1] == ".":
        previous = _LAST_WORD_BEFORE_DOT.search(before[-14:])
        return not (previous and previous.group(1).lower() in _ABBREVIATIONS)
    return False


def _looks_like_a_name(word: str) -> bool:
    # "DeepMind", "PyCon", "AWS": capitals past the first letter are not how sentences start.
    letters = [char for char in word if char.isalpha()]
    return len(letters) > 1 and any(char.isupper() for char in letters[1:])


def _is_ordinary(word: str, lower_words: set[str]) -> bool:
    lowered = word.lower()
    return lowered in _ORDINARY_OPENERS or lowered in lower_words or lowered.endswith(_ORDINARY_SUFFIXES)


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
