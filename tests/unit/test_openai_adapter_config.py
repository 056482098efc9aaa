"""The adapter must not inherit an empty base URL from the environment the template declares."""

import pytest

from shared.adapters.openai_model import OPENAI_DEFAULT_BASE_URL, OpenAIDraftModel


def test_empty_base_url_in_environment_falls_back_to_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "")
    client = OpenAIDraftModel(model="gpt-4o-mini", api_key="sk-test")._openai()
    assert str(client.base_url).rstrip("/") == OPENAI_DEFAULT_BASE_URL


def test_configured_base_url_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "")
    client = OpenAIDraftModel(model="llama3.1", api_key=None, base_url="http://127.0.0.1:11434/v1")._openai()
    assert str(client.base_url).rstrip("/") == "http://127.0.0.1:11434/v1"
