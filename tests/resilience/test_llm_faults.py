"""The model misbehaves; the user still gets a no-ask draft, once, in time. Through the API and through email.

Each fault is scripted on the fake OpenAI server (real openai client, real HTTP on 127.0.0.1); once the
script is used up the server answers well. The handlers run for real against DynamoDB Local, with the
Lambda time their template gives them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from shared import composition
from shared.guardrails import check_message
from shared.models import Channel, DraftRequest, Rule
from tests.resilience.mail import as_bytes, email_stack, forward
from tests.resilience.stack import SAMPLE_REQUESTS, HandlerClient, is_judge_request
from tests.support.fake_openai import FakeOpenAI, Reply

pytestmark = pytest.mark.integration

# API Gateway ends every HTTP API integration at 30 s: the product's contract, not a benchmark.
API_BUDGET_SECONDS = 30.0


@dataclass(frozen=True)
class Fault:
    name: str
    script: tuple[Reply, ...]
    provider: str  # who writes the final draft
    model_calls: int  # requests the model endpoint receives
    fallback: str | None = None  # the code the fallback reason starts with, for an offline draft


FAULTS = (
    Fault("429 with Retry-After, then success", (Reply.rate_limited(retry_after="1"),), "openai", 2),
    Fault("insufficient_quota is final", (Reply.insufficient_quota(),), "offline", 1, "insufficient_quota"),
    Fault("500 three times", (Reply.failure(500),) * 3, "offline", 3, "server_error"),
    Fault("connection reset, then success", (Reply.connection_reset(),), "openai", 2),
    Fault("stall past the deadline", (Reply.stall(120),), "offline", 1, "deadline"),
    Fault("malformed JSON, also after repair", (Reply.malformed(), Reply.malformed()), "offline", 2, "repair_failed"),
    Fault("refusal", (Reply.refused(),), "offline", 1, "refusal"),
    Fault("answer cut by length", (Reply.cut_by_length(),), "offline", 1, "truncated"),
)


def assert_fault_handled(fault: Fault, draft: dict[str, Any], request: DraftRequest, model: FakeOpenAI) -> None:
    # Draft and repair calls; an accepted model draft also gets the ask judge's second reading.
    drafting = [received for received in model.requests if not is_judge_request(received)]
    assert len(drafting) == fault.model_calls, [received.path for received in model.requests]
    assert len(model.requests) - len(drafting) == (1 if fault.provider == "openai" else 0)
    assert draft["provider"] == fault.provider, draft.get("fallback_reason")
    if fault.fallback is None:
        assert draft["fallback_reason"] is None
    else:
        # An offline draft that stands in for the model says so, and why.
        assert draft["model"] == "offline-composer"
        assert str(draft["fallback_reason"]).startswith(f"{fault.fallback}:"), draft["fallback_reason"]
    gated = [
        violation
        for violation in check_message(draft["body"], channel=request.channel, bio=request.target_bio, pitch=request.pitch)
        if violation.rule in (Rule.ASK, Rule.FOREIGN_LINK)
    ]
    assert gated == [], draft["body"]


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_api_returns_one_no_ask_draft_in_time(fault: Fault, model_functions: FakeOpenAI, make_user_id: Callable[[], str]) -> None:
    request = SAMPLE_REQUESTS[0]
    client = HandlerClient(make_user_id())
    model_functions.enqueue(*fault.script)

    started = time.monotonic()
    reply = client.create(request)
    elapsed = time.monotonic() - started

    assert elapsed < API_BUDGET_SECONDS
    assert reply.status == 201, reply.text
    draft = reply.json
    assert_fault_handled(fault, draft, request, model_functions)
    history = client.all_drafts()
    assert [(item["id"], item["body"]) for item in history] == [(draft["id"], draft["body"])]


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_email_sends_one_no_ask_draft_in_time(fault: Fault, model_functions: FakeOpenAI, make_user_id: Callable[[], str]) -> None:
    with email_stack() as stack:
        user_id = make_user_id()
        address = f"{user_id}@fabrikam.example"
        profile = stack.register(user_id, address)
        key = stack.store(as_bytes(forward(address)))
        model_functions.enqueue(*fault.script)

        started = time.monotonic()
        delivery = stack.deliver(key)
        elapsed = time.monotonic() - started
        replies = stack.replies()

    assert elapsed < stack.timeout_seconds
    assert (delivery.fate, delivery.reason, delivery.invocations) == ("replied", "drafted", 1), delivery
    history = composition.history_store().list_drafts(user_id, limit=10).items
    assert [record.id for record in history] == [delivery.outcome["draft_id"]]
    record = history[0]
    assert record.source == "email"
    assert record.request.pitch == profile.pitch
    assert record.request.channel is Channel.LINKEDIN_MESSAGE
    assert_fault_handled(fault, record.result.model_dump(mode="json"), record.request, model_functions)
    assert [reply.to for reply in replies] == [(address,)]
    # The reply carries the draft; the text part may wrap long lines, so compare word by word.
    assert " ".join(record.result.body.split()) in " ".join(replies[0].text.split())
