"""The drafting service: one path from request to a checked no-ask draft, for every entry point."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.composer import compose_offline
from shared.guardrails import check_message, check_outcomes, find_asks, find_prompt_leaks, rules_checked
from shared.guardrails.form import find_foreign_links
from shared.guardrails.grounding import find_ungrounded_interest
from shared.guardrails.hidden import find_hidden_characters, strip_hidden_characters
from shared.guardrails.injection import find_injected_evidence, find_injected_text
from shared.models import DraftRequest, DraftResult, Provider, Rule, SharedInterest, Violation
from shared.ports import ChatMessage, DraftModel, ModelError
from shared.prompts import PromptLibrary

logger = logging.getLogger(__name__)

OFFLINE_MODEL = "offline-composer"
# The draft and one repair: the article's rules are simple enough that a third try rarely helps.
MAX_MODEL_CALLS = 2
# The longest earlier answer sent back for repair; a runaway answer is not worth the tokens.
MAX_ECHOED_ANSWER_CHARS = 4_000
# No draft that breaks one of these is ever returned, whoever wrote it.
GATED_RULES: Final = frozenset(
    {Rule.ASK, Rule.FOREIGN_LINK, Rule.INJECTED_TEXT, Rule.PROMPT_LEAK, Rule.HIDDEN_CHARACTER, Rule.UNCOVERED_LANGUAGE}
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
    """Even the offline draft broke a gated rule (an ask, a foreign link, planted or prompt text): nothing safe to return."""


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
        reserve_seconds: float = 2.0,
        min_call_seconds: float = 1.0,
    ) -> None:
        """`reserve_seconds` of the deadline are kept for the rest of the request (offline draft, storage, reply);
        a model call is only started when at least `min_call_seconds` remain after that."""
        self._model = model
        self._prompts = prompts
        self._clock = clock
        self._reserve_seconds = reserve_seconds
        self._min_call_seconds = min_call_seconds

    def draft(self, request: DraftRequest, *, deadline: float) -> DraftResult:
        if self._model is None:
            return self._offline(request, attempts=0, found=[], fallback_reason=None, system_prompt=None)
        model = self._model
        call_deadline = deadline - self._reserve_seconds
        messages = self._prompts.draft_messages(request)
        # What the model was told, the user message's own wording included; no draft, subject or shared interest
        # may repeat it.
        system_prompt = f"{messages[0].content}\n{self._fixed_user_wording(request)}"
        attempts = 0
        found: list[Violation] = []
        fallback_reason = ""
        while attempts < MAX_MODEL_CALLS:
            if call_deadline - self._clock() < self._min_call_seconds:
                fallback_reason = "deadline: too little time was left before the deadline for a model call."
                break
            attempts += 1
            try:
                answer = model.complete_json(messages, schema=MODEL_DRAFT_SCHEMA, deadline=call_deadline)
            except ModelError as error:
                fallback_reason = f"{error.code}: {error.reason}"
                break
            candidate, violations = self._evaluate(request, answer, system_prompt)
            if candidate is not None and not violations:
                return self._result(request, candidate, "openai", model.model, attempts, found, None, system_prompt)
            found.extend(violations)
            messages = [
                *messages,
                ChatMessage("assistant", answer[:MAX_ECHOED_ANSWER_CHARS]),
                ChatMessage("user", self._prompts.repair(violations)),
            ]
        else:
            broken = ", ".join(sorted({violation.rule.value for violation in found}))
            fallback_reason = f"repair_failed: the repaired draft still broke: {broken}."
        logger.info("Model draft not used; offline composer writes it.", extra={"fallback": fallback_reason.split(":")[0]})
        return self._offline(
            request, attempts=attempts, found=found, fallback_reason=fallback_reason, system_prompt=system_prompt
        )

    def _fixed_user_wording(self, request: DraftRequest) -> str:
        """The user and repair messages as the templates word them, with every field of untrusted data left blank."""
        blank: dict[str, object] = {"target_bio": "", "pitch": "", "target_name": None, "sender_name": None}
        blank |= {field: None for field in ("sender_interests", "offer") if field in DraftRequest.model_fields}
        return f"{self._prompts.user(request.model_copy(update=blank))}\n{self._prompts.repair([])}"

    def _evaluate(self, request: DraftRequest, answer: str, system_prompt: str) -> tuple[_Candidate | None, list[Violation]]:
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
        # Channels without a subject ignore one; an email without one breaks the length rule.
        subject = (parsed.subject or "").strip() or None
        candidate = _Candidate(
            body=parsed.body.strip(),
            subject=subject if request.spec.has_subject else None,
            shared_interest=SharedInterest(
                topic=parsed.shared_interest_topic.strip() or None,
                bio_evidence=evidence or None,
                found=bool(evidence),
            ),
        )
        return candidate, self._check(request, candidate, system_prompt)

    def _check(self, request: DraftRequest, candidate: _Candidate, system_prompt: str | None) -> list[Violation]:
        violations = check_message(
            candidate.body,
            channel=request.channel,
            bio=request.target_bio,
            pitch=request.pitch,
            subject=candidate.subject,
            bio_evidence=candidate.shared_interest.bio_evidence,
            known_names=tuple(name for name in (request.target_name, request.sender_name) if name),
            offer=request.offer,
        )
        if system_prompt:
            violations += _prompt_leaks(candidate, system_prompt)
        return violations

    def _offline(
        self,
        request: DraftRequest,
        *,
        attempts: int,
        found: list[Violation],
        fallback_reason: str | None,
        system_prompt: str | None,
    ) -> DraftResult:
        offline = compose_offline(request)
        # Nothing invisible is ever returned, even if some slipped into the composer's quotes.
        subject = strip_hidden_characters(offline.subject) if offline.subject else offline.subject
        candidate = _Candidate(
            body=strip_hidden_characters(offline.body), subject=subject, shared_interest=offline.shared_interest
        )
        return self._result(request, candidate, "offline", OFFLINE_MODEL, attempts, found, fallback_reason, system_prompt)

    def _result(
        self,
        request: DraftRequest,
        candidate: _Candidate,
        provider: Provider,
        model_name: str,
        attempts: int,
        found: list[Violation],
        fallback_reason: str | None,
        system_prompt: str | None,
    ) -> DraftResult:
        # The final gate: whoever wrote the draft, it is checked again here and never returned with an ask, a link
        # the sender did not give, text an attacker planted for the model, or the model's own instructions: the
        # failures that hurt the sender most and that injected text aims at. The shared interest shown with the
        # draft passes too, or is replaced.
        candidate = replace(candidate, shared_interest=_shown_interest(request, candidate, provider, system_prompt))
        violations = self._check(request, candidate, system_prompt)
        # The offline composer writes in the user's own words where it is not ours: a pitch in Dutch is theirs to send.
        gated = GATED_RULES - {Rule.UNCOVERED_LANGUAGE} if provider == "offline" else GATED_RULES
        blocking = sorted({violation.rule.value for violation in violations if violation.rule in gated})
        if blocking:
            raise UnsafeDraftError(f"The {provider} draft breaks {', '.join(blocking)} and cannot be returned.")
        rules = rules_checked(channel=request.channel, bio=request.target_bio, pitch=request.pitch)
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
            attempts=attempts,
            checks=check_outcomes(violations, rules=rules),
            repaired_violations=[_without_prompt_text(violation, system_prompt) for violation in found],
            fallback_reason=fallback_reason,
        )


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
        find_ungrounded_interest(evidence, request.target_bio)
        or find_injected_evidence(evidence, sources=untrusted)
        or find_injected_text(topic, sources=untrusted)
        or find_foreign_links(shown, allowed_sources="")
        or find_asks(topic)
        or find_hidden_characters(shown)
        or (system_prompt and find_prompt_leaks(shown, system_prompt=system_prompt))
    )


def _without_prompt_text(violation: Violation, system_prompt: str | None) -> Violation:
    """The violation as the user may see it: the repair call quoted the model's own text back to it, spans and all;
    the user never sees any of the system prompt (a leak's span, or a length overrun that carries one)."""
    if system_prompt is None:
        return violation
    update: dict[str, object] = {}
    if violation.rule is Rule.PROMPT_LEAK or find_prompt_leaks(violation.span, system_prompt=system_prompt):
        update = {"span": "", "start": None, "end": None}
    if find_prompt_leaks(violation.message, system_prompt=system_prompt):
        update["message"] = "Broke this rule in text that repeated noask's own instructions to the model."
    return violation.model_copy(update=update) if update else violation
