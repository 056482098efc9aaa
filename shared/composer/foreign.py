"""Drafts in the sender's language when their pitch is in Spanish, French, German, Portuguese or Italian.

An English frame around a Spanish pitch reads as two people writing, so the whole draft takes the pitch's language,
with the wording of data/languages.toml. The hobby is never translated or retold: a short clause of the bio, in the
same language, is quoted as written ("Me alegró leer en tu perfil: «corredor de maratones»."); a bio in another
language, or with no clause fit to quote, gets a plain hello. Candidates come best first, like the English path's.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Final

from shared.composer.channel import MAX_CLAUSE_CHARS, NOTE_CLAUSE_CHARS, note_body
from shared.composer.hook import COMMA_BREAK, MIN_OPENER_SCORE, BioReading, narrowing
from shared.composer.pitch import fit_pitch
from shared.composer.retell import bio_names
from shared.composer.wording import Variation, looks_english
from shared.interests import Interest, find_interests, find_overlap
from shared.models import DraftRequest, SharedInterest
from shared.text import word_count
from shared.text.language import detect_language

# Long channels: 25-90 words; a draft under this many gets the aside, then the pleasantry.
_LONG_MIN_WORDS = 25
_TARGET_MIN_WORDS = 35
_MIN_QUOTE_WORDS = 2
# Languages the identifier mistakes for each other on a sentence or two.
_CONFUSABLE: Final = frozenset({"es", "pt"})
# How much of the bio is read to tell that it is not English.
_SAMPLE_CHARS = 600
_STRONG_BREAK = re.compile(r"\s*(?:[;:()«»“”„\"]|\s[—–-]\s|—)\s*")


def _load() -> dict[str, dict[str, Any]]:
    with files("shared.composer").joinpath("data/languages.toml").open("rb") as handle:
        return tomllib.load(handle)


_WORDING: Final = _load()


def draft_language(request: DraftRequest) -> str | None:
    """The pitch's language when the composer has wording for it and it is not English; else None."""
    language = detect_language(request.pitch)
    if language in _CONFUSABLE:
        # A one-line pitch is a thin sample ("Desenvolvo ferramentas…" reads as Spanish): when the bio is in the
        # language it is easily taken for, both texts together decide between the two.
        bio_language = detect_language(request.target_bio)
        if bio_language in _CONFUSABLE and bio_language != language and not looks_english(request.target_bio[:_SAMPLE_CHARS]):
            together = detect_language(f"{request.pitch}\n{request.target_bio}")
            language = together if together in _CONFUSABLE else language
    return language if language in _WORDING else None


@dataclass(frozen=True)
class ForeignDraft:
    body: str
    subject: str | None
    shared_interest: SharedInterest


@dataclass(frozen=True)
class _Opening:
    lines: tuple[str, ...]
    interest: SharedInterest


def _quotes(interest: Interest, language: str, names: Sequence[str], max_chars: int) -> list[str]:
    """Clauses of the evidence naming the interest that read alone, as written, widest first: the piece past a dash,
    semicolon or comma, then the part of it around "y"/"et"/"und" (a note may have room for that one only)."""
    evidence = interest.evidence
    if detect_language(evidence) not in (language, None):
        return []
    conjunctions = re.compile(r"\s+(?:" + "|".join(map(re.escape, _WORDING[language]["conjunctions"])) + r")\s+")
    position = max(evidence.lower().find(interest.mention.lower()), 0)
    steps = narrowing(evidence, position, (_STRONG_BREAK, COMMA_BREAK, conjunctions))
    pieces = [piece.strip(" .;,") for pattern, piece in steps if pattern is not _STRONG_BREAK]
    third = re.compile(r"(?i)\b(?:" + "|".join(map(re.escape, _WORDING[language]["third_person"])) + r")\b")
    return [
        piece
        for piece in dict.fromkeys(pieces)
        if len(piece) <= max_chars
        and word_count(piece) >= _MIN_QUOTE_WORDS
        and interest.mention.lower() in piece.lower()
        and not third.search(piece)
        and not any(re.search(rf"\b{re.escape(name)}\b", piece) for name in names)
    ]


def _openings(request: DraftRequest, language: str, reading: BioReading, max_chars: int) -> Iterator[_Opening]:
    words = _WORDING[language]
    variation = Variation(request)
    names = bio_names(request.target_bio, request.target_name)
    overlap = find_overlap(request.target_bio, request.sender_interests, pitch=request.pitch)
    candidates: list[tuple[Interest, bool]] = []
    if overlap is not None:
        candidates.append((overlap.interest, True))
    candidates += [
        (interest, False)
        for interest in find_interests(request.target_bio)
        if interest.non_work and interest.score >= MIN_OPENER_SCORE
    ]
    for interest, shared in candidates:
        if not reading.quotable_text(interest.evidence):
            continue
        quotes = _quotes(interest, language, names, max_chars)
        found = SharedInterest(topic=interest.topic, bio_evidence=interest.evidence, found=True, shared_with_sender=shared)
        templates = [*(words["shared"] if shared else []), *variation.order(f"{language}-open", words["openers"])]
        for quote in quotes:
            yield _Opening(tuple(template.format(q=quote) for template in templates), found)
    yield _Opening(tuple(words["hello"]), SharedInterest.none_found())


def foreign_drafts(
    request: DraftRequest, language: str, pitch: Sequence[str], offer: str | None, sender: str | None, limit: int | None
) -> Iterator[ForeignDraft]:
    """Drafts wholly in `language`, best first; the caller keeps the first that passes every guardrail."""
    words = _WORDING[language]
    reading = BioReading(request.target_bio)
    first = (request.target_name or "").split()[:1]
    greeting = words["greetings"][0].format(n=first[0]) if first else words["nameless"][0]
    if offer is not None and detect_language(offer) not in (language, None):
        offer = None  # an offer in another language would mix the draft's languages again
    closing = words["offer"][0].format(o=offer) if offer else ""
    who = sender.split()[0] if sender else None
    subject = (words["subject"][0].format(who=who) if who else words["subject_nameless"][0]) if request.spec.has_subject else None
    max_quote = NOTE_CLAUSE_CHARS.get(limit, MAX_CLAUSE_CHARS) if limit else MAX_CLAUSE_CHARS
    for opening in _openings(request, language, reading, max_quote):
        for opener in opening.lines:
            if limit:
                notes = _notes(greeting, opener, pitch, closing, words, sender, limit)
                yield from (ForeignDraft(body, None, opening.interest) for body in notes)
            else:
                body = _long(greeting, opener, pitch, closing, words, sender)
                if body is not None:
                    yield ForeignDraft(body, subject, opening.interest)


def _long(
    greeting: str, opener: str, pitch: Sequence[str], closing: str, words: dict[str, Any], sender: str | None
) -> str | None:
    sign_off = f"{words['sign_offs'][0]}\n{sender}" if sender else words["nameless_sign_off"]
    pitch_text = fit_pitch(pitch, word_count, 80 - word_count(f"{greeting} {opener} {closing} {sign_off}"))
    if not pitch_text:
        return None
    lines = [closing] if closing else []
    extra = ([] if closing else list(words["aside"])) + list(words["pleasantry"])
    for line in extra:
        if word_count("\n\n".join([greeting, f"{opener} {pitch_text}", *lines, sign_off])) >= _TARGET_MIN_WORDS:
            break
        lines.append(line)
    body = "\n\n".join(part for part in (greeting, f"{opener} {pitch_text}", " ".join(lines), sign_off) if part)
    return body if word_count(body) >= _LONG_MIN_WORDS else None


def _notes(
    greeting: str, opener: str, pitch: Sequence[str], closing: str, words: dict[str, Any], sender: str | None, limit: int
) -> Iterator[str]:
    sign_offs = [f"{words['sign_offs'][0]} {sender}", f"– {sender}", ""] if sender else [""]
    # The note runs on from the greeting ("Bonjour Alex, j'ai aimé…"): the opener starts in lower case.
    opener = opener[:1].lower() + opener[1:]
    for closing_line in dict.fromkeys((closing, "")):
        for sign_off in sign_offs:
            yield from note_body(greeting, opener, pitch, closing_line, sign_off, limit)
