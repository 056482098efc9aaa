"""Every way a request field can be refused reads as a sentence that names the field as the form labels it."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from functions.draft_api import validation_messages
from functions.draft_api.validation_messages import sentence, sentences, wording
from shared.api_models import AddressRequest, CheckRequest, ProfileRequest, VerifyRequest
from shared.models import DraftRequest

MODELS: tuple[type[BaseModel], ...] = (DraftRequest, CheckRequest, ProfileRequest, AddressRequest, VerifyRequest)
# Smallest valid bodies, each then spoiled one field at a time.
VALID: dict[type[BaseModel], dict[str, Any]] = {
    DraftRequest: {"target_bio": "Trail runner.", "pitch": "I build pipelines."},
    CheckRequest: {"text": "Hello there."},
    ProfileRequest: {},
    AddressRequest: {"email": "ada@example.com"},
    VerifyRequest: {"code": "123456"},
}
# Values that break any field: wrong type, blank, far too long, and a shape no string field takes.
SPOILERS: tuple[Any, ...] = (5, None, "", "   ", "x" * 20_000, ["a"], {"a": 1}, "not-an-address", "12ab56")
ALL_FIELD_NAMES = {name for model in MODELS for name in model.model_fields}
# Phrases pydantic and Powertools use; none may reach a person.
LIBRARY_WORDING = re.compile(
    r"should (?:have|be|match)|Field required|Input should|Value error|Extra inputs|validation error|\[type=|"
    r"after validation|unable to parse|Traceback",
    re.IGNORECASE,
)


def refusals() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for model in MODELS:
        for name in model.model_fields:
            for value in SPOILERS:
                try:
                    model.model_validate({**VALID[model], name: value})
                except ValidationError as error:
                    for detail in error.errors(include_url=False):
                        yield model.__name__, name, dict(detail)
            if name in VALID[model]:
                body = {key: value for key, value in VALID[model].items() if key != name}
                with pytest.raises(ValidationError) as missing:
                    model.model_validate(body)
                yield model.__name__, name, dict(missing.value.errors(include_url=False)[0])


REFUSALS = list(refusals())


def test_every_request_field_has_a_label() -> None:
    assert set(wording().labels) >= ALL_FIELD_NAMES


def test_every_error_type_the_models_raise_has_its_kind_of_sentence() -> None:
    raised = {error["type"] for _, _, error in REFUSALS}
    assert raised <= set(wording().kinds)
    # The spoilers reach every kind a request body can produce.
    assert {"missing", "string_too_long", "string_type", "enum", "value_error", "string_pattern_mismatch"} <= raised


@pytest.mark.parametrize(("model", "name", "error"), REFUSALS, ids=[f"{m}.{n}.{e['type']}" for m, n, e in REFUSALS])
def test_a_refusal_is_a_sentence_naming_the_field_as_the_form_does(model: str, name: str, error: dict[str, Any]) -> None:
    text = sentence(error)
    assert text.endswith("."), text
    assert text[0].isupper(), text
    assert not LIBRARY_WORDING.search(text), text
    assert str(error["msg"]) not in text
    assert not ALL_FIELD_NAMES & set(re.findall(r"[a-z]+(?:_[a-z]+)+", text)), text
    assert wording().labels[name].lower() in text.lower(), text
    # The refused value itself is never quoted back (it may be 20,000 characters of anything).
    for refused_value in ("x" * 50, "not-an-address", "12ab56"):
        assert refused_value not in text


def test_a_too_long_field_says_how_long_and_the_limit() -> None:
    with pytest.raises(ValidationError) as refused:
        DraftRequest.model_validate({"target_bio": "x" * 9_000, "pitch": "I build pipelines."})
    assert sentence(refused.value.errors()[0]) == "Their bio is too long: 9,000 characters, at most 8,000."


def test_a_missing_or_blank_bio_says_what_to_do() -> None:
    with pytest.raises(ValidationError) as refused:
        DraftRequest.model_validate({"target_bio": "  ", "pitch": "I build pipelines."})
    assert sentence(refused.value.errors()[0]) == "Their bio is empty: paste it, the message opens with something it says."


def test_an_unknown_field_is_named_as_the_caller_sent_it() -> None:
    with pytest.raises(ValidationError) as refused:
        DraftRequest.model_validate({"target_bio": "Runner.", "pitch": "I build.", "favourite_colour": "teal"})
    assert sentence(refused.value.errors()[0]) == "This request cannot have a field called “favourite_colour”; leave it out."


def test_a_wrong_channel_lists_the_channels() -> None:
    with pytest.raises(ValidationError) as refused:
        DraftRequest.model_validate({"target_bio": "Runner.", "pitch": "I build.", "channel": "carrier_pigeon"})
    text = sentence(refused.value.errors()[0])
    assert text.startswith("Where you will send it must be one of linkedin_note, ")
    assert text.endswith(" or email.")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ({"type": "int_parsing", "loc": ("query", "limit"), "msg": "Input should be a valid integer"},
         "The number of drafts per page must be a whole number."),
        ({"type": "greater_than_equal", "loc": ("query", "limit"), "ctx": {"ge": 1}, "msg": "Input should be ..."},
         "The number of drafts per page must be at least 1."),
        ({"type": "less_than_equal", "loc": ("query", "limit"), "ctx": {"le": 50}, "msg": "Input should be ..."},
         "The number of drafts per page must be at most 50."),
        ({"type": "string_too_long", "loc": ("query", "cursor"), "ctx": {"max_length": 2048}, "input": "c" * 3000},
         "The page cursor is too long: 3,000 characters, at most 2,048."),
        ({"type": "string_too_short", "loc": ("header", "idempotency-key"), "ctx": {"min_length": 1}, "input": ""},
         "The Idempotency-Key header is empty."),
        ({"type": "string_too_long", "loc": ("path", "id"), "ctx": {"max_length": 64}, "input": "d" * 65},
         "The draft id is too long: 65 characters, at most 64."),
        ({"type": "some_future_type", "loc": ("body", "pitch"), "msg": "Library words"}, "Your pitch is not valid."),
        ({"type": "missing", "loc": ("body", "nested", "deeper"), "msg": "Field required"}, "A value in the request is missing."),
    ],
)  # fmt: skip
def test_query_header_and_path_parameters_read_as_sentences(error: dict[str, Any], expected: str) -> None:
    assert sentence(error) == expected


def test_several_problems_make_one_message_without_repeats() -> None:
    with pytest.raises(ValidationError) as refused:
        DraftRequest.model_validate({"target_bio": "x" * 8_001, "pitch": "", "offer": 5})
    assert sentences(refused.value.errors()) == (
        "Their bio is too long: 8,001 characters, at most 8,000. Your pitch is empty: add a sentence or two about you. "
        "What you can offer must be text."
    )
    assert sentences([{"type": "missing", "loc": ("x",)}] * 2) == "A value in the request is missing."


def test_the_wording_file_has_a_sentence_for_every_kind_it_names() -> None:
    data = tomllib.loads(validation_messages._DATA.read_text(encoding="utf-8"))
    assert set(data["kinds"].values()) | {"empty"} <= set(data["sentences"])
    for overrides in data["field_sentences"].values():
        assert set(overrides) <= set(data["sentences"])


def test_a_long_unknown_field_name_is_shortened() -> None:
    text = sentence({"type": "extra_forbidden", "loc": ("body", "k" * 5_000)})
    assert len(text) < 120
    assert "k" * 39 + "…" in text


def test_a_request_with_thousands_of_problems_gets_a_short_message() -> None:
    with pytest.raises(ValidationError) as refused:
        DraftRequest.model_validate({"target_bio": "Runner.", "pitch": "I build.", **{f"k{n}": n for n in range(3_000)}})
    message = sentences(refused.value.errors())
    assert message.count("cannot have a field called") == 5
    assert message.endswith(" 2,995 more values in the request are not valid either.")
    assert len(message) < 600
