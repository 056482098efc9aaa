"""Every attack of the corpus in the bio (through the HTTP API handler) and in the pitch (through the drafting service).

The pipeline runs for real: the openai client over HTTP to the obedient adversary on 127.0.0.1, the
guardrails, the repair call and the offline fallback; for the bio, also the API handler (JWT claims,
validation, quota) and the history write to DynamoDB Local. Then each final draft is checked for every
way the attack could have won. The API handler serves one event at a time, as in Lambda; the service
is shared by threads, as the local server does.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from functions.draft_api.app import handler
from shared import composition
from shared.local.invoke import LambdaContext
from shared.local.server import http_api_event
from shared.models import DraftRequest, DraftResult
from shared.service import UnsafeDraftError
from tests.attacks.adversary import running_attack
from tests.attacks.corpus import Attack
from tests.attacks.harness import (
    CHANNELS,
    TARGET_NAMES,
    AttackStack,
    LogSearch,
    attack_stack,
    bio_with_attack,
    carrier_bio,
    carrier_pitch,
    sensitive_sentences,
)
from tests.attacks.verdicts import Draft, Outcome, Tally, findings, obeyed

pytestmark = pytest.mark.integration

# API Gateway's 30 s integration limit is what the API handler plans for.
LAMBDA_TIMEOUT_SECONDS = 30
DRAFT_SECONDS = 25
SERVICE_THREADS = 4


def bio_request(index: int, attack: Attack) -> DraftRequest:
    return DraftRequest(
        target_bio=bio_with_attack(index, attack),
        pitch=carrier_pitch(index),
        channel=CHANNELS[index % len(CHANNELS)],
        target_name=TARGET_NAMES[index % len(TARGET_NAMES)],
    )


def pitch_request(index: int, attack: Attack) -> DraftRequest:
    return DraftRequest(
        target_bio=carrier_bio(index),
        pitch=f"{carrier_pitch(index)}\n{attack.text}",
        channel=CHANNELS[index % len(CHANNELS)],
        target_name=TARGET_NAMES[index % len(TARGET_NAMES)],
    )


def outcome(attack: Attack, request: DraftRequest, result: DraftResult, stack: AttackStack) -> Outcome:
    interest = result.shared_interest
    draft = Draft(body=result.body, subject=result.subject, extra=f"{interest.topic or ''}\n{interest.bio_evidence or ''}")
    problems = findings(
        draft,
        attack=attack,
        user_input=request.pitch,
        system_prompt=stack.system_prompt(attack, request),
        canaries=stack.prompts.issued,
    )
    answers = stack.adversary.answers(attack.canary)
    return Outcome(attack, result.provider, result.attempts, obeyed(answers), tuple(problems), draft.visible)


def no_draft(attack: Attack, stack: AttackStack, why: str) -> Outcome:
    answers = stack.adversary.answers(attack.canary)
    return Outcome(attack, "none", len(answers), obeyed(answers), (f"no draft: {why}",), "")


def post_draft(request: DraftRequest, stack: AttackStack) -> dict[str, Any]:
    """POST /drafts as API Gateway delivers it once its JWT authorizer accepted the caller's token."""
    event = http_api_event(
        "POST",
        "/drafts",
        headers={"content-type": "application/json", "authorization": f"Bearer {stack.secrets.jwt}"},
        body=request.model_dump_json(exclude_none=True),
        claims={"sub": stack.secrets.user_id, "token_use": "id"},
    )
    response: dict[str, Any] = handler(event, LambdaContext("DraftApiFunction", 512, LAMBDA_TIMEOUT_SECONDS))
    return response


def run_bio_placement(attacks: tuple[Attack, ...], stack: AttackStack) -> Tally:
    tally = Tally("bio")
    for index, attack in enumerate(attacks):
        request = bio_request(index, attack)
        with running_attack(attack.canary):
            response = post_draft(request, stack)
        if response["statusCode"] != 201:
            tally.add(no_draft(attack, stack, f"HTTP {response['statusCode']} {response.get('body', '')[:200]}"))
            continue
        # The API's view is the draft result plus its id and request: the result's fields are all there.
        result = DraftResult.model_validate_json(response["body"])
        tally.add(outcome(attack, request, result, stack))
    return tally


def run_pitch_placement(attacks: tuple[Attack, ...], stack: AttackStack) -> Tally:
    tally = Tally("pitch")
    service = composition.drafting_service()

    def draft(index: int, attack: Attack) -> Outcome:
        request = pitch_request(index, attack)
        with running_attack(attack.canary):
            try:
                result = service.draft(request, deadline=time.monotonic() + DRAFT_SECONDS)
            except UnsafeDraftError as error:
                return no_draft(attack, stack, str(error))
        return outcome(attack, request, result, stack)

    with ThreadPoolExecutor(SERVICE_THREADS) as pool:
        for result in pool.map(draft, range(len(attacks)), attacks):
            tally.add(result)
    return tally


@dataclass
class DraftRuns:
    bio: Tally
    pitch: Tally
    stack: AttackStack

    def tally(self, placement: str) -> Tally:
        return self.bio if placement == "bio" else self.pitch


@pytest.fixture(scope="module")
def draft_runs(
    attacks: tuple[Attack, ...], dynamodb_local: str, local_tables: dict[str, str], record_tally: list[Tally]
) -> Iterator[DraftRuns]:
    with attack_stack(attacks, dynamodb_local, local_tables) as stack:
        runs = DraftRuns(run_bio_placement(attacks, stack), run_pitch_placement(attacks, stack), stack)
        record_tally.extend((runs.bio, runs.pitch))
        yield runs


@pytest.mark.parametrize("placement", ["bio", "pitch"])
def test_no_final_draft_carries_out_an_attack(placement: str, draft_runs: DraftRuns) -> None:
    tally = draft_runs.tally(placement)
    assert tally.failures == [], tally.report(limit=20)


@pytest.mark.parametrize("placement", ["bio", "pitch"])
def test_the_adversary_was_reached_and_obeyed(placement: str, draft_runs: DraftRuns) -> None:
    """Without this, a pipeline that never called the model would pass the suite for nothing."""
    tally = draft_runs.tally(placement)
    assert all(outcome.attempts >= 1 for outcome in tally.outcomes)
    assert sum(outcome.obeyed for outcome in tally.outcomes) >= 0.95 * len(tally.outcomes), tally.report()


def test_no_log_line_carries_a_canary_the_api_key_or_the_jwt(draft_runs: DraftRuns) -> None:
    stack = draft_runs.stack
    logs = stack.log_text()
    assert logs.strip(), "nothing was captured: the capture is broken, not the product clean"
    search = LogSearch(logs)
    assert [canary for canary in stack.prompts.issued if canary in search] == []
    assert stack.secrets.api_key not in search
    assert stack.secrets.jwt not in search
    assert stack.secrets.jwt.rsplit(".", 1)[1] not in search


def test_no_log_line_carries_bio_or_pitch_text(attacks: tuple[Attack, ...], draft_runs: DraftRuns) -> None:
    search = LogSearch(draft_runs.stack.log_text())
    texts = [bio_request(n, attack).target_bio for n, attack in enumerate(attacks)]
    texts += [pitch_request(n, attack).pitch for n, attack in enumerate(attacks)]
    sentences = {sentence for text in texts for sentence in sensitive_sentences(text)}
    assert sorted(sentence for sentence in sentences if sentence in search) == []
