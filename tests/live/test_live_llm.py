"""The LLM path against a real model server: `make llm-local` (llama.cpp's server, SmolLM2-135M), run by `make test-llm`.

Behaviour only: a 135M model cannot write a good draft, so what is asserted is that every channel drafts within its
deadline, negotiation lands on a mode the server supports, max_tokens is honoured, a stopped server falls back
quickly, and the provenance tells what happened. Skipped unless NOASK_LIVE_LLM_URL names the server."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from shared.adapters.openai_model import OpenAIDraftModel
from shared.adapters.structured_output import ModeMemory
from shared.guardrails import find_asks
from shared.models import Channel, DraftRequest
from shared.ports import CallLog, ChatMessage, ModelError
from shared.prompts import PromptLibrary
from shared.service import DraftingService

LIVE_URL = os.environ.get("NOASK_LIVE_LLM_URL", "")
pytestmark = pytest.mark.skipif(not LIVE_URL, reason="no live model server (run `make llm-local`, then `make test-llm`)")

PROMPTS = PromptLibrary(Path(__file__).resolve().parents[2] / "prompts")
MODEL = os.environ.get("NOASK_LIVE_LLM_MODEL", "smollm2-135m")
BIO = "Product designer at a fintech. Outside work I restore 1970s road bikes and swim in the lake every morning."
PITCH = "I'm a UX researcher who runs usability studies for payment apps."
DEADLINE_SECONDS = 60.0


def _request(channel: Channel) -> DraftRequest:
    return DraftRequest(target_bio=BIO, pitch=PITCH, channel=channel, target_name="Ana", sender_name="Sam")


@pytest.mark.parametrize("channel", list(Channel))
def test_every_channel_drafts_within_the_deadline_with_true_provenance(channel: Channel) -> None:
    service = DraftingService(OpenAIDraftModel(model=MODEL, base_url=LIVE_URL, modes=ModeMemory()), PROMPTS)
    started = time.monotonic()
    result = service.draft(_request(channel), deadline=started + DEADLINE_SECONDS)
    assert time.monotonic() < started + DEADLINE_SECONDS
    assert find_asks(result.body) == []
    assert result.attempts == len(result.model_attempts) >= 1
    assert result.http_requests >= result.attempts
    if result.provider == "openai":
        assert result.model_attempts[-1].outcome in {"accepted", "repaired"}
        assert result.output_mode is not None
    else:
        assert result.fallback_reason
        assert all(attempt.outcome in {"rejected", "failed"} for attempt in result.model_attempts)


def test_negotiation_lands_on_a_mode_the_server_supports() -> None:
    model = OpenAIDraftModel(model=MODEL, base_url=LIVE_URL, modes=ModeMemory())
    log = CallLog()
    messages = [ChatMessage("user", 'Answer with the JSON object {"ok": true}.')]
    schema: dict[str, object] = {
        "type": "object",
        "properties": {"ok": {"type": "boolean"}},
        "required": ["ok"],
        "additionalProperties": False,
    }
    model.complete_json(messages, schema=schema, deadline=time.monotonic() + DEADLINE_SECONDS, max_tokens=20, log=log)
    assert log.output_mode is not None
    assert log.output_mode not in log.unsupported_modes


def test_max_tokens_is_honoured() -> None:
    model = OpenAIDraftModel(model=MODEL, base_url=LIVE_URL, modes=ModeMemory())
    messages = [ChatMessage("user", "Write a very long story about a bicycle, at least a thousand words, as JSON.")]
    schema: dict[str, object] = {"type": "object", "properties": {"story": {"type": "string"}}, "required": ["story"]}
    with pytest.raises(ModelError) as cut:
        model.complete_json(messages, schema=schema, deadline=time.monotonic() + DEADLINE_SECONDS, max_tokens=8)
    assert cut.value.code == "truncated"


def test_a_stopped_server_falls_back_at_once() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    model = OpenAIDraftModel(model=MODEL, base_url=f"http://127.0.0.1:{closed_port}/v1", modes=ModeMemory())
    result = DraftingService(model, PROMPTS).draft(_request(Channel.LINKEDIN_NOTE), deadline=time.monotonic() + DEADLINE_SECONDS)
    assert result.provider == "offline"
    assert result.fallback_reason is not None
    assert result.fallback_reason.startswith("connection:")
    assert [attempt.outcome for attempt in result.model_attempts] == ["failed"]
