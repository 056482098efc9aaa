"""Red team: scripted bad model answers through the real drafting service, openai adapter and an HTTP server.

Each bad answer is a clean draft plus one bad thing (tests/redteam/model_answers.toml). The model gives it twice,
for the draft and for the repair, so nothing the model wrote may be returned: the service must fall back to the
offline composer, having caught the bad thing with the rule named for it. Each clean answer must come back
exactly as the model wrote it: a false rejection is a failure too.
"""

from __future__ import annotations

import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.openai_model import OpenAIDraftModel
from shared.guardrails.hidden import find_hidden_characters
from shared.models import DraftRequest, DraftResult, Rule
from shared.prompts import PromptLibrary
from shared.service import GATED_RULES, DraftingService, UnsafeDraftError
from tests.support.fake_openai import FakeOpenAI, Reply

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PROMPTS = PromptLibrary(REPO / "prompts")
DATA = tomllib.loads((Path(__file__).parent / "model_answers.toml").read_text(encoding="utf-8"))
SCENARIOS: dict[str, dict[str, Any]] = DATA["scenario"]
BAD: list[dict[str, Any]] = DATA["bad"]
CLEAN: list[dict[str, Any]] = DATA["clean"]
_REQUEST_FIELDS = ("channel", "target_name", "sender_name", "bio", "pitch", "offer")


def _request(case: dict[str, Any]) -> DraftRequest:
    scenario = SCENARIOS[case.get("scenario", "en")]
    fields = {name: case.get(name, scenario.get(name)) or None for name in _REQUEST_FIELDS}
    fields["target_bio"] = fields.pop("bio")
    return DraftRequest.model_validate(fields)


def _replacements(case: dict[str, Any]) -> list[list[str]]:
    replace = case.get("replace", [])
    return replace if replace and isinstance(replace[0], list) else [replace] if replace else []


def _answer(case: dict[str, Any]) -> dict[str, Any]:
    scenario = SCENARIOS[case.get("scenario", "en")]
    body: str = scenario["body"]
    for old, new in _replacements(case):
        assert old in body, f"{case['name']}: the text to replace is not in the clean body"
        body = body.replace(old, new)
    if "add" in case:
        # Before the signature, set off as the signature was.
        signature = body.rfind(scenario["sender_name"])
        before = body[:signature]
        gap = before[len(before.rstrip()) :] or " "
        body = f"{before.rstrip()} {case['add']}{gap}{body[signature:]}"
    return {
        "subject": case.get("subject", scenario.get("subject")),
        "body": body,
        "shared_interest_topic": scenario["topic"],
        "bio_evidence": case.get("evidence", scenario["evidence"]),
    }


def _bad_text(case: dict[str, Any]) -> str:
    replacements = _replacements(case)
    return case.get("add") or (replacements[-1][1] if replacements else "") or case.get("subject") or case.get("evidence", "")


@pytest.fixture
def service(fake_openai: FakeOpenAI) -> DraftingService:
    model = OpenAIDraftModel(model="test-model", api_key="sk-test", base_url=fake_openai.base_url, sleep=lambda _: None)
    return DraftingService(model, PROMPTS, reserve_seconds=0.5, min_call_seconds=0.2)


def _draft(service: DraftingService, request: DraftRequest) -> DraftResult:
    return service.draft(request, deadline=time.monotonic() + 20)


def test_the_corpus_is_large_enough() -> None:
    assert len(BAD) >= 60
    assert {case.get("scenario", "en") for case in CLEAN} >= {"en", "es", "fr", "de", "pt", "it"}


def test_every_bad_case_differs_from_its_clean_answer() -> None:
    for case in BAD:
        scenario = SCENARIOS[case.get("scenario", "en")]
        answer = _answer(case)
        assert (answer["body"], answer["subject"], answer["bio_evidence"]) != (
            scenario["body"],
            scenario.get("subject"),
            scenario["evidence"],
        ), case["name"]


@pytest.mark.parametrize("case", BAD, ids=[case["name"] for case in BAD])
def test_no_bad_thing_a_model_writes_is_returned(case: dict[str, Any], fake_openai: FakeOpenAI, service: DraftingService) -> None:
    answer = _answer(case)
    fake_openai.enqueue(Reply.json(answer), Reply.json(answer))
    try:
        result = _draft(service, _request(case))
    except UnsafeDraftError:
        return  # nothing returned at all: the bad thing did not get out either
    assert result.provider == "offline", f"the model's draft was returned: {result.body!r}"
    caught = {violation.rule for violation in result.repaired_violations}
    assert Rule(case["rule"]) in caught, f"caught by {sorted(caught)} instead"
    known = SCENARIOS[case.get("scenario", "en")].get("known_false_rejections", [])
    expected = GATED_RULES | {Rule(rule) for rule in [*case.get("also", []), *known]}
    assert caught <= expected, f"the clean part broke {sorted(caught - expected)} too: the case proves nothing"
    assert _bad_text(case) not in result.body
    assert find_hidden_characters(result.body) == []
    assert find_hidden_characters(result.subject or "") == []


def _clean_param(case: dict[str, Any]) -> Any:
    known = SCENARIOS[case.get("scenario", "en")].get("known_false_rejections")
    marks = [pytest.mark.xfail(reason=f"known false rejection by {', '.join(known)}", strict=False)] if known else []
    return pytest.param(case, id=case["name"], marks=marks)


@pytest.mark.parametrize("case", [_clean_param(case) for case in CLEAN])
def test_a_clean_answer_is_returned_as_the_model_wrote_it(
    case: dict[str, Any], fake_openai: FakeOpenAI, service: DraftingService
) -> None:
    answer = _answer(case)
    fake_openai.enqueue(Reply.json(answer))
    result = _draft(service, _request(case))
    assert (result.provider, result.fallback_reason) == ("openai", None), [v.message for v in result.repaired_violations]
    assert result.body == answer["body"]
    assert result.subject == answer["subject"]
    assert result.attempts == 1
