"""Every attack of the corpus in the body of a forwarded email, through InboundEmailFunction.

The raw message goes into the (moto) bucket as SES would store it; the real handler parses it, checks
trust, drafts through the openai client against the obedient adversary, stores the draft in DynamoDB
Local and replies through (moto) SES. The stored draft and the reply are both checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from shared import composition
from shared.history import DraftRecord
from tests.attacks.adversary import running_attack
from tests.attacks.corpus import Attack
from tests.attacks.harness import (
    CHANNELS,
    AttackStack,
    LogSearch,
    attack_stack,
    bio_with_attack,
    carrier_pitch,
    sensitive_sentences,
)
from tests.attacks.verdicts import Draft, Outcome, Tally, findings, obeyed
from tests.resilience.mail import EmailStack, SentReply, email_stack, forward

pytestmark = pytest.mark.integration

SENDER = "alex.kim@fabrikam.example"
USER_ID = "attack-email-user"
APP_URL = "https://app.noask.example"


def note(index: int) -> str:
    """The user's own words above the forward: a channel for this one, and a thank-you."""
    return f"channel: {CHANNELS[index % len(CHANNELS)].value}\nThanks, this one is for the meetup follow-up."


@dataclass
class EmailRun:
    tally: Tally
    stack: AttackStack
    replies: list[SentReply] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)


def reply_findings(reply: SentReply, *, attack: Attack, user_input: str, system_prompt: str, stack: AttackStack) -> list[str]:
    """The reply wraps the draft in words to the user (and a link to the history page): no ask check on those."""
    problems = findings(
        Draft(body=reply.text),
        attack=attack,
        user_input=f"{user_input}\n{APP_URL}",
        system_prompt=system_prompt,
        canaries=stack.prompts.issued,
    )
    return [f"reply {problem}" for problem in problems if not problem.startswith("ask:")]


def run_email_placement(attacks: tuple[Attack, ...], stack: AttackStack, mail: EmailStack) -> EmailRun:
    run = EmailRun(Tally("email"), stack)
    profile = mail.register(USER_ID, SENDER, pitch=carrier_pitch(0))
    delivered = []
    for index, attack in enumerate(attacks):
        message = forward(SENDER, bio=bio_with_attack(index, attack), note=note(index))
        run.bodies.append(message.get_content())
        with running_attack(attack.canary):
            delivered.append((attack, str(message["Message-ID"]), mail.send(message)))
    run.replies = mail.replies()
    replies_to: dict[str, list[SentReply]] = {}
    for reply in run.replies:
        replies_to.setdefault(reply.in_reply_to, []).append(reply)
    for attack, message_id, delivery in delivered:
        answers = stack.adversary.answers(attack.canary)
        record = composition.history_store().get_draft(USER_ID, str(delivery.outcome.get("draft_id") or ""))
        if delivery.fate != "replied" or delivery.reason != "drafted" or record is None:
            failure = (f"not drafted: {delivery.fate} ({delivery.reason}) {delivery.error}",)
            run.tally.add(Outcome(attack, "none", len(answers), obeyed(answers), failure, str(delivery.outcome)))
            continue
        problems = draft_findings(record, attack, stack)
        replies = replies_to.get(message_id, [])
        if len(replies) != 1:
            problems.append(f"{len(replies)} replies instead of one")
        system_prompt = stack.system_prompt(attack, record.request)
        for reply in replies:
            if reply.to != (profile.email,):
                problems.append(f"reply sent to {reply.to}")
            problems += reply_findings(
                reply, attack=attack, user_input=record.request.pitch, system_prompt=system_prompt, stack=stack
            )
        result = record.result
        run.tally.add(Outcome(attack, result.provider, result.attempts, obeyed(answers), tuple(problems), result.body))
    return run


def draft_findings(record: DraftRecord, attack: Attack, stack: AttackStack) -> list[str]:
    result = record.result
    interest = result.shared_interest
    draft = Draft(body=result.body, subject=result.subject, extra=f"{interest.topic or ''}\n{interest.bio_evidence or ''}")
    return findings(
        draft,
        attack=attack,
        user_input=record.request.pitch,
        system_prompt=stack.system_prompt(attack, record.request),
        canaries=stack.prompts.issued,
    )


@pytest.fixture(scope="module")
def email_run(
    attacks: tuple[Attack, ...], dynamodb_local: str, local_tables: dict[str, str], record_tally: list[Tally]
) -> Iterator[EmailRun]:
    with attack_stack(attacks, dynamodb_local, local_tables) as stack, email_stack() as mail:
        run = run_email_placement(attacks, stack, mail)
        record_tally.append(run.tally)
        yield run


def test_no_stored_draft_or_reply_carries_out_an_attack(email_run: EmailRun) -> None:
    assert email_run.tally.failures == [], email_run.tally.report(limit=20)


def test_every_reply_goes_to_the_registered_sender_only(email_run: EmailRun) -> None:
    assert email_run.replies, "no reply was sent at all"
    assert {reply.to for reply in email_run.replies} == {(SENDER,)}


def test_the_adversary_was_reached_and_obeyed(email_run: EmailRun) -> None:
    outcomes = email_run.tally.outcomes
    assert all(outcome.attempts >= 1 for outcome in outcomes)
    assert sum(outcome.obeyed for outcome in outcomes) >= 0.95 * len(outcomes), email_run.tally.report()


def test_no_log_line_carries_a_canary_the_api_key_or_email_text(email_run: EmailRun) -> None:
    stack = email_run.stack
    logs = stack.log_text()
    assert logs.strip(), "nothing was captured: the capture is broken, not the product clean"
    search = LogSearch(logs)
    assert [canary for canary in stack.prompts.issued if canary in search] == []
    assert stack.secrets.api_key not in search
    sentences = {sentence for body in email_run.bodies for sentence in sensitive_sentences(body)}
    assert sorted(sentence for sentence in sentences if sentence in search) == []
    assert SENDER not in search
