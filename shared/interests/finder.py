"""Finding what a bio says its person cares about, ranked for an opener.

The bio is tokenised once; lexicon forms (data/topics.toml) and cue words (data/cues.toml) are looked up
in tries over those tokens, so the cost is linear in the bio. A form counts as a pursuit unless the
words around it give it a work sense ("running a team", "music industry", "Senior Photographer",
"works at Climb Labs"). Every interest carries an exact quote from the bio.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from shared.interests import cues
from shared.interests.evidence import CLAUSE_BREAK, MAX_EVIDENCE_CHARS, Sentence, Span, sentences, split, word_window
from shared.interests.hostile import is_hostile
from shared.interests.lexicon import ACRONYM_KEYS, FORM_INDEX, TOPICS, Topic, lineage
from shared.interests.tokens import PhraseMatch, Token, tokenise


class InterestKind(StrEnum):
    HOBBY = "hobby"
    OUTDOORS = "outdoors"
    SPORT = "sport"
    ARTS = "arts"
    MUSIC = "music"
    GAMES = "games"
    ANIMALS = "animals"
    FOOD = "food"
    CAUSE = "cause"
    FAMILY = "family"
    BACKGROUND = "background"
    RECENT_WORK = "recent_work"


# Non-work pursuits make the warmest openers, then causes, then the rest.
NON_WORK_KINDS: Final = frozenset(
    {
        InterestKind.HOBBY,
        InterestKind.OUTDOORS,
        InterestKind.SPORT,
        InterestKind.ARTS,
        InterestKind.MUSIC,
        InterestKind.GAMES,
        InterestKind.ANIMALS,
        InterestKind.FOOD,
    }
)
_CATEGORY_KIND: Final[dict[str, InterestKind]] = {
    "hobbies": InterestKind.HOBBY,
    "outdoors": InterestKind.OUTDOORS,
    "sports": InterestKind.SPORT,
    "arts": InterestKind.ARTS,
    "music": InterestKind.MUSIC,
    "games": InterestKind.GAMES,
    "animals": InterestKind.ANIMALS,
    "food": InterestKind.FOOD,
    "causes": InterestKind.CAUSE,
    "community": InterestKind.CAUSE,
    "family": InterestKind.FAMILY,
}
# Roles (mentoring) are named so that drafts can be checked against them, but are never an interest.
_NEVER_AN_INTEREST: Final = frozenset({"roles"})

_BASE_SCORE: Final[dict[InterestKind, float]] = {
    **dict.fromkeys(NON_WORK_KINDS, 3.0),
    InterestKind.CAUSE: 2.0,
    InterestKind.BACKGROUND: 1.5,
    InterestKind.RECENT_WORK: 1.0,
    InterestKind.FAMILY: 0.5,
}
# Equal scores are ordered by kind, then by where the bio says it: never by chance.
_KIND_RANK: Final[dict[InterestKind, int]] = {
    **dict.fromkeys(NON_WORK_KINDS, 0),
    InterestKind.CAUSE: 1,
    InterestKind.RECENT_WORK: 2,
    InterestKind.BACKGROUND: 3,
    InterestKind.FAMILY: 4,
}
HOBBY_CUE_BONUS: Final = 2.0
HOBBY_ADJECTIVE_BONUS: Final = 0.5
CAUSE_CUE_BONUS: Final = 0.5
WORK_CONTEXT_PENALTY: Final = 1.5
# Below this, a mention is too weak to open with or to call shared: a bare word in a sentence about work.
STATED_SCORE: Final = 2.0


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

    @property
    def shareable(self) -> bool:
        """A pursuit or cause the bio states (not a bare mention in a sentence about work): one a sender may share."""
        return (self.non_work or self.kind is InterestKind.CAUSE) and self.score >= STATED_SCORE


# --- the words around a form ---------------------------------------------------------------

_CLAUSE_PUNCTUATION: Final = frozenset(",;:()[]—–|/")
_AGENT_SUFFIXES: Final = ("er", "ers", "ist", "ists", "or", "ors", "eur", "euse", "ista", "istas", "erin", "ore", "ora")
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class _Context:
    """One sentence's tokens and what its cue words say, computed once per sentence."""

    bio: str
    tokens: Sequence[Token]
    hobby_cue: bool
    cause_cue: bool
    clause_of: Sequence[int]  # token index -> clause number
    work_clauses: frozenset[int]
    idiom_tokens: frozenset[int]

    def before(self, index: int) -> Token | None:
        return self.tokens[index - 1] if index > 0 and self.tokens[index].joiner == " " else None

    def after(self, index: int) -> Token | None:
        following = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        return following if following is not None and following.joiner == " " else None

    def text(self, token: Token) -> str:
        return self.bio[token.start : token.end]


def _context(bio: str, tokens: Sequence[Token]) -> _Context:
    clause_of: list[int] = []
    clause = 0
    for index, token in enumerate(tokens):
        gap = bio[tokens[index - 1].end : token.start] if index else ""
        if index and (cues.CLAUSE_JOINERS.has_word(token) or any(char in _CLAUSE_PUNCTUATION for char in gap)):
            clause += 1
        clause_of.append(clause)
    work_clauses = frozenset(clause_of[found.first] for found in cues.WORK_CONTEXT.phrases.scan(tokens, whole_words=False))
    idiom_tokens = frozenset(
        index for found in cues.IDIOMS.phrases.scan(tokens, whole_words=False) for index in range(found.first, found.last + 1)
    )
    return _Context(bio, tokens, cues.HOBBY.found_in(tokens), cues.CAUSE.found_in(tokens), clause_of, work_clauses, idiom_tokens)


def _is_agent(topic: Topic, form_key: str) -> bool:
    return form_key == (topic.agent or "").lower() or form_key.endswith(_AGENT_SUFFIXES)


def _is_not_a_pursuit(context: _Context, found: PhraseMatch[str], topic: Topic) -> bool:
    """True when the form means something other than a pursuit here: a work sense, a name, an employer, a job title."""
    tokens = context.tokens
    first, last = tokens[found.first], tokens[found.last]
    matched = context.bio[first.start : last.end]
    keys = tuple(token.key for token in tokens[found.first : found.last + 1])
    previous, following = context.before(found.first), context.after(found.last)
    if any(index in context.idiom_tokens for index in range(found.first, found.last + 1)):
        return True
    if keys in ACRONYM_KEYS and not matched.isupper():
        return True
    if topic.name in cues.INVITATION_TOPICS and _preceded_by(context, found.first, cues.INVITATION_BEFORE):
        return True
    if cues.WORK_NOUNS.has_word(following) or (cues.WEAK_WORK_NOUNS.has_word(following) and not context.hobby_cue):
        return True
    if cues.BLOCKING_BEFORE.has_word(previous):
        return True
    if not context.hobby_cue and _preceded_by(context, found.first, cues.WORK_BEFORE):
        return True
    if matched[:1].isupper() and previous is not None:
        previous_text = context.text(previous)
        # "Sarah Baker", "Tim Cook": a capitalised form after a capitalised word is part of a name ("the Berlin Marathon"
        # is an event one runs); after "at", an employer.
        if (
            previous_text[:1].isupper()
            and previous_text != "I"
            and not cues.HOBBY_ADJECTIVES.has_word(previous)
            and not cues.NAMED_EVENTS.has_word(last)
        ):
            return True
        if cues.EMPLOYER_BEFORE.has_word(previous):
            return True
    if following is not None and _is_verb_with_object(context, found, keys[-1], following):
        return True
    return _is_job_title(context, found, topic, " ".join(keys))


def _is_verb_with_object(context: _Context, found: PhraseMatch[str], last_key: str, following: Token) -> bool:
    """ "running the team", "cooking up strategies", "runs a consultancy"; "hiking the Alps" is still a pursuit."""
    if last_key.endswith("ing") and cues.VERB_OBJECTS.has_word(following):
        after_the = context.after(found.last + 1) if following.key == "the" else None
        return not (after_the is not None and context.text(after_the)[:1].isupper())
    # The cues are English words: French "à" folds to "a" but is no article ("escalade à Fontainebleau").
    return found.first == found.last and cues.OBJECT_AFTER_VERB.has_word(following) and context.text(following).isascii()


def _is_job_title(context: _Context, found: PhraseMatch[str], topic: Topic, form_key: str) -> bool:
    """ "Senior Photographer", "chef at Noma", "photographer based in Lisbon"; "yoga instructor on weekends" is a pastime."""
    if not _is_agent(topic, form_key) or context.hobby_cue:
        return False
    previous, following = context.before(found.first), context.after(found.last)
    return cues.JOB_TITLE_BEFORE.has_word(previous) or cues.JOB_TITLE_AFTER.has_word(following)


def _preceded_by(context: _Context, index: int, cue: cues.CueList) -> bool:
    """True when a cue phrase of one to three words ends right before tokens[index]."""
    for start in range(max(0, index - 3), index):
        found = cue.phrases.longest_at(context.tokens, start, whole_words=False)
        if found is not None and found.last == index - 1:
            return True
    return False


def _kind(topic: Topic) -> InterestKind:
    return _CATEGORY_KIND[topic.category]


def _lexicon_interests(
    context: _Context, sentence: Sentence, forms: Sequence[PhraseMatch[str]]
) -> Iterator[tuple[Interest, int]]:
    for found in forms:
        topic = TOPICS[found.value]
        if topic.category in _NEVER_AN_INTEREST or _is_not_a_pursuit(context, found, topic):
            continue
        kind = _kind(topic)
        score = _BASE_SCORE[kind]
        if kind is InterestKind.CAUSE:
            score += CAUSE_CUE_BONUS * (context.cause_cue + context.hobby_cue)
        elif context.hobby_cue:
            score += HOBBY_CUE_BONUS
        elif context.clause_of[found.first] in context.work_clauses:
            score -= WORK_CONTEXT_PENALTY
        if cues.HOBBY_ADJECTIVES.has_word(context.before(found.first)) and kind is not InterestKind.CAUSE:
            score += HOBBY_ADJECTIVE_BONUS
        # A longer form is a more specific statement: "open-water swimming" over "swimming".
        score += 0.25 * (found.last - found.first)
        start, end = context.tokens[found.first].start, context.tokens[found.last].end
        evidence = sentence.evidence(start, end)
        quote = context.bio[evidence.start : evidence.end]
        yield Interest(topic.name, kind, quote, score, context.bio[start:end], topic.agent, topic.activity), start


# --- recent work and background -------------------------------------------------------------

_SUBJECT = r"(?:I|We|She|He|[A-Z][a-z]+)"
_RECENT_WORK = re.compile(
    rf"\b{_SUBJECT}\s+(?:(?:recently|just|also)\s+)?(?:(?:have|has|'ve)\s+)?(?:recently\s+|just\s+)?"
    r"(?P<verb>led|launched|published|shipped|released|spoke\s+at|presented\s+at|gave\s+a\s+talk|wrote|co-authored|authored|completed|founded|co-founded"
    r"|open-sourced|won|organised|organized|hosted|started)\b[^.!?\n]{3,}"
)
_BACKGROUND = re.compile(
    r"(?i:grew\s+up\s+in|originally\s+from|born\s+(?:and\s+raised\s+)?in|raised\s+in|moved\s+(?:here\s+)?from|studied\s+(?:\w+\s+){0,3}at|alumn(?:us|a|i)\s+of|graduated\s+from)"
    r"\s+(?P<place>(?:the\s+)?[A-Z][\w'&.-]*(?:\s+(?:(?:of|de|la|and|&)\s+)?[A-Z][\w'&.-]*){0,4})"
)


# The shortest sentence _RECENT_WORK or _BACKGROUND can match ("I led abc": a subject, a verb and three characters).
_SHORTEST_PATTERN_STATEMENT = 8


def _is_career_history(quote: str, verb: str) -> bool:
    """ "started my career at X in 2009", "founded Acme in 2015": where a career went, not news to open with."""
    tokens = tokenise(quote)
    recent = cues.RECENT.found_in(tokens)
    if cues.CAREER_HISTORY.found_in(tokens):
        return True
    return not recent and (verb == "started" or any(_YEAR.fullmatch(token.key) for token in tokens))


def _pattern_interests(bio: str, sentence: Sentence) -> Iterator[tuple[Interest, int]]:
    span = sentence.span
    for match in _BACKGROUND.finditer(bio, span.start, span.end):
        place = match.group("place").strip()
        evidence = sentence.evidence(match.start(), match.end())
        quote = bio[evidence.start : evidence.end]
        yield (
            Interest(place, InterestKind.BACKGROUND, quote, _BASE_SCORE[InterestKind.BACKGROUND], place, None, place),
            match.start(),
        )
    for match in _RECENT_WORK.finditer(bio, span.start, span.end):
        clause = split(bio, CLAUSE_BREAK, match.start(), span.end)[0]
        if clause.end - clause.start > MAX_EVIDENCE_CHARS:
            clause = word_window(bio, clause, clause.start, clause.start)
        quote = bio[clause.start : clause.end]
        # The cue may sit before the subject: "Previously, I led …".
        if _is_career_history(bio[span.start : clause.end], " ".join(match.group("verb").split())):
            continue
        score = _BASE_SCORE[InterestKind.RECENT_WORK] + (0.5 if cues.RECENT.found_in(tokenise(quote)) else 0.0)
        yield Interest("recent work", InterestKind.RECENT_WORK, quote, score, quote, None, quote), match.start()


# --- the ranking ---------------------------------------------------------------------------------


def find_interests(bio: str) -> list[Interest]:
    """The interests `bio` states, best opener first: stated non-work pursuits, then causes, then work topics.

    One interest per topic (its best-scored statement); equal scores are ordered by kind, then by
    position. Sentences that carry links, placeholders or requests are skipped, and so is text planted
    for a model, from its sentence to the end of its paragraph (shared.guardrails.injection).
    Cached per bio string: the composer, the overlap and the prompt all ask about the same bio.
    """
    return list(_ranked_interests(bio))


@functools.lru_cache(maxsize=256)
def _ranked_interests(bio: str) -> tuple[Interest, ...]:
    best: dict[str, tuple[Interest, int]] = {}
    tokens = tokenise(bio)
    token_starts = [token.start for token in tokens]
    for start, end in sentences(bio):
        sentence_tokens = tokens[bisect.bisect_left(token_starts, start) : bisect.bisect_left(token_starts, end)]
        forms = list(FORM_INDEX.scan(sentence_tokens))
        # A line of a letter or two (a hostile bio may hold thousands) can state nothing: skip it at once.
        if not forms and end - start < _SHORTEST_PATTERN_STATEMENT:
            continue
        if is_hostile(bio, start, end):
            continue
        sentence = Sentence(bio, Span(start, end))
        # Most sentences name no hobby: their clause context (the costly part) is built only for those that do.
        lexicon = _lexicon_interests(_context(bio, sentence_tokens), sentence, forms) if forms else ()
        for interest, position in (*lexicon, *_pattern_interests(bio, sentence)):
            key = interest.topic.casefold() if interest.kind is not InterestKind.RECENT_WORK else interest.evidence
            if key not in best or interest.score > best[key][0].score:
                best[key] = (interest, position)
    ranked = sorted(best.values(), key=lambda pair: (-pair[0].score, _KIND_RANK[pair[0].kind], pair[1]))
    return tuple(interest for interest, _ in ranked)


def topics_in(text: str) -> frozenset[str]:
    """The canonical topics `text` names in any word form or covered language, with the broader topics they are kinds
    of ("sea swimmer" -> open-water swimming and swimming). No judgement of sense: "running a team" names running."""
    tokens = tokenise(text)
    named: set[str] = set()
    for found in FORM_INDEX.scan(tokens):
        keys = tuple(token.key for token in tokens[found.first : found.last + 1])
        if keys in ACRONYM_KEYS and not text[tokens[found.first].start : tokens[found.last].end].isupper():
            continue
        named.update(lineage(found.value))
    return frozenset(named)


def agent_of(topic: str) -> str | None:
    """The person noun for a topic ("climber" for climbing), None when it has none."""
    entry = TOPICS.get(topic)
    return entry.agent if entry else None


def activity_of(topic: str) -> str:
    """The pursuit as a noun phrase ("open-water swimming"); the topic itself when the lexicon does not know it."""
    entry = TOPICS.get(topic)
    return entry.activity if entry else topic
