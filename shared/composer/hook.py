"""Finding the hook: what the draft opens with, best first.

The sender's overlap comes first (find_overlap: the bio's interest the sender also has), then the bio's
stated non-work interests, then causes, then recent news (only when the bio says it is recent), and last an
honest fallback: something true and specific the bio says its person does. A bio span is used only when
neither it nor the rest of its sentence near it holds a link, contact, placeholder, ask or planted text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from shared.composer.readings import is_parent_word, names_a_cause, pet_phrase, pet_word, served_clause, words_after
from shared.composer.retell import Reteller, is_verb
from shared.composer.specifics import ROLE_WORDS
from shared.composer.specifics import what_they_do as specific_clause
from shared.composer.wording import article, looks_english, variants
from shared.guardrails import find_asks, injection_spans
from shared.guardrails.form import find_foreign_links, find_placeholders
from shared.guardrails.injection import touches_injection
from shared.interests import Interest, InterestKind, Overlap, find_interests, find_overlap, sentences
from shared.models import DraftRequest, SharedInterest

# Interests scoring below this are bare mentions in work sentences: too weak to open with.
MIN_OPENER_SCORE = 2.0
# How far around a quoted span its sentence must be clean: a link at the far end of a long sentence does not
# taint a clause, one next to it does.
_CONTEXT_CHARS = 100
_NOT_INTERESTS: Final = frozenset(variants("hooks", "not_interests"))
_RECENT_CUE = re.compile(r"(?i)\b(?:" + "|".join(re.escape(cue) for cue in variants("hooks", "recent_cues")) + r")\b")


class Mood(StrEnum):
    HOBBY = "hobby"
    CAUSE = "cause"
    RECENT = "recent"
    HONEST = "honest"


@dataclass(frozen=True)
class Hook:
    """How the draft opens.

    `clauses`: second-person retellings ("you go bouldering"), best first; `noun_phrase`: the bio's own word
    for it ("the book club") when no clause reads well; `name`: how to name the pursuit in a question or
    subject ("bouldering"), None when the bio gives no clean name; `overlap`: set when the sender shares it.
    """

    interest: Interest | None
    mood: Mood
    clauses: tuple[str, ...]
    noun_phrase: str | None = None
    name: str | None = None
    overlap: Overlap | None = None
    # A pet ("cat"): a companion, not a pastime, so sharing reads "I'm a cat person too".
    pet: str | None = None
    # No question fits (a pet, a child's sport): the draft closes with a plain good wish.
    plain_closing: bool = False

    @property
    def shared_interest(self) -> SharedInterest:
        if self.interest is None:
            return SharedInterest.none_found()
        return SharedInterest(
            topic=self.interest.topic,
            bio_evidence=self.interest.evidence,
            found=True,
            shared_with_sender=self.overlap is not None,
        )


# Anything that could be part of an address, however spelled ("trails-example.club", "site[.]com", "me at x dot io"):
# stricter than the link check on purpose, since a retold clause must never carry half of one.
_LINK_LIKE = re.compile(r"\w(?:\.|\[\.\]|\(\.\)|\sdot\s)\w|@|://|\bwww\b", re.IGNORECASE)


class BioReading:
    """The bio analysed once per request: its sentences and planted text, and whether a span may be quoted."""

    def __init__(self, bio: str) -> None:
        self.bio = bio
        self.sentences = sentences(bio)
        self._starts = [start for start, _ in self.sentences]
        self._planted = injection_spans(bio)
        self._quotable: dict[str, bool] = {}

    def quotable(self, start: int, end: int) -> bool:
        """True when bio[start:end] and its sentence around it are clean enough to quote or retell."""
        if touches_injection(self._planted, start, end):
            return False
        index = bisect.bisect_right(self._starts, start) - 1
        sentence_start, sentence_end = self.sentences[index] if index >= 0 else (start, end)
        around = self.bio[max(sentence_start, start - _CONTEXT_CHARS) : min(max(sentence_end, end), end + _CONTEXT_CHARS)]
        return not (
            _LINK_LIKE.search(around)
            or find_foreign_links(around, allowed_sources="")
            or find_placeholders(around)
            or find_asks(around)
        )

    def quotable_text(self, text: str) -> bool:
        if text not in self._quotable:
            start = self.bio.find(text)
            self._quotable[text] = start != -1 and self.quotable(start, start + len(text))
        return self._quotable[text]


# --- naming a pursuit ---------------------------------------------------------------------------

# Forms that name a person ("runner") or a single thing ("the book club") need their own grammar.
_AGENT_ENDINGS = ("er", "ist", "or", "ian", "ete", "yogi", "poet", "cook", "lover", "bookworm", "polyglot", "dj", "volunteer")
_NOT_AGENTS: Final = frozenset({"soccer", "cider"})
_COUNT_FORM = re.compile(
    r"(?:half )?marathon|ultramarathon|5k|10k|parkrun|ironman|triathlon|hike|trek|campervan|sailboat|kayak|canoe|allotment|choir"
    r"|(?:bass )?guitar|piano|violin|cello|(?:rescue )?dog|cat|puppy|podcast|crossword|jigsaw|(?:book|code) club|food bank"
    r"|soup kitchen|animal shelter|road bikes?|dinghy|dinghies|paddleboard|surfboard|telescope|sewing machine",
    re.IGNORECASE,
)
_HOBBY_CUE_ADJECTIVE = re.compile(r"(?i)\b(avid|keen|amateur|passionate|aspiring|lifelong|enthusiastic|occasional|proud)\s+$")


def counted(word: str) -> str:
    """ "an allotment", "the parkrun"-style words that name one thing take an article; "sourdough" does not."""
    return f"{article(word)} {word}" if _COUNT_FORM.fullmatch(word) else word


def is_agent(form: str) -> bool:
    return form not in _NOT_AGENTS and form.endswith(_AGENT_ENDINGS)


def _mention(interest: Interest) -> str:
    mention = " ".join(interest.mention.split())
    if interest.kind is InterestKind.BACKGROUND or (mention.isupper() and len(mention) <= 4):
        return mention
    return mention.lower()


def same_stem(first: str, second: str) -> bool:
    """ "climber" ~ "climbing", "baker" ~ "baking": the person and the pursuit share their stem."""
    left, right = first.lower().split()[-1:] or [""], second.lower().split()
    for word in right:
        common = 0
        while common < min(len(left[0]), len(word)) and left[0][common] == word[common]:
            common += 1
        if common >= 3 and common * 2 >= min(len(left[0]), len(word)):
            return True
    return False


def pursuit_name(interest: Interest) -> str | None:
    """The pursuit as a reader would name it in "What got you into ___?": the bio's own word when it names the
    doing ("bouldering", "open-water swimming"), else the lexicon's activity ("jazz trio" -> "jazz", "gospel choir"
    -> "choir singing", "climber" -> "climbing", "natación" -> "swimming"), never a person noun or a verb."""
    mention = _mention(interest)
    english = looks_english(interest.evidence)
    # A verb ("swims", "bake bread") names no pursuit: "into swims" reads wrong, "into swimming" does not.
    verb = is_verb(mention.split()[0]) if mention else False
    plain = english and not verb and not is_agent(mention.lower()) and not _COUNT_FORM.fullmatch(mention)
    if plain and mention.endswith("ing"):
        return mention
    activity = interest.activity or interest.topic
    if activity:
        return activity
    return mention if plain else None


_HEADLINE_PIECE = re.compile(r"\s*(?:,|;|\band\b|\.)\s*")
_HEADLINE_LEAD = re.compile(r"^(?:(?:a|an)\s+)?(?:[\w-]+\s+){0,3}$", re.IGNORECASE)
_VERB = re.compile(r"(?i)\b(?:is|are|was|were|am|be|been|has|have|do|does)\b")
_PRONOUNS = re.compile(r"(?i)\b(?:I|me|my|we|our|she|he|her|his|they|their)\b")


def _headline_clause(interest: Interest, mention: str) -> str | None:
    """ "Salsa dancer on Thursday nights" -> "you're a salsa dancer on Thursday nights": a headline item about a person."""
    evidence = interest.evidence
    position = evidence.lower().find(mention.lower())
    if position < 0:
        return None
    start = max((found.end() for found in _HEADLINE_PIECE.finditer(evidence, 0, position)), default=0)
    breaks = _HEADLINE_PIECE.search(evidence, position + len(mention))
    piece = evidence[start : breaks.start() if breaks else len(evidence)].strip()
    lead = piece[: piece.lower().find(mention.lower())]
    if not piece or not _HEADLINE_LEAD.match(lead) or _PRONOUNS.search(piece) or ROLE_WORDS.search(piece):
        return None
    # The piece must name a person ("salsa dancer", "amateur potter"): the mention itself or the word right after it.
    after = piece[piece.lower().find(mention.lower()) + len(mention) :].split()[:1]
    if not (is_agent(mention.lower()) or (after and is_agent(after[0].lower()) and len(after[0]) > 4)) or _VERB.search(lead):
        return None
    piece = re.sub(r"(?i)^(?:a|an)\s+", "", piece)
    # Headline case ("Avid Runner") is no proper noun: every word in lower case, acronyms kept; otherwise only the first
    # ("Salsa dancer on Thursday nights" keeps its Thursday).
    words = piece.split()
    title_case = all(word[:1].isupper() for word in words)
    piece = " ".join(
        word if (word.isupper() and len(word) > 1) or (index and not title_case) else word[:1].lower() + word[1:]
        for index, word in enumerate(words)
    )
    return f"you're {article(piece.split()[0])} {piece}"


def _built_clause(interest: Interest, name: str | None) -> str | None:
    """A clause made from the bio's own word for the interest, when its evidence cannot be retold."""
    if interest.kind in (InterestKind.BACKGROUND, InterestKind.RECENT_WORK):
        return None
    mention = _mention(interest)
    english = looks_english(interest.evidence)
    headline = _headline_clause(interest, mention) if english else None
    if headline is not None:
        return headline
    if english and is_agent(mention.lower()):
        position = interest.evidence.lower().find(mention.lower())
        adjective = _HOBBY_CUE_ADJECTIVE.search(interest.evidence[: max(position, 0)])
        described = f"{adjective.group(1).lower()} {mention}" if adjective else mention
        return f"you're {article(described.split()[0])} {described}"
    if name is None:
        return None
    return f"you care about {name}" if interest.kind is InterestKind.CAUSE else f"you're into {name}"


# --- retelling the evidence ---------------------------------------------------------------------

_STRONG_BREAK = re.compile(r"\s*(?:[;:()]|\s[—–-]\s|—)\s*")
COMMA_BREAK = re.compile(r"\s*,\s*")
_AND = re.compile(r"\s+and\s+")


def _without_trailing_aside(text: str, position: int) -> str:
    """ "I bake sourdough, usually badly" -> "I bake sourdough": an aside after the interest is the bio's to make."""
    comma = text.find(",", position)
    if comma == -1:
        return text
    following = text[comma + 1 :].split()[:1]
    # "She swims every morning, runs on Sundays" lists what she does: no aside to drop.
    return text if following and is_verb(following[0]) else text[:comma]


def narrowing(text: str, position: int, breaks: Sequence[re.Pattern[str]]) -> list[tuple[re.Pattern[str], str]]:
    """Split by each pattern in turn, the piece holding `position` each time, with the pattern that cut it: the
    clause of a bio sentence that names an interest, narrower at every step."""
    steps = []
    for pattern in breaks:
        offset = 0
        for piece in pattern.split(text):
            start = text.find(piece, offset)
            offset = start + len(piece)
            if start <= position < offset:
                text, position = piece, position - start
                steps.append((pattern, text))
                break
    return steps


def _retold(interest: Interest, reteller: Reteller, max_chars: int) -> str | None:
    """The evidence retold in the second person: whole if it is one statement, else the narrowest part naming it."""
    if not looks_english(interest.evidence):
        return None
    part = interest.evidence
    position = max(part.lower().find(interest.mention.lower()), 0)
    candidates = [] if _STRONG_BREAK.search(part) else [_without_trailing_aside(part, position), part]
    # Narrow step by step (dash or semicolon, then comma, then "and") to the piece that names the interest.
    candidates += [piece for _pattern, piece in narrowing(part, position, (_STRONG_BREAK, COMMA_BREAK, _AND))]
    # A clause that also tells their job ("you're a backend engineer at X and you play saxophone") is the last resort.
    candidates.sort(key=lambda candidate: bool(ROLE_WORDS.search(candidate.replace(interest.mention, ""))))
    for candidate in dict.fromkeys(candidates):
        retold = reteller.second_person(candidate, max_chars=max_chars)
        if retold is not None:
            return retold
    return None


def _mood(interest: Interest) -> Mood | None:
    if interest.kind is InterestKind.RECENT_WORK:
        # Congratulations only for news the bio says is recent, never for where a career started.
        return Mood.RECENT if _RECENT_CUE.search(interest.evidence) else None
    if interest.non_work:
        return Mood.HOBBY
    return Mood.CAUSE if interest.kind is InterestKind.CAUSE else None


def _hook(interest: Interest, mood: Mood, shared: Overlap | None, reteller: Reteller, clause_chars: int) -> Hook | None:
    after = words_after(interest) if looks_english(interest.evidence) else []
    if after and is_parent_word(after[0]):
        # "Hockey dad": a parent of a player. Said as the bio says it, with no question about playing.
        parent = f"{_mention(interest)} {after[0]}"
        clause = f"you're {article(parent)} {parent}"
        return Hook(interest, Mood.HOBBY, (clause,), overlap=shared, plain_closing=True) if len(clause) <= clause_chars else None
    if names_a_cause(after):
        # "Trustee of a youth rowing charity": a cause the person serves, not their pastime; nobody shares it as one.
        served = served_clause(interest, reteller, clause_chars)
        return Hook(interest, Mood.CAUSE, (served,)) if served is not None else None
    pet = pet_word(interest.topic)
    name = None if pet else pursuit_name(interest)
    retold = (_retold(interest, reteller, clause_chars), _built_clause(interest, name))
    clauses = tuple(dict.fromkeys(clause for clause in retold if clause is not None and len(clause) <= clause_chars))
    if mood is Mood.RECENT:
        clauses = clauses[:1] if clauses and not clauses[0].startswith("you're into") else ()
    noun_phrase = pet_phrase(interest) if pet else None
    if name is not None and mood is not Mood.RECENT:
        noun_phrase = f"the {name}" if _COUNT_FORM.fullmatch(name) else name
    if not clauses and noun_phrase is None:
        return None
    return Hook(interest, mood, clauses, noun_phrase, name, shared, pet=pet, plain_closing=pet is not None)


_MOOD_ORDER: Final = (Mood.HOBBY, Mood.CAUSE, Mood.RECENT)


def hooks(request: DraftRequest, reading: BioReading, reteller: Reteller, clause_chars: int) -> Iterator[Hook]:
    """Candidate openings, best first and built only as far as they are needed; the last is the honest fallback.

    The shared overlap first; then pursuits, causes and recent news, each in the interests' own ranking, those the
    bio lets us retell as a clause before those it only names.
    """
    bio = request.target_bio
    overlap = find_overlap(bio, request.sender_interests, pitch=request.pitch)
    if overlap is not None and reading.quotable_text(overlap.interest.evidence):
        shared = _hook(overlap.interest, Mood.HOBBY, overlap, reteller, clause_chars)
        if shared is not None:
            yield shared
    by_mood: dict[Mood, list[Interest]] = {mood: [] for mood in _MOOD_ORDER}
    for interest in find_interests(bio):
        mood = _mood(interest)
        if mood is None or interest.topic in _NOT_INTERESTS:
            continue
        if interest.score < MIN_OPENER_SCORE and mood is not Mood.RECENT:
            continue
        by_mood[mood].append(interest)
    for mood in _MOOD_ORDER:
        found = [
            hook
            for interest in by_mood[mood]
            if reading.quotable_text(interest.evidence)
            and (hook := _hook(interest, mood, None, reteller, clause_chars)) is not None
        ]
        # A pet is a companion, not a pursuit: the person's pastimes open first.
        yield from sorted(found, key=lambda hook: (hook.pet is not None, not hook.clauses))
    what_they_do = specific_clause(bio, reading.sentences, reading.quotable, reteller, clause_chars)
    yield Hook(None, Mood.HONEST, (what_they_do,) if what_they_do else ())
