"""What a bio says its person cares about: hobbies, causes, background and recent work.

Interests are found by the shared lexicon and by the patterns people use to state them
("in my spare time", "avid", "volunteer at", "recently launched"). Every interest carries
an exact quote from the bio, so a draft that opens with it can always show its evidence.
The bio is untrusted: sentences carrying links, placeholders, requests or text planted for a
model are never used as evidence.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from shared.guardrails.injection import injection_spans, touches_injection
from shared.interests.lexicon import FORM_TO_TOPIC, TOPIC_TO_CATEGORY

MAX_EVIDENCE_CHARS = 160


class InterestKind(StrEnum):
    HOBBY = "hobby"
    OUTDOORS = "outdoors"
    SPORT = "sport"
    ARTS = "arts"
    MUSIC = "music"
    CAUSE = "cause"
    FAMILY = "family"
    BACKGROUND = "background"
    RECENT_WORK = "recent_work"


# Non-work pursuits make the warmest openers, then causes, then the rest.
NON_WORK_KINDS: Final = frozenset(
    {InterestKind.HOBBY, InterestKind.OUTDOORS, InterestKind.SPORT, InterestKind.ARTS, InterestKind.MUSIC}
)
_KIND_WEIGHT: Final[dict[InterestKind, float]] = {
    **dict.fromkeys(NON_WORK_KINDS, 3.0),
    InterestKind.CAUSE: 2.0,
    InterestKind.BACKGROUND: 1.5,
    InterestKind.RECENT_WORK: 1.0,
    InterestKind.FAMILY: 0.5,
}
_CATEGORY_KIND: Final[dict[str, InterestKind]] = {
    "outdoors": InterestKind.OUTDOORS,
    "sport": InterestKind.SPORT,
    "arts": InterestKind.ARTS,
    "music": InterestKind.MUSIC,
    "cause": InterestKind.CAUSE,
}
# Topics that are about someone's family rather than a pursuit: true, but not an opener.
_FAMILY_TOPICS: Final = frozenset({"parenting"})


@dataclass(frozen=True)
class Interest:
    """One interest a bio states.

    `topic` is the lexicon's canonical topic (for background and recent work: the bio's own
    words); `mention` is the literal bio text naming it; `evidence` is the literal clause of
    the bio that states it, at most MAX_EVIDENCE_CHARS long.
    """

    topic: str
    kind: InterestKind
    evidence: str
    score: float
    mention: str
    # The person noun for "Fellow ___ here" ("climber"), None when the topic has none.
    agent: str | None = None
    # The pursuit as a noun phrase ("open-water swimming").
    activity: str = ""

    @property
    def non_work(self) -> bool:
        return self.kind in NON_WORK_KINDS


# --- untrusted text ------------------------------------------------------------------------

_URL_OR_EMAIL = re.compile(
    r"(?i)\b(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|ai|dev|co|app|ly|me)\b"
)
_PLACEHOLDER = re.compile(r"\[[^\]]{0,40}\]|\{\{|\}\}|<[^<>]{0,40}>|\{[A-Za-z_ ]{1,30}\}")
# Requests of the reader: true of the bio's author, but never something to echo.
_REQUEST = re.compile(
    r"(?i)\b(?:include|add|insert|append|mention)\b.{0,30}\b(?:link|url|email|address|referral)\b"
    r"|\bask(?:ing)?\s+(?:me|them|him|her|the\s+recipient|for)\b|\brefer(?:ral|rals|red)?\b|\bdm\s+me\b|\breach\s+out\b"
    r"|\bget\s+in\s+touch\b|\bcontact\s+me\b|\byou\s+(?:must|should|shall|have\s+to)\b"
)


def is_hostile(text: str) -> bool:
    """True for text that must never be quoted or echoed: links, addresses, placeholders, requests, and text planted
    for a model (shared.guardrails.injection: the same notion the final check applies to every draft)."""
    return bool(_URL_OR_EMAIL.search(text) or _PLACEHOLDER.search(text) or _REQUEST.search(text) or injection_spans(text))


# --- sentences and clauses ----------------------------------------------------------------

# Sentence ends, line breaks, bullets and the separators of LinkedIn headlines.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|(?<=[。！？])\s*|\n+|\s*(?:[|•·▪►●]|(?<=\s)[-*–]\s)\s*")
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;:()]|\s[—–-]\s|—)\s*")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


def _split(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[_Span]:
    spans: list[_Span] = []
    cursor = start
    for found in pattern.finditer(text, start, end):
        spans.append(_Span(cursor, found.start()))
        cursor = found.end()
    spans.append(_Span(cursor, end))
    return [_trim(text, span) for span in spans if text[span.start : span.end].strip()]


_TRIM_CHARS = " \t\n\"'“”‘’.,;:!?-–—*•()"


def _trim(text: str, span: _Span) -> _Span:
    start, end = span.start, span.end
    while start < end and text[start] in _TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in _TRIM_CHARS:
        end -= 1
    return _closing_bracket(text, _Span(start, end))


def _closing_bracket(text: str, span: _Span) -> _Span:
    """Keep the closing bracket of a bracket the quote opened: "amateur potter (mostly wonky mugs)"."""
    unclosed = text.count("(", span.start, span.end) > text.count(")", span.start, span.end)
    fits = span.end - span.start < MAX_EVIDENCE_CHARS
    return _Span(span.start, span.end + 1) if unclosed and fits and text[span.end : span.end + 1] == ")" else span


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences, lines and bullet items of `text`, trimmed of punctuation."""
    return [(span.start, span.end) for span in _split(text, _SENTENCE_BREAK, 0, len(text))]


def _evidence_span(bio: str, sentence: _Span, match_start: int, match_end: int) -> _Span:
    """The sentence if it is short enough, else the clauses around the match, else a word window."""
    if sentence.end - sentence.start <= MAX_EVIDENCE_CHARS:
        return sentence
    clauses = _split(bio, _CLAUSE_BREAK, sentence.start, sentence.end)
    index = next((i for i, clause in enumerate(clauses) if clause.start <= match_start < clause.end), None)
    if index is None:
        return _word_window(bio, sentence, match_start, match_end)
    chosen = clauses[index]
    # Grow over neighbouring clauses while the quote stays readable: the cue often sits in the one before.
    for neighbour in (index - 1, index + 1):
        if 0 <= neighbour < len(clauses):
            grown = _Span(min(chosen.start, clauses[neighbour].start), max(chosen.end, clauses[neighbour].end))
            if grown.end - grown.start <= MAX_EVIDENCE_CHARS:
                chosen = grown
    if chosen.end - chosen.start <= MAX_EVIDENCE_CHARS:
        return _closing_bracket(bio, chosen)
    return _word_window(bio, chosen, match_start, match_end)


def _word_window(bio: str, span: _Span, match_start: int, match_end: int) -> _Span:
    """At most MAX_EVIDENCE_CHARS of `span` centred on the match, cut only between words."""
    half = max(0, (MAX_EVIDENCE_CHARS - (match_end - match_start)) // 2)
    start = max(span.start, match_start - half)
    end = min(span.end, start + MAX_EVIDENCE_CHARS)
    start = max(span.start, end - MAX_EVIDENCE_CHARS)
    if start > span.start and not bio[start - 1].isspace():
        space = bio.find(" ", start, match_start)
        start = space + 1 if space != -1 else match_start
    if end < span.end and not bio[end].isspace():
        space = bio.rfind(" ", match_end, end)
        end = space if space != -1 else match_end
    return _trim(bio, _Span(start, end))


# --- lexicon matches and the context that tells a hobby from a work sense -------------------

# Lexicon forms are whole tokens: "reader-facing" is one token, so it never matches "reader".
_TOKEN = re.compile(r"[\w&+]+(?:-[\w&+]+)*")


def _form_lengths() -> dict[str, tuple[int, ...]]:
    """First word of each form -> the word counts of the forms it starts, longest first."""
    lengths: dict[str, set[int]] = {}
    for form in FORM_TO_TOPIC:
        lengths.setdefault(form.split()[0], set()).add(len(form.split()))
    return {first: tuple(sorted(sizes, reverse=True)) for first, sizes in lengths.items()}


_FORM_LENGTHS: Final = _form_lengths()


def _lexicon_matches(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each lexicon form in text[start:end], longest form first at each position."""
    tokens = list(_TOKEN.finditer(text, start, end))
    index = 0
    while index < len(tokens):
        size = next(
            (
                size
                for size in _FORM_LENGTHS.get(tokens[index].group().lower(), ())
                if _is_form(text, tokens[index : index + size], size)
            ),
            0,
        )
        if size:
            yield tokens[index].start(), tokens[index + size - 1].end()
        index += max(size, 1)


def _is_form(text: str, group: list[re.Match[str]], size: int) -> bool:
    # Words of a form are separated by whitespace only: "open, source" is not "open source".
    if len(group) < size or any(not text[left.end() : right.start()].isspace() for left, right in itertools.pairwise(group)):
        return False
    return " ".join(token.group().lower() for token in group) in FORM_TO_TOPIC


# Short forms that are ordinary words in other languages or senses ("dei" in Italian, "dj", "oss"): acronyms only.
_ACRONYM_FORMS: Final = frozenset({"oss", "dei", "dj", "diy", "d&d"})
# Adjectives that start a title-cased headline item, so the capital that follows is no name: "Avid Runner".
_CUE_ADJECTIVES: Final = frozenset(
    ["avid", "keen", "amateur", "passionate", "aspiring", "lifelong", "proud", "occasional", "enthusiastic"]
)
_DRINK_TOPICS: Final = frozenset({"coffee", "wine", "homebrewing"})
# "grab a coffee", "over coffee": an invitation, not a pursuit.
_DRINK_INVITATION_BEFORE = re.compile(r"(?i)\b(?:grab|grabbing|for|over|buy\s+you|get|meet\s+for)\s+(?:a\s+)?$")

_HOBBY_CUE = re.compile(
    r"(?i)\b(?:spare|free|down)\s+time\b|\boutside\s+(?:of\s+)?(?:work|the\s+office|office\s+hours)\b|\baway\s+from\s+(?:work|the\s+desk|my\s+desk|the\s+keyboard|screens?)\b"
    r"|\bwhen\s+(?:I'?m|I\s+am|she'?s|he'?s|they'?re|not)\b|\bweekends?\b|\bevenings?\b|\boff\s+the\s+clock\b|\bafter\s+hours\b|\bhobb(?:y|ies)\b|\bpastimes?\b"
    r"|\bfor\s+fun\b|\bfind\s+(?:me|her|him)\b|\blov(?:e|es|ed|ing)\b|\benjoy(?:s|ed|ing)?\b|\bpassion(?:ate)?\b|\bavid\b|\bkeen\b|\benthusiast\b|\bfanatic\b"
    r"|\bfan\s+of\b|\bobsessed\b|\bnerd\b|\baddict\b|\bamateur\b|\bhobbyist\b|\blifelong\b|\bfond\s+of\b|\bI\s+also\b|\balso\s+an?\b|\bpersonal\s+life\b"
)
_CAUSE_CUE = re.compile(
    r"(?i)\bvolunteer\w*|\bmentor\w*|\bboard\s+member\b|\btrustee\b|\badvoca\w+|\bchampion\w*|\bambassador\b|\borgani[sz]\w+|\bcharit\w+|\bnon-?profit\b"
    r"|\bfundrais\w+|\bgiv(?:e|es|ing)\s+back\b|\bpro\s+bono\b|\bserves?\s+on\b|\bcare(?:s)?\s+(?:deeply\s+)?about\b"
)
# Words that, right after a matched form, show the work sense: "travel tech", "music industry", "acting CEO".
_WORK_NOUNS = re.compile(
    r"industr(?:y|ies)|tech(?:nolog(?:y|ies))?|sector|compan(?:y|ies)|startups?|brands?|platforms?|apps?|products?|teams?|clients?"
    r"|customers?|markets?|business(?:es)?|space|agenc(?:y|ies)|firms?|software|data|analytics|marketing|sales|retail|e-?commerce"
    r"|funds?|investors?|vc|strateg(?:y|ies)|policy|projects?|operations|ops|engineer(?:s|ing)?|developers?|consult(?:ant|ants|ing|ancy)"
    r"|org|organi[sz]ation|leaders?|leadership|program(?:me)?s?|initiatives?|stack|infrastructure|pipelines?|tools|tooling|apis?|sdk"
    r"|saas|fintech|healthtech|edtech|journalism|publish(?:er|ers|ing)|newsroom|studios?|labels?|licensing|rights|distribution"
    r"|streaming|management|managers?|reporting|officer|directors?|analysts?|audits?|testing|compliance|ceo|cto|cfo|coo|vp|head|lead"
    r"|chair|president|partners?|practice|sessions?|meetings?|weeks?|effort|negotiations?|calls?|sprint|launch(?:es)?|roles?|jobs?"
    r"|hire|hiring|recruit(?:ing|er|ers)|chats?|catch-?up|revenue|growth|roadmap|deals?|portfolios?|ventures?|solutions?|services?"
    r"|devices?|hardware|networks?",
    re.IGNORECASE,
)
# Words right after a gerund that make it a verb with an object: "running a team", "cooking up strategies".
_VERB_OBJECTS = re.compile(
    r"a|an|the|our|my|your|his|her|their|its|this|that|these|those|up|on|into|through|out|as|towards?|over|back|down|around|it|them"
    r"|us|me|him|teams|operations|growth|multiple|several|two|three|cross-functional|large|global|high|deep|complex|strategic",
    re.IGNORECASE,
)
# Words right before a form that give it another sense: "economic climate", "smooth sailing", "screen reader".
_BLOCKING_PREDECESSORS = re.compile(
    r"economic|political|market|funding|business|investment|regulatory|current|macro|geopolitical|smooth|screen|over|virtual|top",
    re.IGNORECASE,
)
_METAPHOR_AFTER = re.compile(r"(?i)^\s*,?\s*not\s+a\s+sprint")


def _is_work_sense(bio: str, start: int, end: int) -> bool:
    """True when the matched form means something other than a pursuit here ("running a team", "travel tech")."""
    matched = bio[start:end]
    before = bio[max(0, start - 40) : start]
    after = bio[end : end + 40]
    # Hyphenated compounds name something else: "reader-facing", "running-shoe retailer".
    if (before.endswith("-") and before[-2:-1].isalnum()) or (after.startswith("-") and after[1:2].isalnum()):
        return True
    form = " ".join(matched.lower().split())
    if form in _ACRONYM_FORMS and not matched.isupper():
        return True
    if FORM_TO_TOPIC[form] in _DRINK_TOPICS and _DRINK_INVITATION_BEFORE.search(before):
        return True
    following = re.findall(r"[^\W_][\w'-]*", after)[:2]
    next_word = following[0].lower() if following else ""
    previous_words = re.findall(r"[^\W_][\w'-]*", before)
    previous_word = previous_words[-1].lower() if previous_words else ""
    if _WORK_NOUNS.fullmatch(next_word) or _BLOCKING_PREDECESSORS.fullmatch(previous_word) or _METAPHOR_AFTER.match(after):
        return True
    # A capitalised form right after another capitalised word is part of a name: "Sarah Baker", "Tim Cook".
    if matched[:1].isupper() and re.search(r"[A-Z][\w'-]*\s+$", before) and previous_word not in _CUE_ADJECTIVES:
        return True
    if form.split()[0].endswith("ing") and _VERB_OBJECTS.fullmatch(next_word):
        # "hiking the Alps" is a pursuit; "running the team" is work.
        return not (next_word == "the" and len(following) > 1 and following[1][:1].isupper())
    return False


def _lexicon_interests(bio: str, sentence: _Span) -> list[Interest]:
    text = bio[sentence.start : sentence.end]
    hobby_cue = bool(_HOBBY_CUE.search(text))
    cause_cue = bool(_CAUSE_CUE.search(text))
    found: list[Interest] = []
    for start, end in _lexicon_matches(bio, sentence.start, sentence.end):
        if _is_work_sense(bio, start, end):
            continue
        form = " ".join(bio[start:end].lower().split())
        topic = FORM_TO_TOPIC[form]
        kind = (
            InterestKind.FAMILY if topic in _FAMILY_TOPICS else _CATEGORY_KIND.get(TOPIC_TO_CATEGORY[topic], InterestKind.HOBBY)
        )
        score = _KIND_WEIGHT[kind]
        if hobby_cue:
            score += 2.0
        elif kind is InterestKind.CAUSE and cause_cue:
            score += 1.5
        elif _WORK_CONTEXT.search(text):
            # A bare mention in a sentence about work is weak evidence of a pursuit.
            score -= 1.5
        score += 0.25 * (len(form.split()) - 1)
        evidence = _evidence_span(bio, sentence, start, end)
        found.append(
            Interest(topic, kind, bio[evidence.start : evidence.end], score, bio[start:end], agent_of(topic), activity=topic)
        )
    return found


_WORK_CONTEXT = re.compile(
    r"(?i)\b(?:team|teams|company|clients?|customers?|product|platform|startup|revenue|strategy|stakeholders?|role|career|industry|business|enterprise)\b"
)

# --- recent work and background -------------------------------------------------------------

_SUBJECT = r"(?:I|We|She|He|[A-Z][a-z]+)"
_RECENT_WORK = re.compile(
    rf"\b{_SUBJECT}\s+(?:(?:recently|just|also)\s+)?(?:(?:have|has|'ve)\s+)?(?:recently\s+|just\s+)?"
    r"(?P<verb>led|launched|published|shipped|released|spoke\s+at|presented\s+at|gave\s+a\s+talk|wrote|co-authored|authored|completed|founded|co-founded"
    r"|open-sourced|won|organised|organized|hosted|started)\b[^.!?\n]{3,}"
)
_RECENT_CUE = re.compile(r"(?i)\b(?:recently|just|this\s+year|last\s+(?:year|month|week)|latest|new)\b")
_BACKGROUND = re.compile(
    r"(?i:grew\s+up\s+in|originally\s+from|born\s+(?:and\s+raised\s+)?in|raised\s+in|moved\s+(?:here\s+)?from|studied\s+(?:\w+\s+){0,3}at|alumn(?:us|a|i)\s+of|graduated\s+from)"
    r"\s+(?P<place>(?:the\s+)?[A-Z][\w'&.-]*(?:\s+(?:of|de|la|and|&)?\s*[A-Z][\w'&.-]*){0,4})"
)


def _pattern_interests(bio: str, sentence: _Span) -> list[Interest]:
    found: list[Interest] = []
    text = bio[sentence.start : sentence.end]
    for match in _BACKGROUND.finditer(text):
        place = match.group("place").strip()
        start = sentence.start + match.start()
        evidence = _evidence_span(bio, sentence, start, start + len(match.group()))
        found.append(
            Interest(
                place, InterestKind.BACKGROUND, bio[evidence.start : evidence.end], _KIND_WEIGHT[InterestKind.BACKGROUND], place
            )
        )
    for match in _RECENT_WORK.finditer(text):
        start = sentence.start + match.start()
        clause = _split(bio, _CLAUSE_BREAK, start, sentence.end)[0]
        if clause.end - clause.start > MAX_EVIDENCE_CHARS:
            clause = _word_window(bio, clause, clause.start, clause.start)
        quote = bio[clause.start : clause.end]
        bonus = 0.5 if _RECENT_CUE.search(quote) else 0.0
        found.append(
            Interest("recent work", InterestKind.RECENT_WORK, quote, _KIND_WEIGHT[InterestKind.RECENT_WORK] + bonus, quote)
        )
    return found


def find_interests(bio: str) -> list[Interest]:
    """The interests `bio` states, best opener first (see _ranked_interests); cached per bio string."""
    return list(_ranked_interests(bio))


@functools.lru_cache(maxsize=256)
def _ranked_interests(bio: str) -> tuple[Interest, ...]:
    """The interests `bio` states, best opener first: non-work pursuits, then causes, then the rest.

    One interest per topic (its best-scored statement); sentences that carry links, placeholders
    or requests are skipped, and so is text planted for a model, from its sentence to the end of
    its paragraph (shared.guardrails.injection).
    """
    best: dict[str, Interest] = {}
    planted = injection_spans(bio)
    for start, end in sentences(bio):
        sentence = _Span(start, end)
        if is_hostile(bio[start:end]) or touches_injection(planted, start, end):
            continue
        for interest in (*_lexicon_interests(bio, sentence), *_pattern_interests(bio, sentence)):
            key = interest.topic.casefold() if interest.kind is not InterestKind.RECENT_WORK else interest.evidence
            if key not in best or interest.score > best[key].score:
                best[key] = interest
    order = {id(interest): index for index, interest in enumerate(best.values())}
    return tuple(sorted(best.values(), key=lambda interest: (-interest.score, order[id(interest)])))


def _agents() -> dict[str, str]:
    """Topic -> its person noun, taken from the lexicon's forms ("hiker" for hiking)."""
    agents: dict[str, str] = {}
    for form, topic in FORM_TO_TOPIC.items():
        if topic not in agents and form.endswith(("er", "ist", "or", "ian")) and " " not in form:
            agents[topic] = form
    return agents


_AGENTS: Final = _agents()


def agent_of(topic: str) -> str | None:
    """The person noun for a topic ("climber" for climbing), None when the lexicon has none."""
    return _AGENTS.get(topic)


def topics_in(text: str) -> frozenset[str]:
    """The canonical topics `text` names, in any word form the lexicon knows."""
    return frozenset(
        FORM_TO_TOPIC[" ".join(text[start:end].lower().split())] for start, end in _lexicon_matches(text, 0, len(text))
    )


from shared.interests.overlap import Overlap, find_overlap  # noqa: E402  (overlap reads the names above)

__all__ = [
    "MAX_EVIDENCE_CHARS",
    "NON_WORK_KINDS",
    "Interest",
    "InterestKind",
    "Overlap",
    "agent_of",
    "find_interests",
    "find_overlap",
    "is_hostile",
    "sentences",
    "topics_in",
]
