"""Offline composer: a deterministic, network-free no-ask draft from the bio and pitch.

Contract:

- compose_offline(request: DraftRequest) -> OfflineDraft
    OfflineDraft is a frozen dataclass with body: str, subject: str | None (email only),
    shared_interest: SharedInterest. The draft passes every guardrail in
    shared.guardrails.check_message for that request.

How it writes: open with the best interest the bio states (shared.interests), retold in the
second person ("you spend your weekends bouldering") or named in the bio's own words; then
the sender's pitch, first-person and compressed to the channel; then a close that offers or
wonders but never asks. Phrasing varies with a stable hash of the request, so the same
request always gets the same draft. Every fact in the draft comes from the bio, the pitch or
the names given; when the bio offers no usable overlap the draft says so honestly by
pointing at something the bio really says, or simply says hello.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from shared.guardrails import check_message, find_asks
from shared.guardrails.injection import injection_spans, touches_injection
from shared.interests import NON_WORK_KINDS, Interest, InterestKind, find_interests, is_hostile, sentences
from shared.models import Channel, DraftRequest, Rule, SharedInterest
from shared.text import word_count

# Interests scoring below this are bare mentions in work sentences: too weak to open with.
MIN_OPENER_SCORE = 2.0
# Long channels aim well inside their 25-90 word range, leaving room for the reader's patience.
TARGET_MAX_WORDS = 80
TARGET_MIN_WORDS = 28
MAX_SUBJECT_CHARS = 80
# How long a retold bio clause may be: notes have little room, longer messages more.
MAX_CLAUSE_CHARS = 120
CLAUSE_CHARS: Final = {Channel.LINKEDIN_NOTE: 70, Channel.LINKEDIN_NOTE_PREMIUM: 100}


@dataclass(frozen=True)
class OfflineDraft:
    body: str
    subject: str | None
    shared_interest: SharedInterest


class _Variation:
    """Deterministic choices: the same request always picks the same phrasing, different requests differ."""

    def __init__(self, request: DraftRequest) -> None:
        key = "\x1f".join(
            (request.target_bio, request.pitch, request.channel.value, request.target_name or "", request.sender_name or "")
        )
        self._seed = hashlib.blake2b(key.encode(), digest_size=16).digest()

    def pick(self, slot: str, options: Sequence[str]) -> str:
        digest = hashlib.blake2b(slot.encode(), key=self._seed, digest_size=8).digest()
        return options[int.from_bytes(digest, "big") % len(options)]

    def order(self, slot: str, options: Sequence[str]) -> list[str]:
        """All options, starting from this request's pick: a preference order for fitting."""
        start = options.index(self.pick(slot, options))
        return [*options[start:], *options[:start]]


# --- names ------------------------------------------------------------------------------------

_HONORIFICS: Final = frozenset(
    ["dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx", "mx.", "prof", "prof.", "professor", "sir", "dame"]
)
_NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*\.?$")


def _first_name(name: str | None) -> str | None:
    """The name to greet by, or None when the given name is not usable as one (placeholders, links)."""
    if not name or is_hostile(name):
        return None
    tokens = [token for token in name.split() if token.casefold() not in _HONORIFICS]
    if not tokens or not _NAME_TOKEN.match(tokens[0]):
        return None
    first = tokens[0].rstrip(".")
    return first[:1].upper() + first[1:] if first.islower() else first


def _sender_name(name: str | None) -> str | None:
    if not name or is_hostile(name) or not all(_NAME_TOKEN.match(token) for token in name.split()):
        return None
    return name


# --- grammar helpers --------------------------------------------------------------------------

_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")


def _article(word: str) -> str:
    if len(word) > 1 and word.isupper():
        # Acronyms are read letter by letter: "an SRE", "a UX designer".
        return "an" if word[0] in _VOWEL_SOUND_LETTERS else "a"
    lowered = word.lower()
    if lowered.startswith(("uni", "use", "usu", "eu", "one")):
        return "a"
    return "an" if lowered[:1] in "aeiou" or lowered.startswith(("hour", "honest")) else "a"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _keeps_capital(word: str, source: str) -> bool:
    """Acronyms, "iOS"-style words and proper nouns (capitalised mid-sentence in `source`) keep their case."""
    if (
        word == "I"
        or word.startswith(("I'", "I’"))
        or (len(word) > 1 and word.isupper())
        or any(char.isupper() for char in word[1:])
    ):
        return True
    return bool(re.search(rf"[\w,;] {re.escape(word)}\b", source))


def _lower_first(text: str, source: str) -> str:
    first = text.split(" ", 1)[0]
    return text if _keeps_capital(first, source) else text[:1].lower() + text[1:]


def _sentence(text: str) -> str:
    text = text.strip().rstrip(",;:—–- ")
    return text if text.endswith((".", "!", "?")) else f"{text}."


# --- the bio person, retold in the second person -----------------------------------------------

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
_IRREGULAR_BASE: Final = {"is": "are", "has": "have", "does": "do", "goes": "go", "was": "were"}
_LEFTOVER_PRONOUN = re.compile(
    r"(?i)\b(?:I|me|my|mine|myself|we|us|our|ours|she|he|her|hers|his|him|herself|himself|they|them|their|theirs)\b|\bI['’]"
)
_SECOND_PERSON = re.compile(r"(?i)\byou(?:r|rs|rself|['’](?:re|ve|d|ll))?\b")
# "you" opens the clause, or follows one short time/place phrase ("in your spare time you ...", "when you're not
# coding, you ..."); anything else before it (a list of nouns, a job title) would not read as a sentence.
_SUBJECT_START = re.compile(
    r"(?i)^(?:(?:in|on|at|when|whenever|outside|every|most|during|after|before|since|over|each|these|this|off)\b[^,;]{0,60}?,?\s+)?"
    r"you(?:['’](?:re|ve|d|ll))?\b"
)


def _base_form(verb: str) -> str:
    if verb in _IRREGULAR_BASE:
        return _IRREGULAR_BASE[verb]
    if verb.endswith("ies") and len(verb) > 4:
        return verb[:-3] + "y"
    if verb.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return verb[:-2]
    if verb.endswith("s") and not verb.endswith(("ss", "us", "is")):
        return verb[:-1]
    return verb


def _third_person_to_second(clause: str, names: Sequence[str]) -> str:
    subjects = ["she", "he", "She", "He", *names]
    subject = "(?:" + "|".join(re.escape(name) for name in sorted(subjects, key=len, reverse=True)) + ")"
    clause = re.sub(rf"\b{subject}['’]s(?= {_PARTICIPLES}\b)", "you've", clause)
    clause = re.sub(
        rf"\b{subject}['’]s(?= (?:a|an|the|{_ADVERB}|[a-z]+ing|based|passionate|into|on|in|at|not)\b)", "you're", clause
    )
    clause = re.sub(rf"\b{subject}['’]s\b", "your", clause)
    clause = re.sub(
        rf"\b{subject}((?: {_ADVERB})?) ([a-z]+)\b",
        lambda found: f"you{found.group(1)} {_base_form(found.group(2))}",
        clause,
    )
    clause = re.sub(rf"\b{subject}\b", "you", clause)
    clause = re.sub(r"\b[Hh]er(?= (?:and|to|in|on|at|with|for|from|as|about)\b|[.,;]|$)", "you", clause)
    for pattern, replacement in (
        (r"\b[Hh]er\b", "your"),
        (r"\b[Hh]is\b", "your"),
        (r"\b[Hh]im\b", "you"),
        (r"\b(?:[Hh]er|[Hh]im)self\b", "yourself"),
    ):
        clause = re.sub(pattern, replacement, clause)
    return clause


def _second_person(clause: str, *, bio: str, names: Sequence[str], max_chars: int) -> str | None:
    """`clause` about the bio's person retold as "you ...", or None when that cannot be done cleanly."""
    clause = clause.strip()
    if _SECOND_PERSON.search(clause) or is_hostile(clause) or "?" in clause:
        return None
    first_person = bool(re.search(r"\bI\b|\bI['’]|\b[Mm]y\b", clause))
    if first_person:
        for pattern, replacement in _FIRST_PERSON:
            clause = pattern.sub(replacement, clause)
    else:
        clause = _third_person_to_second(clause, names)
    # "also" leans on a sentence the reader of the draft never sees.
    clause = re.sub(r"\b(you(?:['’](?:re|ve))?) also\b", r"\1", clause)
    if _LEFTOVER_PRONOUN.search(clause) or not _SUBJECT_START.match(clause) or len(clause) > max_chars:
        return None
    return _lower_first(clause, bio)


def _bio_names(bio: str, target_name: str | None) -> list[str]:
    """Names the bio may use for its person: the given name's parts, or the bio's opening "Maria Lopez is ..."."""
    names = [token for token in (target_name or "").split() if _NAME_TOKEN.match(token) and token.casefold() not in _HONORIFICS]
    opening = re.match(
        r"^((?:[A-Z][a-z'’-]+ ){0,2}[A-Z][a-z'’-]+) (?:is|was|has|leads|runs|works|helps|builds|spends|loves)\b", bio
    )
    if opening:
        names.extend((opening.group(1), *opening.group(1).split()))
    return sorted(set(names), key=len, reverse=True)


# --- the opening hook -------------------------------------------------------------------------

# Forms that name a person ("runner") or a single thing ("the book club") need their own grammar.
_AGENT_ENDINGS = ("er", "ist", "or", "ian", "ete", "yogi", "poet", "cook", "lover", "bookworm", "polyglot", "dj", "volunteer")
_NOT_AGENTS: Final = frozenset({"soccer", "cider"})
_COUNT_FORM = re.compile(
    r"(?:half )?marathon|ultramarathon|5k|10k|parkrun|ironman|triathlon|hike|trek|campervan|sailboat|kayak|canoe|allotment|choir"
    r"|(?:bass )?guitar|piano|violin|cello|(?:rescue )?dog|cat|puppy|podcast|crossword|jigsaw|(?:book|code) club|food bank"
    r"|soup kitchen|animal shelter",
    re.IGNORECASE,
)
_HOBBY_CUE_ADJECTIVE = re.compile(r"(?i)\b(avid|keen|amateur|passionate|aspiring|lifelong|enthusiastic|occasional|proud)\s+$")


@dataclass(frozen=True)
class _Hook:
    """How the draft opens: second-person clauses ("you're into jazz"), longest first, or a noun phrase ("the book club").

    `shared_note` is set when the pitch states the same interest, so the sender can truly say they share it.
    """

    interest: Interest | None
    clauses: tuple[str, ...]
    noun_phrase: str | None
    shared_note: str | None = None


def _mention_text(interest: Interest) -> str:
    mention = " ".join(interest.mention.split())
    if interest.kind is InterestKind.BACKGROUND or (mention.isupper() and len(mention) <= 4):
        return mention
    return mention.lower()


def _is_agent(form: str) -> bool:
    return form not in _NOT_AGENTS and form.endswith(_AGENT_ENDINGS)


def _built_clause(interest: Interest) -> str | None:
    """A clause made from the bio's own word for the interest, when its evidence cannot be retold."""
    mention = _mention_text(interest)
    if interest.kind is InterestKind.BACKGROUND or interest.kind is InterestKind.RECENT_WORK:
        return None
    if _is_agent(mention.lower()):
        position = interest.evidence.lower().find(mention.lower())
        adjective = _HOBBY_CUE_ADJECTIVE.search(interest.evidence[: max(position, 0)])
        described = f"{adjective.group(1).lower()} {mention}" if adjective else mention
        return f"you're {_article(described.split()[0])} {described}"
    if _COUNT_FORM.fullmatch(mention):
        return None
    return f"you care about {mention}" if interest.kind is InterestKind.CAUSE else f"you're into {mention}"


_STRONG_BREAK = re.compile(r"\s*(?:[;:()]|\s[—–-]\s|—)\s*")
_COMMA = re.compile(r"\s*,\s*")
_AND = re.compile(r"\s+and\s+")


def _retold(interest: Interest, *, bio: str, names: Sequence[str], max_chars: int) -> str | None:
    """The evidence retold in the second person: whole if it is one statement, else the narrowest part naming the interest."""
    part = interest.evidence
    position = max(part.lower().find(interest.mention.lower()), 0)
    candidates = [] if _STRONG_BREAK.search(part) else [part]
    # Narrow step by step (dash or semicolon, then comma, then "and") to the piece that names the interest.
    for pattern in (_STRONG_BREAK, _COMMA, _AND):
        offset = 0
        for piece in pattern.split(part):
            start = part.find(piece, offset)
            offset = start + len(piece)
            if start <= position < offset:
                part, position = piece, position - start
                candidates.append(part)
                break
    for candidate in dict.fromkeys(candidates):
        retold = _second_person(candidate, bio=bio, names=names, max_chars=max_chars) if _looks_english(candidate) else None
        if retold is not None:
            return retold
    return None


def _shared_note(pitch_interest: Interest) -> str:
    """One sentence saying what the sender shares, in the pitch's own words."""
    form = _mention_text(pitch_interest)
    if pitch_interest.kind is InterestKind.BACKGROUND:
        return f"We share the {form} connection."
    if _is_agent(form.lower()):
        return f"I'm {_article(form)} {form} too."
    if _COUNT_FORM.fullmatch(form):
        return "That's something we have in common."
    return f"{_capitalise(form)} is something we have in common."


def _hooks(request: DraftRequest, clause_chars: int) -> list[_Hook]:
    """Candidate openings, best first; the last one is always the honest hello."""
    bio = request.target_bio
    names = _bio_names(bio, request.target_name)
    pitch_interests = {
        interest.topic.casefold(): interest
        for interest in reversed(find_interests(request.pitch))
        if interest.kind is not InterestKind.RECENT_WORK
    }
    ranked: list[tuple[float, _Hook]] = []
    for interest in find_interests(bio):
        shared_with = pitch_interests.get(interest.topic.casefold()) if interest.kind is not InterestKind.RECENT_WORK else None
        if interest.kind is InterestKind.FAMILY or (interest.kind is InterestKind.BACKGROUND and shared_with is None):
            continue
        if interest.score < MIN_OPENER_SCORE and interest.kind is not InterestKind.RECENT_WORK and shared_with is None:
            continue
        retold = (_retold(interest, bio=bio, names=names, max_chars=clause_chars), _built_clause(interest))
        clauses = tuple(dict.fromkeys(clause for clause in retold if clause is not None and len(clause) <= clause_chars))
        mention = _mention_text(interest)
        noun_phrase = f"the {mention}" if _COUNT_FORM.fullmatch(mention) or interest.kind is InterestKind.BACKGROUND else mention
        if not clauses and (interest.kind is InterestKind.RECENT_WORK or _is_agent(mention.lower())):
            continue
        note = _shared_note(shared_with) if shared_with is not None else None
        # A pursuit the sender shares is the best opener of all; a shared cause or place helps less.
        bonus = (1.5 if interest.non_work else 0.5) if shared_with is not None else 0.0
        ranked.append((round(interest.score + bonus), _Hook(interest, clauses, noun_phrase, note)))
    ranked.sort(key=lambda item: (-item[0], not item[1].clauses))
    what_they_do = _what_they_do(request, names, clause_chars)
    return [hook for _, hook in ranked] + [_Hook(None, (what_they_do,) if what_they_do else (), None)]


_ROLE_WORDS = re.compile(
    r"(?i)\b(?:engineer|manager|designer|developer|founder|co-founder|director|head|lead|pm|scientist|analyst|consultant|researcher|writer|editor"
    r"|teacher|professor|lecturer|nurse|doctor|physician|lawyer|attorney|marketer|architect|officer|ceo|cto|cfo|coo|vp|president|partner|owner|strategist"
    r"|specialist|advisor|adviser|coach|producer|journalist|economist|accountant|recruiter|student)\b"
)
_TITLE_WITHOUT_ARTICLE = re.compile(r"(?i)^(?:head|director|vp|chief|ceo|cto|cfo|coo|founder|co-founder|president|partner)\b")


# Sentences that lean on the one before ("Before that I ...") make no sense on their own.
_ANAPHORA = re.compile(r"(?i)^(?:before|after|since|prior to|besides|beyond|apart from) (?:that|this|then|which)\b")


def _what_they_do(request: DraftRequest, names: Sequence[str], clause_chars: int) -> str | None:
    """Something true and specific the bio says its person does, retold in the second person."""
    bio = request.target_bio
    planted = injection_spans(bio)
    for start, end in sentences(bio)[:12]:
        text = bio[start:end]
        if is_hostile(text) or _ANAPHORA.match(text) or touches_injection(planted, start, end):
            continue
        clause = _STRONG_BREAK.split(text)[0]
        retold = _second_person(clause, bio=bio, names=names, max_chars=clause_chars)
        if retold is not None and word_count(retold) >= 4 and not find_asks(clause):
            return retold
        headline = re.sub(r"(?i)^(?:now|currently|today)\s+", "", text.split(",")[0])
        if (
            _ROLE_WORDS.search(headline)
            and len(headline) <= 60
            and word_count(headline) >= 2
            and not re.search(r"(?i)\b(?:I|my|she|he)\b", headline)
            and not find_asks(headline)
        ):
            role = headline if _keeps_capital(headline.split()[0], bio) else _lower_first(headline, bio)
            if _TITLE_WITHOUT_ARTICLE.match(role) or re.match(r"(?i)(?:a|an|the)\s", role):
                return f"you're {role}"
            return f"you're {_article(role.split()[0])} {role}"
    return None


# --- the pitch, first person and fitted to the channel -----------------------------------------

_GREETING = re.compile(r"(?i)^(?:hi|hello|hey|dear|greetings)(?:\s+(?:there|all|everyone|folks))?\b[\s,!.:-]*")
_SIGN_OFF = re.compile(r"(?i)^(?:thanks|thank you|cheers|best|regards|kind regards|best regards|warmly|sincerely)\b")
_PLACEHOLDER = re.compile(r"\[[^\]]*\]|\{\{|\}\}|<[^<>]*>")
_NAME_INTRO = re.compile(r"(?i)^my name is ([^,.;]+?)(?:,\s*| and )(?:I['’]m |I am )?")
_OPENERS_KEPT = re.compile(
    r"(?i)^(?:I|I['’]m|I['’]ve|I['’]d|I['’]ll|my|we|our|me|as|at|in|on|for|with|after|before|currently|today|now)\b"
)
_NOT_GERUNDS = re.compile(r"spring|string|thing|king|ring|wing|sing|bring|swing|evening|morning|beijing|nothing|something", re.I)
_ADJECTIVE_PREPOSITIONS = frozenset(["about", "in", "on", "with", "at", "for", "to", "by", "from", "of"])
_QUANTITY = re.compile(r"(?i)^(?:over|more than|almost|nearly|about|around|\d+\+?)\b")
_NON_ENGLISH_WORDS = re.compile(
    r"de|la|el|las|los|und|der|die|das|ich|bin|soy|y|con|para|je|et|le|les|des|une|un|ein|eine|mit|für|sono|di|il|è",
    re.IGNORECASE,
)
_ENGLISH_WORDS = re.compile(r"the|and|a|an|with|in|of|for|to|i|my|at|on|who|is|are", re.IGNORECASE)


def _looks_english(text: str) -> bool:
    tokens = re.findall(r"[^\W\d_]+", text)
    english = sum(1 for token in tokens if _ENGLISH_WORDS.fullmatch(token))
    return english >= sum(1 for token in tokens if _NON_ENGLISH_WORDS.fullmatch(token))


def _first_person(sentence: str, *, first: bool, sender: str | None, pitch: str) -> str:
    """`sentence` in the sender's own voice: "I am" -> "I'm", "Data engineer with ..." -> "I'm a data engineer with ..."."""
    sentence = _GREETING.sub("", sentence).strip()
    intro = _NAME_INTRO.match(sentence)
    if intro:
        sentence = "I'm " + sentence[intro.end() :] if sentence[intro.end() :] else f"I'm {intro.group(1)}"
    sentence = re.sub(r"^I am\b", "I'm", sentence)
    if sender and sentence.startswith(f"{sender.split()[0]} is "):
        sentence = "I'm " + sentence[len(sender.split()[0]) + 4 :]
    if not sentence or _OPENERS_KEPT.match(sentence) or not _looks_english(sentence):
        return sentence
    words = sentence.split()
    head = words[0]
    rest = " ".join(words[1:])
    lowered = head if _keeps_capital(head, pitch) else head.lower()
    if re.fullmatch(r"[A-Za-z]+ing", head) and not _NOT_GERUNDS.fullmatch(head):
        return f"I'm {lowered} {rest}".strip()
    if re.fullmatch(r"[A-Za-z]+ed", head) and (not words[1:] or re.match(r"(?i)(?:a|an|the|my|our|\d|[A-Z])", words[1])):
        return f"I {lowered} {rest}".strip()
    if not first:
        return sentence
    if _QUANTITY.match(sentence):
        return f"I have {_lower_first(sentence, pitch)}"
    if len(words) > 1 and words[1].lower() in _ADJECTIVE_PREPOSITIONS:
        return f"I'm {lowered} {rest}"
    return f"I'm {_article(lowered)} {lowered} {rest}".strip()


def _pitch_sentences(request: DraftRequest, sender: str | None) -> list[str]:
    """The pitch's usable sentences, each first-person and ending in a full stop; no asks, placeholders or sign-offs."""
    pitch = request.pitch
    asks = [(ask.start or 0, ask.end or 0) for ask in find_asks(pitch)]
    planted = injection_spans(pitch)
    kept: list[str] = []
    for start, end in sentences(pitch):
        text = pitch[start:end]
        # Text pasted in to steer a model is no part of anyone's pitch, to the end of its paragraph.
        if touches_injection(asks, start, end) or touches_injection(planted, start, end):
            continue
        if _PLACEHOLDER.search(text) or _SIGN_OFF.match(text) or (sender and text.strip() == sender):
            continue
        text = _first_person(text, first=not kept, sender=sender, pitch=pitch)
        if word_count(text):
            kept.append(_sentence(_capitalise(text)))
    return kept


# Where a sentence can end early and still read whole: clause breaks, then phrase breaks before a preposition.
_CLAUSE_CUT = re.compile(
    r"(?:,|;|\s[—–-]|\s\()\s|\s(?=(?:and|but|which|who|where|while|with|so|because|including|through|by|after|since|whereas"
    r"|for|in|at|on|from|across|using|via|within|during)\s)"
)
_DANGLING = re.compile(
    r"and|or|but|with|of|the|a|an|to|in|for|at|on|by|from|who|which|that|my|our|your|as|so|into|onto|about|than", re.IGNORECASE
)


def _cut(text: str, measure: Callable[[str], int], budget: int) -> str | None:
    """The longest start of `text` within `budget`: whole clauses if possible, else whole words; never a dangling word."""
    text = text.rstrip(".")
    clause_ends = [found.start() for found in _CLAUSE_CUT.finditer(text)]
    tokens = text.split()
    candidates = [text[:end] for end in reversed(clause_ends)] + [
        " ".join(tokens[:size]) for size in range(len(tokens) - 1, 2, -1)
    ]
    for candidate in map(_tidy, candidates):
        if word_count(candidate) >= 3 and measure(candidate) <= budget:
            return candidate
    return None


def _tidy(text: str) -> str:
    tokens = text.rstrip(" ,;:—–-(").split()
    while tokens and _DANGLING.fullmatch(tokens[-1].strip(",;:")):
        tokens.pop()
    return _sentence(" ".join(tokens).rstrip(",;:")) if tokens else ""


def _fit_pitch(parts: Sequence[str], measure: Callable[[str], int], budget: int) -> str | None:
    """As many whole pitch sentences as fit `budget` (in `measure` units), then the next one cut to its core."""
    chosen = ""
    for part in parts:
        candidate = f"{chosen} {part}".strip()
        if measure(candidate) <= budget:
            chosen = candidate
            continue
        rest = _cut(part, measure, budget - measure(f"{chosen} ") if chosen else budget)
        return f"{chosen} {rest}".strip() if rest else chosen or None
    return chosen or None


# --- wording -----------------------------------------------------------------------------------

_CLAUSE_OPENERS: Final[dict[str, tuple[str, ...]]] = {
    "hobby": (
        "I saw that {c}, which made me smile.",
        "I noticed in your profile that {c} — sounds like a great way to switch off.",
        "It was nice to see that {c}.",
        "Your profile mentions that {c}, and that stood out to me.",
    ),
    "cause": (
        "I saw that {c}, which is great to see.",
        "I noticed in your profile that {c}, and I really respect that.",
        "It was good to see that {c}.",
    ),
    "recent": (
        "I saw that {c} — congratulations.",
        "Congratulations: I saw in your profile that {c}.",
        "I noticed that {c}, which is great news.",
    ),
    "honest": (
        "I came across your profile and saw that {c}.",
        "I came across your profile and noticed that {c}.",
        "Your profile stood out to me, especially that {c}.",
    ),
}
_PHRASE_OPENERS: Final = (
    "I enjoyed the part of your profile about {p}.",
    "The bit in your profile about {p} made me smile.",
    "It was nice to see {p} come up in your profile.",
)
# Notes run on from the greeting ("Hi Maria, great to see that ..."), so they start in lower case.
_NOTE_CLAUSE_OPENERS: Final[dict[str, tuple[str, ...]]] = {
    "hobby": ("loved seeing that {c}.", "I saw that {c}, which made me smile.", "great to see that {c}."),
    "cause": ("great to see that {c}.", "I saw that {c}, which I respect."),
    "recent": ("I saw that {c}, congratulations.", "congratulations: I saw that {c}."),
    "honest": ("I saw that {c}.", "I came across your profile and saw that {c}."),
}
_NOTE_PHRASE_OPENERS: Final = ("loved the bit about {p} in your profile.", "I enjoyed the part of your profile about {p}.")
_HELLO_OPENERS: Final = (
    "I came across your profile and wanted to say hello.",
    "I came across your profile and thought I'd say hello.",
)
_NOTE_HELLO_OPENERS: Final = ("I came across your profile and wanted to say hello.", "just saying hello.")
_CLOSERS: Final[dict[str, tuple[str, ...]]] = {
    "hobby": (
        "If I come across anything good on {x}, I'll send it your way.",
        "Hope you find plenty of time for it.",
        "What got you into {x}?",
    ),
    "hobby_plain": ("Hope you find plenty of time for it.", "Enjoy the rest of your week."),
    "cause": ("Thank you for the time you give to it.", "It's good to see people giving their time like that."),
    "recent": ("Wishing you all the best with it.", "Hope it keeps going well."),
}
# Added, in this request's order, while a long message is under its minimum length; all true, none asks.
_FILLERS: Final = (
    "No agenda here; I just wanted to say hello.",
    "Wishing you a good week.",
    "Thanks for sharing a bit of yourself in your profile.",
)
_PITCH_LEADS: Final = ("", "A bit about me: ", "On my side, ")
_SIGN_OFFS: Final = ("Best,", "All the best,", "Cheers,", "Warm regards,")
_NAMELESS_SIGN_OFFS: Final = ("All the best.", "Best wishes.")


def _mood(hook: _Hook) -> str:
    if hook.interest is None:
        return "honest"
    if hook.interest.kind is InterestKind.RECENT_WORK:
        return "recent"
    return "hobby" if hook.interest.kind in NON_WORK_KINDS else "cause"


def _openers(hook: _Hook, variation: _Variation, *, note: bool) -> list[str]:
    """Opening sentences for `hook`, this request's favourite first, shorter fallbacks after."""
    mood = _mood(hook)
    openers: list[str] = []
    for clause in hook.clauses:
        templates = variation.order(f"open-{mood}", (_NOTE_CLAUSE_OPENERS if note else _CLAUSE_OPENERS)[mood])
        if "lov" in clause:
            # "loved seeing that you love tennis" repeats itself: such pairings go last.
            templates.sort(key=lambda template: "lov" in template)
        openers += [template.format(c=clause) for template in templates]
    if hook.noun_phrase is not None:
        openers += [
            template.format(p=hook.noun_phrase)
            for template in variation.order("open-phrase", _NOTE_PHRASE_OPENERS if note else _PHRASE_OPENERS)
        ]
    if hook.interest is None:
        openers += variation.order("hello", _NOTE_HELLO_OPENERS if note else _HELLO_OPENERS)
    if hook.shared_note is None:
        return openers
    return [f"{opener} {hook.shared_note}" for opener in openers] + openers


def _closer(hook: _Hook, variation: _Variation) -> str:
    mood = _mood(hook)
    if mood == "honest":
        return ""
    mention = _mention_text(hook.interest) if hook.interest is not None else ""
    if mood == "hobby" and (_COUNT_FORM.fullmatch(mention) or _is_agent(mention.lower())):
        mood = "hobby_plain"
    return variation.pick(f"close-{mood}", _CLOSERS[mood]).format(x=mention)


def _shared_interest(hook: _Hook) -> SharedInterest:
    if hook.interest is None:
        return SharedInterest.none_found()
    return SharedInterest(topic=hook.interest.topic, bio_evidence=hook.interest.evidence, found=True)


# --- assembling a channel ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Voice:
    greeting: str
    sign_off: str | None
    sender: str | None


def _voice(request: DraftRequest, variation: _Variation) -> _Voice:
    first = _first_name(request.target_name)
    sender = _sender_name(request.sender_name)
    if first:
        casual = request.channel is not Channel.EMAIL
        greeting = variation.pick(
            "greeting", ("Hi {n},", "Hello {n},", "Hey {n},") if casual else ("Hi {n},", "Hello {n},")
        ).format(n=first)
    else:
        greeting = variation.pick("greeting", ("Hi there,", "Hello,"))
    return _Voice(greeting, variation.pick("sign-off", _SIGN_OFFS) if sender else None, sender)


def _paragraphs(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def _long_bodies(hook: _Hook, pitch: Sequence[str], variation: _Variation, voice: _Voice) -> Iterator[str]:
    """Message or email bodies of TARGET_MIN_WORDS..TARGET_MAX_WORDS words in short paragraphs, best first."""
    closer = _closer(hook, variation)
    lead = variation.pick("pitch-lead", _PITCH_LEADS)
    sign_off = f"{voice.sign_off}\n{voice.sender}" if voice.sign_off else variation.pick("nameless-sign-off", _NAMELESS_SIGN_OFFS)
    fillers = [filler for filler in variation.order("filler", _FILLERS) if filler != closer]
    for opener in _openers(hook, variation, note=False):
        fixed_words = word_count(_paragraphs(voice.greeting, opener, lead, closer, sign_off))
        pitch_text = _fit_pitch(pitch, word_count, TARGET_MAX_WORDS - fixed_words) or ""
        if pitch and not pitch_text:
            continue
        opening = f"{opener} {lead if pitch_text.startswith('I') else ''}{pitch_text}".strip()
        closing = closer
        for filler in fillers:
            if word_count(_paragraphs(voice.greeting, opening, closing, sign_off)) >= TARGET_MIN_WORDS:
                break
            closing = f"{closing} {filler}".strip()
        yield _paragraphs(voice.greeting, opening, closing, sign_off)


def _note_bodies(hook: _Hook, pitch: Sequence[str], variation: _Variation, voice: _Voice, limit: int) -> Iterator[str]:
    """One-paragraph connection notes of at most `limit` characters, best first; the pitch's core always stays."""
    sign_offs = [f"{voice.sign_off} {voice.sender}", f"– {voice.sender}", ""] if voice.sender else [""]
    for opener in _openers(hook, variation, note=True):
        for sign_off in sign_offs:
            fixed = " ".join(part for part in (voice.greeting, opener, sign_off) if part)
            pitch_text = _fit_pitch(pitch, len, limit - len(fixed) - 1)
            body = " ".join(part for part in (voice.greeting, opener, pitch_text or "", sign_off) if part)
            if (pitch_text or not pitch) and len(body) <= limit:
                yield body


_ROLE_IN_PITCH = re.compile(
    r"^I['’]m (an? [\w -]{3,40}?)(?=\s+(?:at|with|who|and|in|for|based|working|helping|building|from|on|of)\b|[,.;!]|$)"
)


def _subject(request: DraftRequest, hook: _Hook, pitch: Sequence[str], variation: _Variation) -> str:
    """A short, specific email subject: the interest, and who is saying hello."""
    sender = _sender_name(request.sender_name)
    role_match = _ROLE_IN_PITCH.match(pitch[0]) if pitch else None
    role = role_match.group(1) if role_match else None
    who = ", ".join(part for part in (sender.split()[0] if sender else None, role) if part)
    hello = f"hello from {who}" if who else "a hello"
    mood = _mood(hook)
    if hook.interest is not None and mood in {"hobby", "cause"}:
        mention = _mention_text(hook.interest)
        # A person ("runner") or a single thing ("the choir") reads better as its topic ("Running").
        plain = _is_agent(mention.lower()) or _COUNT_FORM.fullmatch(mention)
        topic = _capitalise(hook.interest.topic if plain else mention)
        options: tuple[str, ...] = (f"{topic}, and {hello}", f"{topic} and a short hello")
    elif mood == "recent":
        options = (f"Congratulations, and {hello}",)
    else:
        options = (_capitalise(hello), f"Saying {hello}" if who else "Saying hello")
    subject = variation.pick("subject", options)
    return subject if len(subject) <= MAX_SUBJECT_CHARS else "Saying hello"


def compose_offline(request: DraftRequest) -> OfflineDraft:
    """A warm, specific, no-ask draft for `request`, the same every time for the same request.

    Candidates come best first (the strongest interest in this request's favourite phrasing, then
    shorter or plainer ones); the first that passes every guardrail is returned. If none does,
    the first one that at least asks for nothing is.
    """
    variation = _Variation(request)
    voice = _voice(request, variation)
    pitch = _pitch_sentences(request, voice.sender)
    limit = request.spec.max_chars if request.spec.max_words is None else None
    known_names = tuple(name for name in (request.target_name, request.sender_name) if name)
    first_without_ask: OfflineDraft | None = None
    for hook in _hooks(request, CLAUSE_CHARS.get(request.channel, MAX_CLAUSE_CHARS)):
        subject = _subject(request, hook, pitch, variation) if request.spec.has_subject else None
        bodies = _note_bodies(hook, pitch, variation, voice, limit) if limit else _long_bodies(hook, pitch, variation, voice)
        for body in bodies:
            draft = OfflineDraft(body=body, subject=subject, shared_interest=_shared_interest(hook))
            violations = check_message(
                body,
                channel=request.channel,
                bio=request.target_bio,
                pitch=request.pitch,
                subject=subject,
                bio_evidence=draft.shared_interest.bio_evidence,
                known_names=known_names,
            )
            if not violations:
                return draft
            if first_without_ask is None and all(violation.rule is not Rule.ASK for violation in violations):
                first_without_ask = draft
    if first_without_ask is not None:
        return first_without_ask
    # Unreachable with the built-in wording (a bare hello asks for nothing), kept so the return is total.
    hello = f"{voice.greeting} {_NOTE_HELLO_OPENERS[0] if limit else _HELLO_OPENERS[0]}"
    return OfflineDraft(
        body=hello, subject="Saying hello" if request.spec.has_subject else None, shared_interest=SharedInterest.none_found()
    )
