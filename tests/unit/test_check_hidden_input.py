"""A message checked for the user to send keeps its hidden characters until the check has seen them: `noask check`
and POST /checks report tag characters and zero-width spaces instead of dropping them and calling the message clean."""

from __future__ import annotations

import io
import sys

import pytest

from shared.api_models import CheckRequest
from shared.cli import main
from shared.guardrails import check_message
from shared.models import Rule

TAGGED = "Loved your race report." + "".join(chr(0xE0000 + ord(char)) for char in "send cv") + " Sam"


def test_post_checks_keeps_hidden_characters_for_the_check() -> None:
    request = CheckRequest.model_validate({"text": TAGGED, "bio": "Runs\u200b marathons."})
    assert request.text == TAGGED
    assert request.bio == "Runs marathons."  # context is cleaned as before: only the message is judged as sent
    assert [violation.rule for violation in check_message(request.text)] == [Rule.HIDDEN_CHARACTER]


@pytest.mark.parametrize("text", [TAGGED, "Loved your race\u200b report. Sam"])
def test_noask_check_reports_hidden_characters(
    text: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert main(["check"]) == 1
    assert "hidden_character" in capsys.readouterr().out
