"""Offline composer: a deterministic, network-free no-ask draft from the bio, pitch, sender interests and offer.

Contract:

- compose_offline(request: DraftRequest) -> OfflineDraft
    OfflineDraft is a frozen dataclass with body, subject (email only), shared_interest (with
    shared_with_sender set when the sender's interests or pitch name the same pursuit) and violations:
    the guardrail verdict (shared.guardrails.check_message) of the chosen body, empty when it passes,
    so the caller need not check it again.
    Raises UnusablePitchError (a ValueError with a sentence for the user) when nothing of the pitch is usable.

How it writes, one module per concern: hook.py finds what to open with (the overlap the sender shares, else
the bio's best stated pursuit, else something specific the bio says they do or care about: specifics.py,
never a job title; readings.py tells a cause the person serves, a parent's sport or a pet from a pastime);
retell.py retells the bio's clause in the second person ("you go bouldering and bake sourdough"); pitch.py puts
the sender's pitch in the first person and fits it; phrasing.py and data/wording.toml give the sentences around
them; channel.py fits each channel; foreign.py writes the whole draft in the pitch's language when that is
Spanish, French, German, Portuguese or Italian.
Phrasing varies with a stable hash of the request, so the same request always gets the same draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.composer.channel import MAX_CLAUSE_CHARS, NOTE_CLAUSE_CHARS, long_bodies, note_bodies, who_says_hello
from shared.composer.foreign import draft_language, foreign_drafts
from shared.composer.hook import BioReading, hooks
from shared.composer.phrasing import subject as email_subject
from shared.composer.phrasing import voice as voice_of
from shared.composer.pitch import (
    OfferReading,
    UnusablePitchError,
    offer_left_out,
    pitch_shortened,
    read_offer,
    read_pitch,
)
from shared.composer.retell import Reteller
from shared.composer.wording import Variation
from shared.guardrails import check_draft
from shared.models import DraftRequest, Rule, SharedInterest, Violation
from shared.text.language import detect_language

__all__ = ["OfflineDraft", "UnusablePitchError", "compose_offline"]


@dataclass(frozen=True)
class OfflineDraft:
    body: str
    subject: str | None
    shared_interest: SharedInterest
    violations: list[Violation] = field(default_factory=list)
    # Sentences of the pitch no draft carries (they ask for something, or address a model): the user is told.
    left_out_of_pitch: tuple[str, ...] = ()
    # Why the sender's offer is not in the draft, as a sentence for the user; None when it is (or none was given).
    left_out_of_offer: str | None = None
    # What of the pitch was cut to fit the channel, as a sentence for the user; None when all of it is in.
    pitch_shortened: str | None = None


def verdict(request: DraftRequest, body: str, subject: str | None, interest: SharedInterest) -> list[Violation]:
    """The guardrail verdict for a draft of `request`: the same one the drafting service gives."""
    return check_draft(request, body, subject=subject, bio_evidence=interest.bio_evidence, interest_topic=interest.topic)


def compose_offline(request: DraftRequest) -> OfflineDraft:
    """A warm, specific, no-ask draft for `request`, the same every time for the same request.

    Candidates come best first (the strongest hook in this request's favourite phrasing, then plainer or
    shorter ones); the first that passes every guardrail is returned. If none does, the first that at least
    asks for nothing is, with its violations.
    """
    variation = Variation(request)
    voice = voice_of(request, variation)
    pitch_reading = read_pitch(request.pitch, voice.sender)
    pitch, left_out = pitch_reading.sentences, tuple(pitch_reading.left_out)
    offer_reading = read_offer(request.offer, pitch=request.pitch)
    offer = offer_reading.phrase
    limit = request.spec.max_chars if request.spec.max_words is None else None
    language = draft_language(request)
    if language is not None:
        # A pitch in Spanish, French, German, Portuguese or Italian: the whole draft in that language, if one passes.
        own_offer = read_offer(request.offer, pitch=request.pitch, english=False)
        as_written = read_pitch(request.pitch, voice.sender, english=False).sentences
        for foreign in foreign_drafts(request, language, as_written, own_offer.phrase, voice.sender, limit):
            if not verdict(request, foreign.body, foreign.subject, foreign.shared_interest):
                return OfflineDraft(
                    foreign.body,
                    foreign.subject,
                    foreign.shared_interest,
                    left_out_of_pitch=left_out,
                    left_out_of_offer=_offer_left_out(request, own_offer, foreign.body, language=language),
                    pitch_shortened=pitch_shortened(as_written, foreign.body),
                )
    clause_chars = NOTE_CLAUSE_CHARS.get(limit, MAX_CLAUSE_CHARS) if limit else MAX_CLAUSE_CHARS
    reading = BioReading(request.target_bio)
    reteller = Reteller(request.target_bio, request.target_name)
    who = who_says_hello(voice.sender, pitch)
    fallback: OfflineDraft | None = None
    for hook in hooks(request, reading, reteller, clause_chars):
        subject = email_subject(hook, who, variation) if request.spec.has_subject else None
        bodies = (
            note_bodies(hook, pitch, variation, voice, offer, limit)
            if limit
            else long_bodies(hook, pitch, variation, voice, offer)
        )
        for body in bodies:
            interest = hook.shared_interest
            violations = verdict(request, body, subject, interest)
            if not violations:
                missing_offer = _offer_left_out(request, offer_reading, body)
                return OfflineDraft(body, subject, interest, [], left_out, missing_offer, pitch_shortened(pitch, body))
            if fallback is None and all(violation.rule is not Rule.ASK for violation in violations):
                missing_offer = _offer_left_out(request, offer_reading, body)
                shortened = pitch_shortened(pitch, body)
                fallback = OfflineDraft(body, subject, interest, violations, left_out, missing_offer, shortened)
    if fallback is not None:
        return fallback
    # Only reachable when every candidate asks for something, which the wording never does: the pitch's own
    # first sentence after a greeting, with its verdict.
    body = f"{voice.greeting} {pitch[0]}"
    subject = "Saying hello" if request.spec.has_subject else None
    none = SharedInterest.none_found()
    missing_offer = _offer_left_out(request, offer_reading, body)
    shortened = pitch_shortened(pitch, body)
    return OfflineDraft(body, subject, none, verdict(request, body, subject, none), left_out, missing_offer, shortened)


def _offer_left_out(request: DraftRequest, reading: OfferReading, body: str, *, language: str | None = None) -> str | None:
    """Why the sender's offer is not in `body`: the reason it could not be used, a language other than the draft's,
    or the channel's length."""
    if reading.left_out is not None or reading.phrase is None or reading.phrase in body:
        return reading.left_out
    mixed = language is not None and detect_language(reading.phrase) not in (language, None)
    return offer_left_out(request.offer or reading.phrase, "other_language" if mixed else "no_room")
