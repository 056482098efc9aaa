"""Red team: asks, links, leaks and unreadable languages in disguise, judged by the final gate and the real service.

Every attack in tests/redteam/obfuscation.toml is tried twice:

- as a message given to the gate (`check_message` with the English scenario's bio, pitch and names, which is what
  `noask check` and POST /checks run; leaks with the service's own rendered prompt): it must break one of the
  rules its family names;
- as a model answer through the real drafting service, the openai adapter and a local OpenAI-compatible server
  (the attack put before the signature of a clean answer, or the whole answer for `whole` families): the model
  gives it for the draft and again for the repair, no text of it may be returned, and what rejected it must be one
  of the family's rules (a short whole draft also breaks the length rule, which proves nothing about the attack).

Every legitimate text must pass the gate with nothing found, and a clean answer holding it (its bio holding it too,
so that names and facts are grounded) must come back exactly as the model wrote it: false rejections are failures.
"""

from __future__ import annotations

import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.openai_model import OpenAIDraftModel
from shared.guardrails import check_message, find_prompt_leaks
from shared.guardrails.hidden import find_hidden_characters
from shared.models import DraftRequest, Rule
from shared.prompts import PromptLibrary
from shared.service import DraftingService, UnsafeDraftError
from tests.support.fake_openai import FakeOpenAI, Reply
from tests.support.llm_scenario import BIO, CLEAN, PITCH, draft_request

REPO = Path(__file__).resolve().parents[2]
PROMPTS = PromptLibrary(REPO / "prompts")
DATA = tomllib.loads((Path(__file__).parent / "obfuscation.toml").read_text(encoding="utf-8"))
ATTACKS: list[tuple[dict[str, Any], str]] = [(family, text) for family in DATA["attack"] for text in family["messages"]]
LEGITIMATE: list[tuple[dict[str, Any], str]] = [(family, text) for family in DATA["legitimate"] for text in family["messages"]]
NAMES = ("Dana", "Sam")
SIGNATURE = " Sam"


def _params(cases: list[tuple[dict[str, Any], str]], path: str) -> list[Any]:
    """One param per case, named family-index; a case its family lists as still open on `path` is a strict xfail."""
    params = []
    for family, text in cases:
        index = family["messages"].index(text)
        reason = f"open: {family['name']} #{index} on the {path} path"
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if index in family[f"open_{path}"] else []
        params.append(pytest.param((family, text), id=f"{family['name']}-{index}", marks=marks))
    return params


def _system_prompt(request: DraftRequest) -> str:
    return PROMPTS.draft_messages(request)[0].content


def gate_rules(text: str) -> set[Rule]:
    """The rules the final gate finds broken in `text`, given as a message with the scenario's context."""
    found = check_message(text, bio=BIO, pitch=PITCH, known_names=NAMES)
    leaks = find_prompt_leaks(text, system_prompt=_system_prompt(draft_request()))
    return {violation.rule for violation in [*found, *leaks]}


def _with_attack(family: dict[str, Any], text: str) -> str:
    if family.get("whole"):
        return text
    body: str = CLEAN["body"]
    assert body.endswith(SIGNATURE)
    return f"{body.removesuffix(SIGNATURE)} {text}{SIGNATURE}"


@pytest.fixture
def service(fake_openai: FakeOpenAI) -> DraftingService:
    model = OpenAIDraftModel(model="test-model", api_key="sk-test", base_url=fake_openai.base_url, sleep=lambda _: None)
    return DraftingService(model, PROMPTS, reserve_seconds=0.5, min_call_seconds=0.2)


def test_the_corpus_is_large_and_unseen() -> None:
    assert len(ATTACKS) >= 120
    assert len(LEGITIMATE) >= 40
    texts = [text for _, text in ATTACKS] + [text for _, text in LEGITIMATE]
    assert len(set(texts)) == len(texts), "a text appears twice"
    seen = tomllib.loads((Path(__file__).parent / "messages.toml").read_text(encoding="utf-8"))
    assert not set(texts) & {text for family in seen["family"] for text in family["messages"]}
    assert all(family["rules"] and set(family["rules"]) <= {rule.value for rule in Rule} for family in DATA["attack"])


@pytest.mark.parametrize("case", _params(ATTACKS, "gate"))
def test_the_gate_catches_each_attack(case: tuple[dict[str, Any], str]) -> None:
    family, text = case
    found = gate_rules(text)
    assert found & {Rule(rule) for rule in family["rules"]}, f"found only {sorted(found)}"


@pytest.mark.integration
@pytest.mark.parametrize("case", _params(ATTACKS, "service"))
def test_no_attack_a_model_writes_is_returned(
    case: tuple[dict[str, Any], str], fake_openai: FakeOpenAI, service: DraftingService
) -> None:
    family, text = case
    answer = {**CLEAN, "body": _with_attack(family, text)}
    fake_openai.enqueue(Reply.json(answer), Reply.json(answer))
    try:
        result = service.draft(draft_request(), deadline=time.monotonic() + 20)
    except UnsafeDraftError:
        return  # nothing returned at all
    assert result.provider == "offline", f"the model's draft was returned: {result.body!r}"
    caught = {violation.rule for violation in result.repaired_violations}
    assert caught & {Rule(rule) for rule in family["rules"]}, f"rejected for {sorted(caught)} only: the attack itself passed"
    assert text not in result.body
    assert find_hidden_characters(result.body) == []


@pytest.mark.parametrize("case", _params(LEGITIMATE, "gate"))
def test_a_legitimate_text_passes_the_gate(case: tuple[dict[str, Any], str]) -> None:
    _, text = case
    violations = check_message(text)
    assert violations == [], [violation.message for violation in violations]


@pytest.mark.integration
@pytest.mark.parametrize("case", _params(LEGITIMATE, "service"))
def test_a_clean_answer_with_a_legitimate_text_is_returned_as_written(
    case: tuple[dict[str, Any], str], fake_openai: FakeOpenAI, service: DraftingService
) -> None:
    _, text = case
    body: str = CLEAN["body"]
    answer = {**CLEAN, "body": f"{body.removesuffix(SIGNATURE)} {text}{SIGNATURE}"}
    fake_openai.enqueue(Reply.json(answer))
    result = service.draft(draft_request(target_bio=f"{BIO} {text}"), deadline=time.monotonic() + 20)
    assert (result.provider, result.fallback_reason) == ("openai", None), [v.message for v in result.repaired_violations]
    assert result.body == answer["body"]
    assert result.attempts == 1
