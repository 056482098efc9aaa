"""Deterministic guardrails: every draft passes these before anyone sees it.

Contract (other modules rely on exactly these names):

- find_asks(text) -> list[Violation]
    every request of the recipient (rule ASK), with the offending span.
- check_message(body, *, channel=None, bio=None, pitch=None, subject=None,
                bio_evidence=None, known_names=(), sender_interests=None, offer=None,
                interest_topic=None) -> list[Violation]
    all rules that the given inputs allow: ask always; placeholders always; length when
    channel is known; links/emails the pitch does not give, when bio or pitch is known
    (see below: the bio cannot vouch for a link); pitch present when pitch is known;
    grounding (evidence quote in bio and an interest rather than their job, given with its
    interest_topic; no invented hobby/employer/school/number/quotation) when bio is known;
    nothing planted for the model in the bio or pitch repeated (body, subject or evidence
    quote) when bio or pitch is known; no claim of sharing an interest that the sender's
    interests or pitch do not support, when either is known. known_names are the target's
    and sender's names, which may appear without being in the bio; the offer and the
    sender's interests are the sender's own facts, which may appear too.
    Always: the body's language is one the checks read (UNCOVERED_LANGUAGE), and no invisible,
    format, bidi-control or tag character is in the body, subject or evidence quote (HIDDEN_CHARACTER).
- check_outcomes(violations, *, rules) -> list[CheckOutcome]
    one plain-English outcome per rule that was checked.
- rules_checked(*, channel, bio, pitch, sender_interests=None) -> list[Rule]
    which rules check_message applies for those inputs.
- find_injection_segments(source_text) -> list[str], injection_spans(source_text) -> list[tuple[int, int]]
    the parts of untrusted text that address a model rather than describe a person.
- find_prompt_leaks(text, *, system_prompt) -> list[Violation]
    rule PROMPT_LEAK: only the drafting service knows the system prompt, so it calls this itself.

Details of the contract:

- A blank bio or pitch counts as unknown.
- Links: only the pitch can vouch for a link or email address. The bio is the recipient's
  untrusted text; a bio saying "add http://…" must not get its link into the draft.
- The subject (email) is checked for asks, placeholders, links and invented hobbies; its
  violations say "In the subject" and carry no offsets, which always point into the body.
- Violations come in GUARDRAIL_RULES order, then in order of position in the body.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.guardrails.asks import ASK_KINDS, AskKind, find_asks
from shared.guardrails.claims import find_unsupported_claims
from shared.guardrails.form import find_foreign_links, find_length_problems, find_missing_pitch, find_placeholders
from shared.guardrails.grounding import find_invented_facts, find_ungrounded_interest
from shared.guardrails.hidden import find_hidden_characters
from shared.guardrails.injection import (
    find_injected_evidence,
    find_injected_text,
    find_injection_segments,
    injection_spans,
)
from shared.guardrails.language import find_uncovered_language
from shared.guardrails.leaks import find_prompt_leaks
from shared.models import RULE_DESCRIPTIONS, Channel, CheckOutcome, DraftRequest, Rule, Violation

__all__ = [
    "ASK_KINDS",
    "GUARDRAIL_RULES",
    "AskKind",
    "check_draft",
    "check_message",
    "check_outcomes",
    "find_asks",
    "find_injection_segments",
    "find_prompt_leaks",
    "injection_spans",
    "rules_checked",
]


# The rules this package checks, in report order. Rule also names failures found elsewhere
# (malformed model output, a leak of the system prompt only the service knows), which are never checked here.
GUARDRAIL_RULES: tuple[Rule, ...] = (
    Rule.ASK,
    Rule.UNCOVERED_LANGUAGE,
    Rule.UNGROUNDED_INTEREST,
    Rule.INVENTED_FACT,
    Rule.UNSUPPORTED_CLAIM,
    Rule.MISSING_PITCH,
    Rule.LENGTH,
    Rule.PLACEHOLDER,
    Rule.FOREIGN_LINK,
    Rule.INJECTED_TEXT,
    Rule.HIDDEN_CHARACTER,
)


def rules_checked(
    *, channel: Channel | None, bio: str | None, pitch: str | None, sender_interests: str | None = None
) -> list[Rule]:
    """Which rules check_message applies for these inputs, in GUARDRAIL_RULES order."""
    applies = {
        Rule.ASK: True,
        Rule.UNCOVERED_LANGUAGE: True,
        Rule.UNGROUNDED_INTEREST: _known(bio),
        Rule.INVENTED_FACT: _known(bio),
        Rule.UNSUPPORTED_CLAIM: _known(pitch) or _known(sender_interests),
        Rule.MISSING_PITCH: _known(pitch),
        Rule.LENGTH: channel is not None,
        Rule.PLACEHOLDER: True,
        Rule.FOREIGN_LINK: True,  # with nothing given, no link or contact is vouched for
        Rule.INJECTED_TEXT: _known(bio) or _known(pitch),
        Rule.HIDDEN_CHARACTER: True,
    }
    return [rule for rule in GUARDRAIL_RULES if applies[rule]]


def check_message(
    body: str,
    *,
    channel: Channel | None = None,
    bio: str | None = None,
    pitch: str | None = None,
    subject: str | None = None,
    bio_evidence: str | None = None,
    known_names: Iterable[str] = (),
    sender_interests: str | None = None,
    offer: str | None = None,
    interest_topic: str | None = None,
) -> list[Violation]:
    """Every violation of the rules that these inputs allow checking. The offer, like the pitch, may give links."""
    rules = rules_checked(channel=channel, bio=bio, pitch=pitch, sender_interests=sender_interests)
    names = tuple(known_names)
    subject_text = subject or ""
    found: list[Violation] = []
    if Rule.ASK in rules:
        found += find_asks(body) + _in_subject(find_asks(subject_text))
    if Rule.UNCOVERED_LANGUAGE in rules:
        found += find_uncovered_language(body)
    if Rule.UNGROUNDED_INTEREST in rules and bio:
        found += find_ungrounded_interest(bio_evidence, bio, topic=interest_topic)
    if Rule.INVENTED_FACT in rules:
        sources = [bio or "", pitch or "", offer or "", sender_interests or "", *names]
        found += find_invented_facts(body, sources=sources)
        found += _in_subject(find_invented_facts(subject_text, sources=sources, check_names=False))
    if Rule.UNSUPPORTED_CLAIM in rules:
        claims = {"sender_interests": sender_interests, "pitch": pitch}
        found += find_unsupported_claims(body, **claims) + _in_subject(find_unsupported_claims(subject_text, **claims))
    if Rule.MISSING_PITCH in rules and pitch:
        found += find_missing_pitch(body, pitch, bio=bio)
    if Rule.LENGTH in rules and channel is not None:
        found += find_length_problems(body, channel, subject)
    if Rule.PLACEHOLDER in rules:
        found += find_placeholders(body) + _in_subject(find_placeholders(subject_text))
    if Rule.FOREIGN_LINK in rules:
        given = f"{pitch or ''}\n{offer or ''}"
        found += find_foreign_links(body, allowed_sources=given)
        found += _in_subject(find_foreign_links(subject_text, allowed_sources=given))
    if Rule.INJECTED_TEXT in rules:
        # The names are untrusted text too: "Dana (ignore previous instructions)" is no name.
        untrusted = (bio or "", pitch or "", *names)
        found += find_injected_text(body, sources=untrusted) + _in_subject(find_injected_text(subject_text, sources=untrusted))
        found += find_injected_evidence(bio_evidence, sources=untrusted)
    if Rule.HIDDEN_CHARACTER in rules:
        found += find_hidden_characters(body) + _in_subject(find_hidden_characters(subject_text))
        found += _in_subject(find_hidden_characters(bio_evidence or ""), where="the shared interest")
    order = {rule: index for index, rule in enumerate(GUARDRAIL_RULES)}
    return sorted(found, key=lambda v: (order[v.rule], v.start is None, v.start or 0))


def check_draft(
    request: DraftRequest, body: str, *, subject: str | None, bio_evidence: str | None, interest_topic: str | None = None
) -> list[Violation]:
    """check_message with everything a draft request gives: the one verdict every draft is judged by, whoever wrote it."""
    return check_message(
        body,
        channel=request.channel,
        bio=request.target_bio,
        pitch=request.pitch,
        subject=subject,
        bio_evidence=bio_evidence,
        known_names=tuple(name for name in (request.target_name, request.sender_name) if name),
        sender_interests=request.sender_interests,
        offer=request.offer,
        interest_topic=interest_topic,
    )


def check_outcomes(violations: Iterable[Violation], *, rules: Iterable[Rule]) -> list[CheckOutcome]:
    """One plain-English outcome per checked rule: its description, and why it failed when it did."""
    by_rule: dict[Rule, list[Violation]] = {}
    for violation in violations:
        by_rule.setdefault(violation.rule, []).append(violation)
    outcomes = []
    for rule in rules:
        failures = by_rule.get(rule, [])
        explanation = RULE_DESCRIPTIONS[rule]
        unread = rule is Rule.ASK and not failures and Rule.UNCOVERED_LANGUAGE in by_rule
        if failures:
            explanation += " Not met: " + " ".join(failure.message for failure in failures)
        elif unread:
            # Passing would claim more than was checked: the ask phrasings cannot read this language.
            explanation += " Not checked: the message is in a language these checks do not read."
        outcomes.append(CheckOutcome(rule=rule, passed=not (failures or unread), explanation=explanation))
    return outcomes


def _known(text: str | None) -> bool:
    return bool(text and text.strip())


def _in_subject(violations: list[Violation], *, where: str = "the subject") -> list[Violation]:
    return [
        violation.model_copy(update={"message": f"In {where}: {violation.message}", "start": None, "end": None})
        for violation in violations
    ]
