"""The drafting service: one path from request to a checked no-ask draft, for every entry point."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.composer import UnusablePitchError, compose_offline
from shared.composer.pitch import offer_left_out
from shared.guardrails import check_draft, check_outcomes, find_asks, find_prompt_leaks, rules_checked
from shared.guardrails.form import find_foreign_links, gives
from shared.guardrails.grounding import find_ungrounded_interest
from shared.guardrails.hidden import find_hidden_characters, strip_hidden_characters
from shared.guardrails.injection import find_injected_evidence, find_injected_text
from shared.guardrails.judge import AskJudge
from shared.guardrails.language import find_uncovered_language
from shared.interests import Overlap, find_overlap, topics_in
from shared.models import Channel, DraftRequest, DraftResult, ModelAttempt, Provider, Rule, SharedInterest, Violation
from shared.ports import CallLog, ChatMessage, DraftModel, ModelError
from shared.prompts import PromptLibrary
from shared.usecases.deadline import Deadline, Reserve

logger = logging.getLogger(__name__)

OFFLINE_MODEL = "offline-composer"
# The draft and one repair: the article's rules are simple enough that a third try rarely helps.
MAX_MODEL_CALLS = 2
# The longest earlier answer sent back for repair; a runaway answer is not worth the tokens.
MAX_ECHOED_ANSWER_CHARS = 4_000
# Most tokens a model answer may take per channel: the longest valid body (non-English words take more tokens),
# the subject, the topic and a 160-character quote, plus the JSON around them, about twice over. Not more: a
# runaway answer would hold a single-slot server long after noask has given up on it.
ANSWER_TOKENS: Final = {
    Channel.LINKEDIN_NOTE: 330,
    Channel.LINKEDIN_NOTE_PREMIUM: 400,
    Channel.LINKEDIN_MESSAGE: 480,
    Channel.EMAIL: 480,
}
# The output modes that make the server itself enforce JSON (shared.adapters.structured_output).
_STRUCTURED_MODES: Final = frozenset({"json_schema", "json_object_with_schema", "json_object"})
# Why a thrown-away model draft failed, in words that quote none of its text.
_BROKE: Final = {
    Rule.ASK: "it asked the reader for something",
    Rule.UNGROUNDED_INTEREST: "its shared interest did not rest on a quote from the bio",
    Rule.INVENTED_FACT: "it stated something the bio and pitch do not",
    Rule.MISSING_PITCH: "it left out the pitch",
    Rule.LENGTH: "it did not fit the channel's length",
    Rule.PLACEHOLDER: "it had an unfilled placeholder",
    Rule.FOREIGN_LINK: "it added a link or contact the sender did not give",
    Rule.INJECTED_TEXT: "it repeated text planted in the bio or pitch",
    Rule.PROMPT_LEAK: "it repeated noask's instructions to the model",
    Rule.MALFORMED_OUTPUT: "the answer was not the expected JSON",
    Rule.UNSUPPORTED_CLAIM: "it claimed to share an interest the sender never said they have",
    Rule.HIDDEN_CHARACTER: "it held invisible or direction-control characters",
    Rule.UNCOVERED_LANGUAGE: "it was written in a language the checks cannot read",
}
# No draft that breaks one of these is ever returned, whoever wrote it.
GATED_RULES: Final = frozenset(
    {
        Rule.ASK,
        Rule.FOREIGN_LINK,
        Rule.INJECTED_TEXT,
        Rule.PROMPT_LEAK,
        Rule.UNSUPPORTED_CLAIM,
        Rule.HIDDEN_CHARACTER,
        Rule.UNCOVERED_LANGUAGE,
    }
)


class ModelDraft(BaseModel):
    """What the model must answer with (its strict JSON schema)."""

    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(description="Email subject of a few words; null for other channels.")
    body: str = Field(description="The message itself.")
    shared_interest_topic: str = Field(description="A few words naming the interest the message opens with, or empty.")
    bio_evidence: str = Field(description="A phrase copied exactly from the bio that states the interest, or empty.")


MODEL_DRAFT_SCHEMA: Final[dict[str, object]] = ModelDraft.model_json_schema()


class UnsafeDraftError(RuntimeError):
    """Even the offline draft broke a gated rule (an ask, a foreign link, planted or prompt text, an unsupported claim),
    or the pitch left nothing to send. `user_message` says so in a sentence for the person who asked."""

    DEFAULT_MESSAGE = "No draft passed the no-ask checks for this bio. Try a shorter bio or a different pitch."

    def __init__(self, reason: str, *, user_message: str = DEFAULT_MESSAGE) -> None:
        super().__init__(reason)
        self.user_message = user_message


@dataclass(frozen=True)
class _Candidate:
    body: str
    subject: str | None
    shared_interest: SharedInterest


class DraftingService:
    def __init__(
        self,
        model: DraftModel | None,
        prompts: PromptLibrary,
        clock: Callable[[], float] = time.monotonic,
        *,
        reserve_seconds: float | None = None,
        min_call_seconds: float | None = None,
        max_call_seconds: float = 12.0,
        judge: AskJudge | None = None,
    ) -> None:
        """The deadline's named reserves say how long the offline fallback needs after a model call and how
        little time is worth a call (shared/usecases/deadline.py); the first two arguments override them (tests).
        No call may take more than `max_call_seconds`, so that a stalled server leaves time for the repair and
        the offline draft."""
        self._judge = judge
        self._model = model
        self._prompts = prompts
        self._clock = clock
        overrides = {Reserve.OFFLINE_DRAFT: reserve_seconds, Reserve.MODEL_CALL: min_call_seconds}
        self._reserve_overrides = {name: seconds for name, seconds in overrides.items() if seconds is not None}
        self._max_call_seconds = max_call_seconds

    @property
    def calls_model(self) -> bool:
        """False when the offline composer writes every draft (no model is configured)."""
        return self._model is not None

    def draft(self, request: DraftRequest, *, deadline: Deadline | float) -> DraftResult:
        """`deadline`: the request's Deadline, or an absolute time.monotonic() with the default reserves."""
        if self._model is None:
            return self._offline(request, _Calls(), found=[], fallback_reason=None, system_prompt=None)
        model = self._model
        budget = deadline if isinstance(deadline, Deadline) else Deadline(ends_at=deadline, clock=self._clock)
        if self._reserve_overrides:
            budget = replace(budget, reserves={**budget.reserves, **self._reserve_overrides})
        call_deadline = budget.before(Reserve.OFFLINE_DRAFT)
        overlap = find_overlap(request.target_bio, request.sender_interests, pitch=request.pitch)
        shared_topic = overlap.topic if overlap else None
        messages = self._prompts.draft_messages(request, shared_topic=shared_topic)
        # What the model was told (the system prompt, and the user and repair messages' own wording); no draft,
        # subject or shared interest may repeat it.
        fixed_wording = self._prompts.user_fixed_wording(request, shared_topic=shared_topic)
        system_prompt = f"{messages[0].content}\n{fixed_wording}\n{self._prompts.repair([])}"
        calls = _Calls()
        found: list[Violation] = []
        fallback_reason = ""
        while len(calls.attempts) < MAX_MODEL_CALLS:
            now = self._clock()
            if not budget.allows(Reserve.MODEL_CALL, keeping=(Reserve.OFFLINE_DRAFT,)):
                fallback_reason = "deadline: too little time was left before the deadline for a model call."
                break
            try:
                answer = model.complete_json(
                    messages,
                    schema=MODEL_DRAFT_SCHEMA,
                    deadline=min(call_deadline, now + self._max_call_seconds),
                    max_tokens=ANSWER_TOKENS[request.channel],
                    log=calls.log,
                )
            except ModelError as error:
                calls.attempts.append(ModelAttempt(outcome="failed", detail=error.reason))
                fallback_reason = f"{error.code}: {error.reason}"
                break
            candidate, violations = self._evaluate(request, answer, system_prompt, overlap)
            if candidate is not None and not violations:
                violations = self._second_reading(candidate, budget, min(call_deadline, self._clock() + self._max_call_seconds))
            if candidate is not None and not violations:
                calls.attempts.append(
                    ModelAttempt(outcome="repaired", detail="Its repaired draft passed every check.")
                    if calls.attempts
                    else ModelAttempt(outcome="accepted", detail="Its draft passed every check as written.")
                )
                return self._result(request, candidate, "openai", model.model, calls, found, None, system_prompt)
            calls.attempts.append(ModelAttempt(outcome="rejected", detail=_why_rejected(violations)))
            found.extend(violations)
            messages = [
                *messages,
                ChatMessage("assistant", answer[:MAX_ECHOED_ANSWER_CHARS]),
                ChatMessage("user", self._prompts.repair(violations)),
            ]
        else:
            fallback_reason = f"repair_failed: the repaired draft still broke the rules: {_reasons(violations)}."
            if set(calls.log.unsupported_modes) >= _STRUCTURED_MODES and {v.rule for v in found} == {Rule.MALFORMED_OUTPUT}:
                fallback_reason = (
                    "unsupported_output: The model endpoint does not support structured output, and without it the model "
                    "did not answer with the JSON noask needs."
                )
        logger.info("Model draft not used; offline composer writes it.", extra={"fallback": fallback_reason.split(":")[0]})
        return self._offline(request, calls, found=found, fallback_reason=fallback_reason, system_prompt=system_prompt)

    def _second_reading(self, candidate: _Candidate, budget: Deadline, call_deadline: float) -> list[Violation]:
        """The judge's ASK violations, if a judge is set and there is time for its call; else none."""
        if self._judge is None or not budget.allows(Reserve.MODEL_CALL, keeping=(Reserve.OFFLINE_DRAFT,)):
            return []
        return self._judge.violations(candidate.body, candidate.subject, deadline=call_deadline)

    def _evaluate(
        self, request: DraftRequest, answer: str, system_prompt: str, overlap: Overlap | None
    ) -> tuple[_Candidate | None, list[Violation]]:
        try:
            parsed = ModelDraft.model_validate_json(answer)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in issue['loc']) or 'answer'}: {issue['msg']}"
                for issue in error.errors(include_input=False, include_url=False)
            )
            return None, [
                Violation(rule=Rule.MALFORMED_OUTPUT, message=f"The answer was not the expected JSON object ({problems}).")
            ]
        if not parsed.body.strip():
            return None, [Violation(rule=Rule.MALFORMED_OUTPUT, message="The body was empty.")]
        evidence = parsed.bio_evidence.strip()
        topic = parsed.shared_interest_topic.strip()
        # Channels without a subject ignore one; an email without one breaks the length rule.
        subject = (parsed.subject or "").strip() or None
        candidate = _Candidate(
            body=parsed.body.strip(),
            subject=subject if request.spec.has_subject else None,
            shared_interest=SharedInterest(
                topic=topic or None,
                bio_evidence=evidence or None,
                found=bool(evidence),
                # Shared only when the sender has the interest and the draft opens with that one.
                shared_with_sender=overlap is not None and overlap.topic in topics_in(f"{topic}\n{evidence}"),
            ),
        )
        return candidate, self._check(request, candidate, system_prompt)

    def _check(self, request: DraftRequest, candidate: _Candidate, system_prompt: str | None) -> list[Violation]:
        violations = check_draft(
            request,
            candidate.body,
            subject=candidate.subject,
            bio_evidence=candidate.shared_interest.bio_evidence,
            interest_topic=candidate.shared_interest.topic,
        )
        if system_prompt:
            violations += _prompt_leaks(candidate, system_prompt)
        return violations

    def _offline(
        self,
        request: DraftRequest,
        calls: _Calls,
        *,
        found: list[Violation],
        fallback_reason: str | None,
        system_prompt: str | None,
    ) -> DraftResult:
        try:
            offline = compose_offline(request)
        except UnusablePitchError as error:
            raise UnsafeDraftError("The pitch left nothing to send.", user_message=str(error)) from error
        # Nothing invisible is ever returned, even if some slipped into the composer's quotes.
        body = strip_hidden_characters(offline.body)
        subject = strip_hidden_characters(offline.subject) if offline.subject else offline.subject
        candidate = _Candidate(body=body, subject=subject, shared_interest=offline.shared_interest)
        # The composer's verdict stands for the text it judged; text changed since is judged again.
        verdict = offline.violations if (body, subject) == (offline.body, offline.subject) else None
        return self._result(
            request,
            candidate,
            "offline",
            OFFLINE_MODEL,
            calls,
            found,
            fallback_reason,
            system_prompt,
            verdict,
            notices=_left_out_of_pitch(offline.left_out_of_pitch)
            + _not_carried(offline.left_out_of_offer)
            + _not_carried(offline.pitch_shortened),
        )

    def _result(
        self,
        request: DraftRequest,
        candidate: _Candidate,
        provider: Provider,
        model_name: str,
        calls: _Calls,
        found: list[Violation],
        fallback_reason: str | None,
        system_prompt: str | None,
        verdict: list[Violation] | None = None,
        *,
        notices: list[Violation] | None = None,
    ) -> DraftResult:
        # The final gate: whoever wrote the draft, it is judged here and never returned with an ask, a link the
        # sender did not give, text an attacker planted for the model, or the model's own instructions: the failures
        # that hurt the sender most and that injected text aims at. The shared interest shown with the draft passes
        # too, or is replaced. `verdict` is check_draft's judgement already made of this very draft (the offline
        # composer's): it stands as long as the shared interest shown is the one it judged.
        shown = _shown_interest(request, candidate, provider, system_prompt)
        if verdict is not None and shown == candidate.shared_interest:
            violations = list(verdict) + (_prompt_leaks(candidate, system_prompt) if system_prompt else [])
        else:
            candidate = replace(candidate, shared_interest=shown)
            violations = self._check(request, candidate, system_prompt)
        violations += notices or []
        if provider != "offline" and request.offer:
            violations += _offer_left_out(request, candidate, request.offer)
        # The offline composer writes English; text in another language can only be the sender's own pitch or offer,
        # which is theirs to send: the check then shows as not met instead of refusing the draft.
        own_language = (
            provider == "offline"
            and any(violation.rule is Rule.UNCOVERED_LANGUAGE for violation in violations)
            and _senders_own_language(request, candidate)
        )
        blocking = sorted(
            {
                violation.rule.value
                for violation in violations
                if violation.rule in GATED_RULES and not (own_language and violation.rule is Rule.UNCOVERED_LANGUAGE)
            }
        )
        if blocking:
            raise UnsafeDraftError(f"The {provider} draft breaks {', '.join(blocking)} and cannot be returned.")
        rules = rules_checked(
            channel=request.channel, bio=request.target_bio, pitch=request.pitch, sender_interests=request.sender_interests
        )
        if system_prompt:
            rules.append(Rule.PROMPT_LEAK)
        return DraftResult(
            body=candidate.body,
            subject=candidate.subject,
            channel=request.channel,
            shared_interest=candidate.shared_interest,
            provider=provider,
            model=model_name,
            prompt_version=self._prompts.version,
            attempts=len(calls.attempts),
            http_requests=calls.log.http_requests,
            output_mode=calls.log.output_mode,
            model_attempts=calls.attempts,
            checks=check_outcomes(violations, rules=rules),
            repaired_violations=[_without_model_text(violation) for violation in found],
            fallback_reason=fallback_reason,
        )


def _left_out_of_pitch(left_out: tuple[str, ...]) -> list[Violation]:
    """Sentences of the pitch the offline draft leaves out (they ask for something, or address a model), said to the user
    as a failed "Gives your pitch" instead of dropped in silence."""
    return [
        Violation(
            rule=Rule.MISSING_PITCH,
            message=f"Left out of your pitch because it asks for something or addresses the model: “{sentence[:120]}”.",
            span=sentence,
        )
        for sentence in left_out
    ]


def _not_carried(reason: str | None) -> list[Violation]:
    """The sender's offer, or the part of their pitch, that a draft does not carry, said to the user with the reason
    instead of dropped in silence: it is part of what they asked to send, so "Gives your pitch" shows as not
    met."""
    # It quotes the sender's own text: nothing invisible goes back with it.
    return [] if reason is None else [Violation(rule=Rule.MISSING_PITCH, message=strip_hidden_characters(reason))]


def _offer_left_out(request: DraftRequest, candidate: _Candidate, offer: str) -> list[Violation]:
    """The sender's offer, when the model's draft does not carry it (measured as the pitch is, by a word of its own, not
    one it shares with the pitch): they asked to give it, so they are told, as the offline composer tells them."""
    text = "\n".join(part for part in (candidate.subject, candidate.body) if part)
    return [] if gives(text, offer, besides=request.pitch) else _not_carried(offer_left_out(offer, "by_model"))


def _senders_own_language(request: DraftRequest, candidate: _Candidate) -> bool:
    """Whether the only text of the offline draft the checks cannot read is the sender's own pitch or offer: the user's
    words, in the user's language, returned with the check shown as not met rather than refused."""
    remainder = candidate.body
    for source in (request.pitch, request.offer or ""):
        for part in _SENTENCE_BREAK.split(source):
            if part.strip():
                remainder = remainder.replace(part.strip(), " ")
    return not find_uncovered_language(remainder)


_SENTENCE_BREAK = re.compile(r"(?<=[.!?。！？])\s*")


def _prompt_leaks(candidate: _Candidate, system_prompt: str) -> list[Violation]:
    """The system prompt repeated in the body, the subject or the shared interest shown with the draft."""
    leaks = find_prompt_leaks(candidate.body, system_prompt=system_prompt)
    interest = candidate.shared_interest
    for where, text in (
        ("the subject", candidate.subject),
        ("the shared interest", f"{interest.topic or ''}\n{interest.bio_evidence or ''}"),
    ):
        leaks += [
            leak.model_copy(update={"message": f"In {where}: {leak.message}", "start": None, "end": None})
            for leak in find_prompt_leaks(text or "", system_prompt=system_prompt)
        ]
    return leaks


def _shown_interest(
    request: DraftRequest, candidate: _Candidate, provider: Provider, system_prompt: str | None
) -> SharedInterest:
    """The draft's shared interest if it is safe to show; else the offline composer's; else an honest 'none found'."""

    def choices() -> Iterator[SharedInterest]:
        yield candidate.shared_interest
        if provider != "offline":
            yield compose_offline(request).shared_interest

    return next(
        (interest for interest in choices() if _is_safe_interest(request, interest, system_prompt)), SharedInterest.none_found()
    )


def _is_safe_interest(request: DraftRequest, interest: SharedInterest, system_prompt: str | None) -> bool:
    """A literal bio quote, not from text planted for the model, with no link, ask or system prompt text in it or its topic."""
    evidence, topic = interest.bio_evidence or "", interest.topic or ""
    shown = f"{topic}\n{evidence}"
    untrusted = (request.target_bio, request.pitch, request.target_name or "", request.sender_name or "")
    return not (
        find_ungrounded_interest(evidence, request.target_bio, topic=topic)
        or find_injected_evidence(evidence, sources=untrusted)
        or find_injected_text(topic, sources=untrusted)
        or find_foreign_links(shown, allowed_sources="")
        or find_asks(topic)
        or find_hidden_characters(shown)
        or (system_prompt and find_prompt_leaks(shown, system_prompt=system_prompt))
    )


def _reasons(violations: list[Violation]) -> str:
    return "; ".join(dict.fromkeys(_BROKE.get(violation.rule, violation.rule.value) for violation in violations))


def _why_rejected(violations: list[Violation]) -> str:
    return f"Its draft was thrown away: {_reasons(violations)}."


def _without_model_text(violation: Violation) -> Violation:
    """A rule a thrown-away draft broke, as the user may see it: the rule and a plain reason, none of the draft's text
    (which may repeat planted text or noask's own instructions) and no offsets into a draft nobody will see."""
    return Violation(rule=violation.rule, message=_BROKE.get(violation.rule, violation.rule.value).capitalize() + ".")


@dataclass
class _Calls:
    """The model calls made for one draft: their outcomes and what they took on the wire."""

    attempts: list[ModelAttempt] = field(default_factory=list)
    log: CallLog = field(default_factory=CallLog)
