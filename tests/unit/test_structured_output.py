"""Reading a model's JSON safely, and telling a refused output mode from any other error."""

from __future__ import annotations

import json

import pytest

from shared.adapters.structured_output import (
    MODES,
    ModeMemory,
    OutputMode,
    json_object_text,
    names_response_format,
    next_mode,
    redacted,
    response_format,
)

SCHEMA: dict[str, object] = {"type": "object"}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ('{"body": "Hi\nthere"}', {"body": "Hi\nthere"}),  # a raw newline typed inside a string
        ('{"body": "tab\there"}', {"body": "tab\there"}),
        ('```json\n{"body": "x"}\n```', {"body": "x"}),
        ('Here you go: {"body": "x"} Hope it helps!', {"body": "x"}),
        ('{"body": "quote \\" and brace }"}', {"body": 'quote " and brace }'}),
    ],
)
def test_safe_repairs_give_strict_json(answer: str, expected: dict[str, str]) -> None:
    assert json.loads(json_object_text(answer)) == expected


@pytest.mark.parametrize("answer", ['{"body": "cut off', "no json here", '["a list"]', '{"body": "x",}'])
def test_nothing_is_guessed(answer: str) -> None:
    assert json_object_text(answer) == answer


@pytest.mark.parametrize(
    "server_error",
    [
        "Input should be 'text' or 'json_object' [type=literal_error]",
        "response_format value as json_schema is enabled only for api versions 2024-08-01-preview and later",
        "litellm.UnsupportedParamsError: does not support parameters: ['response_format']",
        "Additional properties are not allowed ('schema' was unexpected)",
        "structured output is not supported for this model",
    ],
)
def test_refusals_of_the_output_mode_are_recognised(server_error: str) -> None:
    assert names_response_format(server_error)


@pytest.mark.parametrize("server_error", ["Internal server error", "model 'x' not found", "context length exceeded"])
def test_other_errors_are_not_taken_for_a_refused_mode(server_error: str) -> None:
    assert not names_response_format(server_error)


def test_modes_go_from_strictest_to_the_prompt_alone() -> None:
    assert [mode.value for mode in MODES] == ["json_schema", "json_object_with_schema", "json_object", "prompt"]
    assert next_mode(OutputMode.PROMPT) is None
    assert response_format(OutputMode.PROMPT, name="n", schema=SCHEMA) is None
    with_schema = response_format(OutputMode.JSON_OBJECT_WITH_SCHEMA, name="n", schema=SCHEMA)
    assert with_schema == {"type": "json_object", "schema": SCHEMA}


def test_the_working_mode_is_remembered_per_endpoint_and_model() -> None:
    memory = ModeMemory()
    memory.remember("http://a/v1", "m", OutputMode.JSON_OBJECT)
    assert memory.first("http://a/v1", "m") is OutputMode.JSON_OBJECT
    assert memory.first("http://a/v1", "other") is OutputMode.JSON_SCHEMA
    assert memory.first("http://b/v1", "m") is OutputMode.JSON_SCHEMA


def test_logged_server_errors_mask_credentials_and_stay_short() -> None:
    text = redacted("bad key sk-abcdef1234567890XYZ\n" + "x" * 1000)
    assert "sk-abcdef" not in text
    assert "\n" not in text
    assert len(text) <= 300
