"""The web page's sentences for failed requests: data in failures.toml, complete for every answer the page can get,
worded for people, and the only copy (app.js reads them from the page's configuration)."""

from __future__ import annotations

import json
import re
import tomllib
from http import HTTPStatus
from typing import Any

import pytest

from functions.draft_api.web import FAILURES_PATH, STATIC_DIR, page_failures, render

DATA: dict[str, Any] = tomllib.loads(FAILURES_PATH.read_text(encoding="utf-8"))
SCRIPT = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
# Statuses API Gateway answers by itself, with no error envelope: authorizer refusals, throttling, an oversized
# payload, an integration that failed or timed out.
GATEWAY_STATUSES = {403, 413, 429, 500, 502, 503, 504}
# No answer at all: the network is down, the connection was refused or cut.
NO_ANSWER = 0
# The page asks the person to sign in instead of showing a sentence.
SIGN_IN = HTTPStatus.UNAUTHORIZED
# The API's codes whose sentence speaks of headers, JSON or encodings (functions/draft_api/{gate,errors,drafts}.py).
CODES_WORDED_FOR_PROGRAMS = {
    "request_in_progress",
    "idempotency_key_reused",
    "body_too_large",
    "malformed_json",
    "malformed_body",
    "missing_body",
    "unsupported_media_type",
}
# What people should never read: programs' names for fields, HTTP's vocabulary, the stack's words.
NOT_FOR_PEOPLE = re.compile(
    r"\b\w+_\w+\b|\b[a-z]+[A-Z]\w*\b|\b[1-5][0-9]{2}\b|\b(?i:HTTP|status|header|payload|endpoint|gateway|"
    r"forbidden|unauthori[sz]ed|unprocessable|bad request|service unavailable|internal server|timed? ?out|"
    r"JSON|pydantic|powertools|lambda|API|DynamoDB|Cognito|base64|UTF-8|idempotency|validation|exception|"
    r"traceback|null|undefined|error code)\b"
)


def documented_error_statuses() -> set[int]:
    """Every 4xx/5xx status the API's OpenAPI document gives for any route."""
    from functions.draft_api.app import app

    statuses: set[int] = set()
    for path in (app.get_openapi_schema().paths or {}).values():
        for method in ("get", "post", "put", "delete", "patch"):
            operation = getattr(path, method)
            if operation is not None and operation.responses:
                statuses |= {int(status) for status in operation.responses if int(status) >= 400}
    return statuses


def test_every_status_and_code_names_a_sentence_and_every_sentence_is_used() -> None:
    sentences = DATA["sentences"]
    named = {*DATA["statuses"].values(), *DATA["codes"].values(), *DATA["page"].values()}
    assert named - sentences.keys() == set()
    # other, field_refused and reference are used by name, by the script.
    assert sentences.keys() - named == {"other", "field_refused", "reference"}


def test_every_answer_the_page_can_get_has_a_sentence() -> None:
    covered = {int(status) for status in DATA["statuses"]}
    reachable = (documented_error_statuses() | GATEWAY_STATUSES | {NO_ANSWER}) - {SIGN_IN}
    assert reachable - covered == set()
    assert SIGN_IN not in covered
    assert CODES_WORDED_FOR_PROGRAMS - DATA["codes"].keys() == set()


@pytest.mark.parametrize(("name", "sentence"), sorted(DATA["sentences"].items()))
def test_each_sentence_is_for_people(name: str, sentence: str) -> None:
    assert not NOT_FOR_PEOPLE.search(sentence), (name, NOT_FOR_PEOPLE.search(sentence))
    assert sentence[0].isupper() or sentence.startswith("noask "), name
    assert sentence.endswith("."), name
    assert len(sentence) <= 120, name
    # Only the two templates take a value, and each takes the one the script fills in.
    placeholders = set(re.findall(r"\{(\w+)\}", sentence))
    assert placeholders == {"field_refused": {"label"}, "reference": {"id"}}.get(name, set()), name


def test_the_script_reads_only_what_the_data_gives_and_copies_none_of_it() -> None:
    failures = page_failures()
    used = set(re.findall(r"\bFAILURES\.(\w+)", SCRIPT))
    assert used, "app.js no longer reads config.failures"
    assert used - failures.keys() == set()
    # The cases the page finds itself: each one it names has a sentence, and each sentence is used.
    assert set(re.findall(r"\bFAILURES\.page\.(\w+)", SCRIPT)) == failures["page"].keys()
    for sentence in DATA["sentences"].values():
        # A copy would show as its opening words (the templates' placeholders aside).
        assert sentence.split("{")[0][:30] not in SCRIPT, sentence


def test_the_page_carries_the_sentences_in_its_configuration() -> None:
    html = render(None).html
    config = json.loads(re.search(r'<script type="application/json" id="noask-config">(.*?)</script>', html, re.S)[1])  # type: ignore[index]
    assert config["failures"] == page_failures()
    assert config["failures"]["statuses"]["503"] == DATA["sentences"]["too_slow"]
    assert config["failures"]["codes"]["body_too_large"] == DATA["sentences"]["too_large"]
