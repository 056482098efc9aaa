"""Fitting the pitch: the sender's own sentences in the first person, cut to the channel; and the sender's offer.

The pitch is never silently dropped: if no sentence of it can be used (all of it asks, or was planted for a
model), compose_offline raises UnusablePitchError with a sentence the service can show.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from shared.composer.retell import is_verb
from shared.composer.wording import (
    article,
    capitalise,
    keeps_capital,
    looks_english,
    lower_first,
    sentence,
    table,
    variants,
)
from shared.guardrails import find_asks, injection_spans
from shared.guardrails.form import find_foreign_links
from shared.guardrails.injection import touches_injection
from shared.interests import sentences
from shared.text import word_count


class UnusablePitchError(ValueError):
    """The pitch has nothing a draft can carry: every sentence of it asks for something or is not the sender's."""


_GREETING = re.compile(r"(?i)^(?:hi|hello|hey|dear|greetings)(?:\s+(?:there|all|everyone|folks))?\b[\s,!.:-]*")
_SIGN_OFF = re.compile(r"(?i)^(?:thanks|thank you|cheers|best|regards|kind regards|best regards|warmly|sincerely)\b")
_PLACEHOLDER = re.compile(r"\[[^\]]{0,80}\]|\{\{|\}\}|<[^<>]{0,80}>")
_NAME_INTRO = re.compile(r"(?i)^my name is ([^,.;]{1,60}?)(?:,\s*| and )(?:I['’]m |I am )?")
_OPENERS_KEPT = re.compile(
    r"(?i)^(?:I|I['’]m|I['’]ve|I['’]d|I['’]ll|my|we|our|me|as|at|in|on|for|with|after|before|currently|today|now)\b"
)
_NOT_GERUNDS = re.compile(r"spring|string|thing|king|ring|wing|sing|bring|swing|evening|morning|beijing|nothing|something", re.I)
_ADJECTIVE_PREPOSITIONS = frozenset(["about", "in", "on", "with", "at", "for", "to", "by", "from", "of"])
_QUANTITY = re.compile(r"(?i)^(?:over|more than|almost|nearly|about|around|\d+\+?)\b")


def _first_person(text: str, *, first: bool, sender: str | None, pitch: str) -> str:
    """`text` in the sender's own voice: "I am" -> "I'm", "Data engineer with ..." -> "I'm a data engineer with ..."."""
    text = _GREETING.sub("", text).strip()
    intro = _NAME_INTRO.match(text)
    if intro:
        text = "I'm " + text[intro.end() :] if text[intro.end() :] else f"I'm {intro.group(1)}"
    text = re.sub(r"^I am\b", "I'm", text)
    if sender and text.startswith(f"{sender.split()[0]} is "):
        text = "I'm " + text[len(sender.split()[0]) + 4 :]
    if not text or _OPENERS_KEPT.match(text) or not looks_english(text):
        return text
    words = text.split()
    head = words[0]
    rest = " ".join(words[1:])
    lowered = head if keeps_capital(head, pitch) else head.lower()
    if re.fullmatch(r"[A-Za-z]+ing", head) and not _NOT_GERUNDS.fullmatch(head):
        return f"I'm {lowered} {rest}".strip()
    if re.fullmatch(r"[A-Za-z]+ed", head) and (not words[1:] or re.match(r"(?i)(?:a|an|the|my|our|\d|[A-Z])", words[1])):
        return f"I {lowered} {rest}".strip()
    if not first:
        return text
    if _QUANTITY.match(text):
        return f"I have {lower_first(text, pitch)}"
    if len(words) > 1 and words[1].lower() in _ADJECTIVE_PREPOSITIONS:
        return f"I'm {lowered} {rest}"
    return f"I'm {article(lowered)} {lowered} {rest}".strip()


@dataclass(frozen=True)
class PitchReading:
    """The pitch's usable sentences, each first-person and ending in a full stop (no asks, placeholders or
    sign-offs), and the sentences left out because they ask for something or address a model."""

    sentences: list[str]
    left_out: list[str]


def read_pitch(pitch: str, sender: str | None, *, english: bool = True) -> PitchReading:
    """Raises UnusablePitchError when nothing of the pitch is left. With `english` false the sentences are kept as
    written: putting them in the first person ("I'm a …") is English grammar."""
    kept, left_out = _read_pitch(pitch, sender, english=english)
    if not kept and left_out:
        raise UnusablePitchError(
            "Your pitch only asks for something (a call, a meeting, advice or a referral), so there is nothing about you "
            "left to send. Add a sentence about who you are or what you do."
        )
    if not kept:
        raise UnusablePitchError("Your pitch has no sentence to send. Write a sentence about who you are or what you do.")
    return PitchReading(kept, left_out)


def _read_pitch(pitch: str, sender: str | None, *, english: bool = True) -> tuple[list[str], list[str]]:
    """(usable sentences in the sender's voice, sentences left out because they ask or address a model)."""
    asks = [(ask.start or 0, ask.end or 0) for ask in find_asks(pitch)]
    planted = injection_spans(pitch)
    kept: list[str] = []
    left_out: list[str] = []
    for start, end in sentences(pitch):
        text = pitch[start:end]
        # Text pasted in to steer a model is no part of anyone's pitch, to the end of its paragraph.
        if touches_injection(asks, start, end) or touches_injection(planted, start, end):
            left_out.append(text.strip())
            continue
        if _PLACEHOLDER.search(text) or _SIGN_OFF.match(text) or (sender and text.strip() == sender):
            continue
        if english:
            text = _first_person(text, first=not kept, sender=sender, pitch=pitch)
        if word_count(text):
            kept.append(sentence(capitalise(text)))
    return kept, left_out


# Where a sentence can end early and still make its point: clause breaks (punctuation, a conjunction or relative
# word) first; phrase breaks before a preposition only when the words before stand alone (data/wording.toml
# [pitch_cuts]: "with 12 years." and "finishing." do not).
_CLAUSE_CUT = re.compile(r"(?:,|;|\s[—–-]|\s\()\s|\s(?=(?:and|but|which|who|that|where|while|so|because|including|whereas)\s)")
_PHRASE_CUT = re.compile(
    r"\s(?=(?:to|with|through|by|after|since|for|in|at|on|from|across|using|via|within|during|into|as|of)\s)"
)
_NEEDS_WHAT_FOLLOWS: Final = frozenset(variants("pitch_cuts", "needs_what_follows"))
_VERB_FORM = re.compile(r"[a-z]{3,}(?:ing|ed)")
_DANGLING = re.compile(
    r"and|or|but|with|of|the|a|an|to|in|for|at|on|by|from|who|which|that|my|our|your|as|so|into|onto|about|than", re.IGNORECASE
)


def _tidy(text: str) -> str:
    tokens = text.rstrip(" ,;:—–-(").split()
    while tokens and _DANGLING.fullmatch(tokens[-1].strip(",;:")):
        tokens.pop()
    return sentence(" ".join(tokens).rstrip(",;:")) if tokens else ""


_COORDINATOR = re.compile(r"(?:and|or|but)\s+(\S+)", re.IGNORECASE)
_CLAUSE_OPENERS: Final = frozenset(variants("pitch_cuts", "clause_openers"))
_PAST_FORMS: Final = frozenset(variants("readings", "irregular_past"))


def _ends_a_clause(text: str, position: int) -> bool:
    """Whether the break before text[position:] ends a clause: "and" joining two clauses ("and I've built", "and
    leading the team") does, "and" inside a phrase ("a SQL and Python course") does not."""
    joined = _COORDINATOR.match(text, position)
    if joined is None:
        return True
    word = joined.group(1).lower().strip(",;:")
    return word in _CLAUSE_OPENERS or word in _PAST_FORMS or _VERB_FORM.fullmatch(word) is not None or is_verb(word)


_LAST_WORD = re.compile(r"(\S+)[\s,;:]*$")


def _stands_alone(text: str, position: int) -> bool:
    """Whether text[:position], a sentence cut before a preposition, still makes its point: not when it ends on a
    quantity ("with 12 years"), a number, or a verb form that needs what followed ("finishing", "focused", "moving")."""
    last_word = _LAST_WORD.search(text, max(position - 60, 0), position)
    last = last_word.group(1).lower() if last_word else ""
    return not (last in _NEEDS_WHAT_FOLLOWS or last[:1].isdigit() or _VERB_FORM.fullmatch(last))


def _cut(text: str, measure: Callable[[str], int], budget: int, *, phrases: bool) -> str | None:
    """The longest start of `text` within `budget` that ends where a clause does (or, with `phrases`, a phrase whose
    words stand alone); never mid-phrase ("I'm a senior engineer with 12 years." reads broken, "I'm a senior engineer
    with 12 years in payments." not)."""
    text = text.rstrip(".")
    breaks = [found.start() for found in _CLAUSE_CUT.finditer(text) if _ends_a_clause(text, found.end())]
    if phrases:
        breaks += [found.start() for found in _PHRASE_CUT.finditer(text) if _stands_alone(text, found.start())]
    for candidate in map(_tidy, (text[:position] for position in sorted(set(breaks), reverse=True))):
        if word_count(candidate) >= 3 and measure(candidate) <= budget:
            return candidate
    return None


def fit_pitch(parts: Sequence[str], measure: Callable[[str], int], budget: int, *, phrases: bool = True) -> str | None:
    """As many whole pitch sentences as fit `budget` (in `measure` units), then the next one cut to its core: at a
    clause break, or (with `phrases`) at a phrase break that leaves words standing alone."""
    chosen = ""
    for part in parts:
        candidate = f"{chosen} {part}".strip()
        if measure(candidate) <= budget:
            chosen = candidate
            continue
        rest = _cut(part, measure, budget - measure(f"{chosen} ") if chosen else budget, phrases=phrases)
        return f"{chosen} {rest}".strip() if rest else chosen or None
    return chosen or None


def pitch_shortened(parts: Sequence[str], body: str) -> str | None:
    """What of the pitch's sentences `body` leaves out to fit its channel, told to the sender ("… left out of your pitch:
    “most recently leading the ledger team at a fintech that was acquired last year”"); None when all of it is in."""
    missing: list[str] = []
    for part in parts:
        if part in body:
            continue
        core = part.rstrip(".")
        head = core[: min(len(core), 24)]
        found = body.find(head)
        if found == -1:
            missing.append(core)
            continue
        stop = body.find(".", found + len(head))
        kept = body[found : stop if stop != -1 else len(body)]
        missing.append(core[len(kept) :].strip(" ,;:—–-"))
    shown = " … ".join(text for text in missing if text)
    if not shown:
        return None
    shown = shown if len(shown) <= 160 else shown[:159].rstrip() + "…"
    return table("left_out", "pitch")["shortened"].format(p=shown)


# --- the offer ----------------------------------------------------------------------------------

_OFFER_LEAD = re.compile(
    r"(?i)^(?:(?:I['’]?d be |I['’]m |I am )?(?:happy|glad|keen) to (?:send|share|pass on|give)(?: you)?"
    r"|I can (?:send|share)(?: you)?|(?:send|share)(?: you)?)\s+"
)
_OFFER_TAIL = re.compile(r"(?i)[\s,;:—–-]*(?:if (?:it['’]s|that['’]s|it is|you['’]d find it|useful|helpful).*)?[.!]*$")
MAX_OFFER_CHARS = 120
_MEETING = re.compile(r"(?i)\b(?:" + "|".join(re.escape(word) for word in variants("hooks", "meeting_words")) + r")\b")


@dataclass(frozen=True)
class OfferReading:
    """The sender's offer as a noun phrase ("my checklist for remote usability sessions"), or why it cannot go in:
    `left_out` is a sentence for the sender, so an offer is never dropped in silence."""

    phrase: str | None
    left_out: str | None = None


def read_offer(offer: str | None, *, pitch: str, english: bool = True) -> OfferReading:
    """The offer as a noun phrase, or the reason it is left out: it asks for something (a meeting in disguise
    too), carries a link the pitch does not give, holds a placeholder or text planted for a model, is a question,
    is too long to read as one offer, or (with `english`) is not in English. Facts it names are the sender's own:
    the final check counts the offer among what it may mention. With `english` false it may be in any language
    (a draft in the pitch's language checks that it matches)."""
    if not offer or not offer.strip():
        return OfferReading(None)
    text = " ".join(offer.split())
    reason = _offer_problem(text, pitch)
    if reason is None:
        text = _OFFER_TAIL.sub("", _OFFER_LEAD.sub("", text, count=1), count=1).strip()
        if not text:
            reason = "empty"
        elif len(text) > MAX_OFFER_CHARS:
            reason = "long"
        elif "?" in text:
            reason = "question"
        elif english and not looks_english(text):
            reason = "language"
    if reason is not None:
        return OfferReading(None, offer_left_out(offer, reason))
    return OfferReading(lower_first(text, offer))


def _offer_problem(text: str, pitch: str) -> str | None:
    if injection_spans(text) or _PLACEHOLDER.search(text):
        return "planted"
    if find_asks(text):
        return "asks"
    if _MEETING.search(text):
        return "meeting"
    if find_foreign_links(text, allowed_sources=pitch):
        return "link"
    return None


def offer_left_out(offer: str, reason: str) -> str:
    """The sentence telling the sender why their offer is not in the draft (data/wording.toml [offer_left_out])."""
    shown = " ".join(offer.split())
    shown = shown if len(shown) <= 80 else shown[:79].rstrip() + "…"
    return table("offer_left_out", "reasons")[reason].format(o=shown, limit=MAX_OFFER_CHARS)
