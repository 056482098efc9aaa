"""Every server in the README's compatibility matrix, as its documentation describes it, drafts through the real
openai client and the real negotiation: the working mode is found, remembered, and recorded in the draft."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from shared.adapters.openai_model import OpenAIDraftModel
from shared.adapters.structured_output import ModeMemory
from shared.models import Channel, DraftRequest
from shared.prompts import PromptLibrary
from shared.service import ANSWER_TOKENS, DraftingService
from tests.support.compat_servers import JSON_SCHEMA, SERVER_KINDS, ServerKind, requested_mode
from tests.support.fake_openai import FakeOpenAI, ReceivedRequest, Reply

pytestmark = pytest.mark.integration

PROMPTS = PromptLibrary(Path(__file__).resolve().parents[2] / "prompts")
BIO = "Staff engineer at a logistics startup. Outside work I'm out bouldering most weekends."
PITCH = "I'm a backend developer who builds routing services in Go, and I'm moving into platform engineering."
BODY = (
    "Hi Dana, bouldering most weekends sounds like a great reset.\nI'm a backend developer who builds routing "
    "services in Go, and I'm moving into platform engineering. Happy to share my notes on routing if they're useful."
)
ANSWER = {"subject": None, "body": BODY, "shared_interest_topic": "bouldering", "bio_evidence": "bouldering most weekends"}
REQUEST = DraftRequest(target_bio=BIO, pitch=PITCH, target_name="Dana", channel=Channel.LINKEDIN_MESSAGE)


def _service(fake: FakeOpenAI, modes: ModeMemory) -> DraftingService:
    return DraftingService(OpenAIDraftModel(model="m", base_url=fake.base_url, modes=modes), PROMPTS)


@pytest.mark.parametrize("kind", SERVER_KINDS, ids=[kind.name for kind in SERVER_KINDS])
def test_each_server_drafts_in_the_first_mode_it_supports_and_remembers_it(
    kind: ServerKind, caplog: pytest.LogCaptureFixture
) -> None:
    modes = ModeMemory()
    with FakeOpenAI(kind.responder(ANSWER)) as fake, caplog.at_level(logging.WARNING):
        first = _service(fake, modes).draft(REQUEST, deadline=time.monotonic() + 20)
        second = _service(fake, modes).draft(REQUEST, deadline=time.monotonic() + 20)
    assert first.provider == "openai", first.fallback_reason
    assert first.body == BODY  # raw newlines and code fences read safely, the text kept as written
    assert first.output_mode == kind.first_working_mode
    refused = [mode for mode in (requested_mode(request.body) for request in fake.requests[:-1]) if mode != first.output_mode]
    assert first.http_requests == len(refused) + 1
    assert first.attempts == 1
    assert [attempt.outcome for attempt in first.model_attempts] == ["accepted"]
    # The next draft goes straight to the mode that worked: one request.
    assert second.output_mode == kind.first_working_mode
    assert second.http_requests == 1
    # Each refusal is logged with the server's own words, and never retried as if it were an outage.
    logged = [record for record in caplog.records if getattr(record, "output_mode", None)]
    assert len(logged) == len(refused)
    assert all(record.server_error for record in logged)  # type: ignore[attr-defined]


def test_generation_is_bounded_and_the_temperature_is_set() -> None:
    kind = SERVER_KINDS[0]
    with FakeOpenAI(kind.responder(ANSWER)) as fake:
        model = OpenAIDraftModel(model="m", base_url=fake.base_url, temperature=0.3, modes=ModeMemory())
        sent: dict[Channel, set[tuple[object, object]]] = {}
        for channel in Channel:
            before = len(fake.requests)
            DraftingService(model, PROMPTS).draft(REQUEST.model_copy(update={"channel": channel}), deadline=time.monotonic() + 20)
            sent[channel] = {
                (request.body.get("max_tokens"), request.body.get("temperature")) for request in fake.requests[before:]
            }
    assert sent == {channel: {(ANSWER_TOKENS[channel], 0.3)} for channel in Channel}
    assert requested_mode(fake.requests[0].body) == JSON_SCHEMA


def test_a_server_without_structured_output_whose_model_cannot_write_json_is_named_as_the_cause() -> None:
    refusing = Reply.failure(400, type="invalid_request_error", message="response_format is not supported")

    def respond(request: ReceivedRequest) -> Reply:
        return refusing if "response_format" in request.body else Reply.text("Sure! Here is a friendly message: Hi Dana...")

    with FakeOpenAI(respond) as fake:
        result = _service(fake, ModeMemory()).draft(REQUEST, deadline=time.monotonic() + 20)
    assert result.provider == "offline"
    assert result.fallback_reason is not None
    assert result.fallback_reason.startswith("unsupported_output: The model endpoint does not support structured output")
    # Three structured modes refused, then the prompt-only answer; the repair goes straight to prompt mode.
    assert result.http_requests == 5
    assert [attempt.outcome for attempt in result.model_attempts] == ["rejected", "rejected"]
    assert "Sure!" not in result.model_dump_json()


def test_a_stalled_server_costs_one_capped_call_then_the_offline_draft() -> None:
    with FakeOpenAI(lambda request: Reply.stall(30)) as fake:
        model = OpenAIDraftModel(model="m", base_url=fake.base_url, modes=ModeMemory())
        service = DraftingService(model, PROMPTS, max_call_seconds=1.0)
        result = service.draft(REQUEST, deadline=time.monotonic() + 25)
    assert result.provider == "offline"
    assert result.fallback_reason is not None
    assert result.fallback_reason.startswith("deadline:")
    # Not retried, and no repair call: the server is not answering.
    assert result.http_requests == 1
    assert [attempt.outcome for attempt in result.model_attempts] == ["failed"]
