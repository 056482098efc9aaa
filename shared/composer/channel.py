"""Fitting the channel: one-paragraph notes within their character cap, messages and emails of 40-80 words.

Each function yields candidate bodies best first; compose_offline keeps the first that passes every guardrail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from shared.composer.hook import Hook
from shared.composer.phrasing import (
    Voice,
    bridge,
    closer,
    echoes,
    fillers,
    is_pleasantry,
    nameless_sign_off,
    openers,
    shared_openers,
)
from shared.composer.pitch import fit_pitch
from shared.composer.wording import Variation
from shared.models import CHANNEL_SPECS
from shared.text import word_count

# Long channels allow 25-90 words; people answer the ones that read in a breath.
TARGET_MIN_WORDS = 40
TARGET_MAX_WORDS = 80
# Notes are clauses run together; the clause from the bio may be this long.
MAX_CLAUSE_CHARS = 120
NOTE_CLAUSE_CHARS = {200: 70, 300: 100}
# A note with this much room left (a Premium note of under ~230 characters) gets one more warm line.
NOTE_ROOM_WORTH_FILLING = 70
# Two pleasantries in a row read like a form letter: at most two lines are added, one of them a pleasantry.
MAX_FILLERS = 2
LONG_MIN_WORDS = max(spec.min_words or 0 for spec in CHANNEL_SPECS.values())
LONG_MAX_WORDS = min(spec.max_words for spec in CHANNEL_SPECS.values() if spec.max_words is not None)


def _paragraphs(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def long_bodies(hook: Hook, pitch: Sequence[str], variation: Variation, voice: Voice, offer: str | None) -> Iterator[str]:
    """Message or email bodies in short paragraphs: greeting, the hook and the pitch, a closing line, the sign-off."""
    closing_line = closer(hook, variation, offer)
    lead = bridge(variation)
    sign_off = f"{voice.sign_off}\n{voice.sender}" if voice.sign_off else nameless_sign_off(variation, closing_line)
    extra = fillers(variation, closing_line, offer=offer is not None)
    whole = " ".join(pitch)
    every = openers(hook, variation, note=False)
    room = {
        opener: LONG_MAX_WORDS - word_count(_paragraphs(voice.greeting, opener, lead, closing_line, sign_off)) for opener in every
    }
    # The whole pitch is worth going past the target up to the channel's limit, and worth a shorter opener: a pitch is
    # cut only when no opener leaves room for all of it.
    whole_words = word_count(whole)
    ordered = [opener for opener in every if whole_words <= room[opener]]
    ordered += [opener for opener in every if whole_words > room[opener]]
    for opener in ordered:
        fits_whole = whole_words <= room[opener]
        target = TARGET_MAX_WORDS - (LONG_MAX_WORDS - room[opener])
        pitch_text = whole if fits_whole else fit_pitch(pitch, word_count, target)
        if not pitch_text:
            continue
        opening = f"{opener} {lead if pitch_text.startswith('I') else ''}{pitch_text}"
        closing = closing_line
        added: list[str] = []
        for filler in extra:
            so_far = _paragraphs(voice.greeting, opening, closing, sign_off)
            words = word_count(so_far)
            # Past two lines only while the message is still under every long channel's minimum.
            if words >= TARGET_MIN_WORDS or (len(added) >= MAX_FILLERS and words >= LONG_MIN_WORDS):
                break
            if _fits_after(filler, added, so_far):
                closing = f"{closing} {filler}".strip()
                added.append(filler)
        yield _paragraphs(voice.greeting, opening, closing, sign_off)


def note_bodies(
    hook: Hook, pitch: Sequence[str], variation: Variation, voice: Voice, offer: str | None, limit: int
) -> Iterator[str]:
    """One-paragraph connection notes of at most `limit` characters, best first; the pitch's core always stays.

    The closing line (the sender's offer, or a question about their pursuit) goes in when there is room; an offer is
    worth shortening the pitch for, a question is not.
    """
    closing_line = closer(hook, variation, offer)
    extra = fillers(variation, closing_line, offer=offer is not None)
    sign_offs = [f"{voice.sign_off} {voice.sender}", f"– {voice.sender}", ""] if voice.sender else [""]
    # "Wishing you all the best with it. All the best, Sam" says it twice: such a sign-off goes last.
    sign_offs.sort(key=lambda sign_off: echoes(sign_off, closing_line))
    # Saying the pursuit is shared is worth more than the offer; the offer is worth a plainer opener among the rest.
    every = openers(hook, variation, note=True)
    shared = shared_openers(hook, variation, note=True)
    groups = [shared, [opener for opener in every if opener not in shared]] if shared else [every]
    # A pitch cut at a clause still makes its point; one cut at a phrase may not: every shorter opener, closing and
    # sign-off is tried before a phrase cut ("…with 12 years in payments." beats "…with 12 years.").
    # Saying the pursuit is shared still comes first: a phrase cut that stands alone is worth it.
    seen: set[str] = set()
    for group in groups:
        for phrases in (False, True):
            for body in _note_candidates([group], voice, pitch, closing_line, extra, sign_offs, offer, limit, phrases=phrases):
                if body not in seen:
                    seen.add(body)
                    yield body


def _note_candidates(
    groups: Sequence[Sequence[str]],
    voice: Voice,
    pitch: Sequence[str],
    closing_line: str,
    extra: Sequence[str],
    sign_offs: Sequence[str],
    offer: str | None,
    limit: int,
    *,
    phrases: bool,
) -> Iterator[str]:
    for group in groups:
        if offer is not None:
            for opener in group:
                for sign_off in sign_offs:
                    yield from note_body(voice.greeting, opener, pitch, closing_line, sign_off, limit, phrases=phrases)
        for opener in group:
            for sign_off in sign_offs:
                for body in note_body(voice.greeting, opener, pitch, "", sign_off, limit, phrases=phrases):
                    with_closing = _insert_before_sign_off(body, closing_line, sign_off)
                    if closing_line and len(with_closing) <= limit:
                        yield _filled(with_closing, extra, sign_off, limit)
                    yield _filled(body, extra, sign_off, limit)


def _filled(body: str, extra: Sequence[str], sign_off: str, limit: int) -> str:
    """A Premium note with room left gets a warm line more, so it uses the space it has."""
    added: list[str] = []
    for filler in extra[:MAX_FILLERS]:
        if limit - len(body) < NOTE_ROOM_WORTH_FILLING:
            break
        longer = _insert_before_sign_off(body, filler, sign_off)
        if len(longer) <= limit and _fits_after(filler, added, body):
            body = longer
            added.append(filler)
    return body


def _fits_after(filler: str, added: Sequence[str], body: str) -> bool:
    """A line may join the draft unless it repeats the body's words or would be a second pleasantry: the closing
    line, when it is one, kept pleasantries out of `extra` already."""
    return not echoes(filler, body) and not (is_pleasantry(filler) and any(map(is_pleasantry, added)))


def note_body(
    greeting: str, opener: str, pitch: Sequence[str], closing: str, sign_off: str, limit: int, *, phrases: bool = True
) -> Iterator[str]:
    """The note of these parts with as much of the pitch as fits `limit` characters, if its core fits at all."""
    fixed = " ".join(part for part in (greeting, opener, closing, sign_off) if part)
    pitch_text = fit_pitch(pitch, len, limit - len(fixed) - 1, phrases=phrases)
    if pitch_text:
        body = " ".join(part for part in (greeting, opener, pitch_text, closing, sign_off) if part)
        if len(body) <= limit:
            yield body


def _insert_before_sign_off(body: str, closing: str, sign_off: str) -> str:
    if not closing:
        return body
    if sign_off and body.endswith(f" {sign_off}"):
        return f"{body[: -len(sign_off) - 1]} {closing} {sign_off}"
    return f"{body} {closing}"


_ROLE_IN_PITCH = re.compile(
    r"^I['’]m (an? [\w -]{3,40}?)(?=\s+(?:at|with|who|and|in|for|based|working|helping|building|from|on|of)\b|[,.;!]|$)"
)


def who_says_hello(sender: str | None, pitch: Sequence[str]) -> str | None:
    """ "Sam, a data engineer": the sender's first name and role, as far as they are known."""
    role_match = _ROLE_IN_PITCH.match(pitch[0]) if pitch else None
    role = role_match.group(1) if role_match else None
    who = ", ".join(part for part in (sender.split()[0] if sender else None, role) if part)
    return who or None
