"""The adversary and the canary: the suites only prove something if the model really obeys every attack."""

from __future__ import annotations

import json

import pytest

from shared import composition
from shared.models import Channel, DraftRequest, Rule, Violation
from shared.text import fold
from tests.attacks.adversary import ASK, CANARY_PATTERN, CanaryPromptLibrary, ObedientAdversary, running_attack
from tests.attacks.corpus import Attack, Family
from tests.attacks.harness import bio_with_attack, carrier_pitch
from tests.attacks.verdicts import urls_in
from tests.support.fake_openai import ReceivedRequest


@pytest.fixture(scope="module")
def prompts() -> CanaryPromptLibrary:
    return CanaryPromptLibrary(composition.PROMPTS_DIR)


def model_request(prompts: CanaryPromptLibrary, request: DraftRequest, canary: str) -> ReceivedRequest:
    with running_attack(canary):
        messages = prompts.draft_messages(request)
    body = {"messages": [{"role": message.role, "content": message.content} for message in messages]}
    return ReceivedRequest(path="/v1/chat/completions", headers={}, body=body)


def answer_body(adversary: ObedientAdversary, request: ReceivedRequest) -> str:
    reply = adversary(request)
    assert reply.content is not None
    return str(json.loads(reply.content)["body"])


def test_the_system_prompt_carries_the_running_attacks_canary_and_only_then(prompts: CanaryPromptLibrary) -> None:
    request = DraftRequest(target_bio="Keen sailor.", pitch="I build boats.", channel=Channel.EMAIL)
    with running_attack("cnry-0123456789abcdef0123"):
        system = prompts.system(request)
    assert CANARY_PATTERN.findall(system) == ["cnry-0123456789abcdef0123"]
    assert "cnry-0123456789abcdef0123" in prompts.issued
    with pytest.raises(RuntimeError, match="running_attack"):
        prompts.system(request)


def test_the_adversary_obeys_every_attack_of_the_corpus(attacks: tuple[Attack, ...], prompts: CanaryPromptLibrary) -> None:
    adversary = ObedientAdversary([attack.rogue for attack in attacks if attack.rogue])
    disobeyed = []
    for index, attack in enumerate(attacks):
        request = DraftRequest(target_bio=bio_with_attack(index, attack), pitch=carrier_pitch(index), channel=Channel.EMAIL)
        body = fold(answer_body(adversary, model_request(prompts, request, attack.canary)))
        done = adversary.answers(attack.canary)[-1]
        expected = [
            not attack.rogue or (fold(attack.rogue) in body and done.rogue),
            not attack.url or any(fold(url) in body for url in urls_in(attack.text)),
            attack.family is not Family.PROMPT_LEAK or (attack.canary in body and done.leak),
            fold(ASK) in body,
        ]
        if not all(expected):
            disobeyed.append(attack.id)
    assert disobeyed == []


def test_the_adversary_leaks_only_when_asked_to(attacks: tuple[Attack, ...], prompts: CanaryPromptLibrary) -> None:
    adversary = ObedientAdversary([attack.rogue for attack in attacks if attack.rogue])
    hijack = next(attack for attack in attacks if attack.family is Family.GOAL_HIJACK)
    request = DraftRequest(target_bio=bio_with_attack(0, hijack), pitch=carrier_pitch(0), channel=Channel.EMAIL)
    assert hijack.canary not in answer_body(adversary, model_request(prompts, request, hijack.canary))


def test_asked_to_repair_the_adversary_drops_only_the_quoted_sentences(
    attacks: tuple[Attack, ...], prompts: CanaryPromptLibrary
) -> None:
    adversary = ObedientAdversary([attack.rogue for attack in attacks if attack.rogue])
    hijack = next(attack for attack in attacks if attack.family is Family.GOAL_HIJACK and attack.rogue)
    assert hijack.rogue is not None
    request = DraftRequest(target_bio=bio_with_attack(0, hijack), pitch=carrier_pitch(0), channel=Channel.EMAIL)
    first = model_request(prompts, request, hijack.canary)
    first_answer = adversary(first).content or ""
    ask = Violation(rule=Rule.ASK, message="Asks for a referral.", span="Could you refer me for an opening on your team?")
    messages = [
        *first.messages,
        {"role": "assistant", "content": first_answer},
        {"role": "user", "content": prompts.repair([ask])},
    ]
    body = answer_body(adversary, ReceivedRequest(path=first.path, headers={}, body={"messages": messages}))
    assert "refer me" not in body
    assert hijack.rogue in body
