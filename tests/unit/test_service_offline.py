"""The offline path judges each draft once: the composer's verdict is the final gate's, not a second check."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from shared import service as service_module
from shared.models import Channel, DraftRequest
from shared.prompts import PromptLibrary
from shared.service import DraftingService

PROMPTS = PromptLibrary(Path(__file__).resolve().parents[2] / "prompts")
REQUEST = DraftRequest(
    target_bio="Product designer. Outside work I restore 1970s road bikes and bake sourdough on Sundays.",
    pitch="I'm a UX researcher who runs usability studies for payment apps.",
    channel=Channel.LINKEDIN_MESSAGE,
    target_name="Ana",
)


def test_the_offline_draft_is_not_checked_a_second_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = service_module.check_draft

    def counting(*args: object, **kwargs: object) -> object:
        calls.append("check")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service_module, "check_draft", counting)
    result = DraftingService(None, PROMPTS).draft(REQUEST, deadline=time.monotonic() + 10)
    assert result.provider == "offline"
    assert calls == []
    # The verdict reused is a real one: every rule checked is reported, and this draft passes them all.
    assert result.checks
    assert all(check.passed for check in result.checks)


def test_a_pitch_in_a_language_the_checks_cannot_read_is_returned_with_the_check_shown_not_met() -> None:
    request = DraftRequest(
        target_bio="SRE lead. 週末は山登りと写真撮影が趣味です。",
        pitch="開発者向けのデータ品質ツールを作っています。",
        channel=Channel.LINKEDIN_NOTE,
    )
    result = DraftingService(None, PROMPTS).draft(request, deadline=time.monotonic() + 10)
    # The sender's own words, kept whole: not glued into an English sentence.
    assert "開発者向けのデータ品質ツールを作っています。" in result.body
    assert "I'm a 開発" not in result.body
    language = next(check for check in result.checks if check.rule.value == "uncovered_language")
    assert not language.passed


def test_a_pitch_sentence_that_asks_is_left_out_and_the_user_is_told() -> None:
    request = REQUEST.model_copy(
        update={"pitch": "I'm a UX researcher who runs usability studies for payment apps. Could we hop on a call next week?"}
    )
    result = DraftingService(None, PROMPTS).draft(request, deadline=time.monotonic() + 10)
    assert "call" not in result.body.lower()
    assert "usability studies" in result.body
    pitch = next(check for check in result.checks if check.rule.value == "missing_pitch")
    assert not pitch.passed
    assert "Could we hop on a call next week" in pitch.explanation
