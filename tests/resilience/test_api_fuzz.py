"""Schemathesis against the running local API's own OpenAPI spec: valid and invalid requests, bounded.

The local server (real HTTP on 127.0.0.1, the real handler in worker processes, DynamoDB Local, the
offline composer) answers as a signed-in fuzz user. Every answer must be a success or an explained
client error; after the run, every draft stored for that user must be whole.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

from shared.api_models import DraftView
from shared.local.invoke import local_dynamodb_overrides
from shared.local.server import LOCAL_USER_CLAIMS, LocalApi
from tests.resilience.stack import stored_drafts

pytestmark = pytest.mark.integration

FUZZ_USER = f"fuzz-user-{uuid.uuid4().hex}"
# Per operation and generation mode: seven operations stay within a couple of minutes on two cores.
MAX_EXAMPLES = 50
# Text that only a leaked traceback or internal path would put in a body.
STACK_TRACE = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|site-packages|pydantic_core\._")


@pytest.fixture(scope="module")
def local_api(dynamodb_local: str) -> Iterator[LocalApi]:
    # No model settings from the shell: the offline composer answers, so the run is fast and needs no network.
    host_environment = {name: value for name, value in os.environ.items() if not name.startswith(("OPENAI_", "NOASK_"))}
    overrides = {**local_dynamodb_overrides(dynamodb_local), "NOASK_DAILY_DRAFT_QUOTA": "1000000"}
    claims = {**LOCAL_USER_CLAIMS, "sub": FUZZ_USER}
    with LocalApi(port=0, overrides=overrides, workers=2, claims=claims, host_environment=host_environment) as api:
        yield api.start_in_thread()


def check_answer(case: Case[Any]) -> None:
    """No 5xx, the documented shape, no stack trace, and every 4xx a JSON error with a code and a message."""
    response = case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
    assert not STACK_TRACE.search(response.text), response.text[:500]
    if 400 <= response.status_code < 500:
        error = json.loads(response.text)["error"]
        assert isinstance(error["code"], str), response.text
        assert error["code"], response.text
        assert isinstance(error["message"], str), response.text
        assert error["message"], response.text


def test_no_server_error_no_stack_trace_and_nothing_half_written(
    local_api: LocalApi, dynamodb_local: str, subtests: pytest.Subtests
) -> None:
    # Loaded here, not at import: the spec is the running server's own, served at /openapi.json.
    api_schema = schemathesis.openapi.from_url(f"{local_api.url}/openapi.json")
    operations = []
    for result in api_schema.get_all_operations():
        assert isinstance(result, Ok), result  # our own spec: every operation in it must load
        operations.append(result.ok())
    assert len(operations) >= 5, [operation.label for operation in operations]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            with subtests.test(msg=f"{operation.label} ({mode.value})"):

                @settings(
                    max_examples=MAX_EXAMPLES,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
                @given(case=operation.as_strategy(mode))
                def fuzz(case: Case[Any]) -> None:
                    check_answer(case)

                fuzz()

    # After it all, every draft stored for the fuzz user reads back whole, through the store and through the API.
    records = stored_drafts(dynamodb_local, user_prefix=FUZZ_USER)
    assert records, "the fuzzing created no draft: the generator never reached a valid POST /drafts"
    assert {record.user_id for record in records} == {FUZZ_USER}
    for record in records:
        assert record.result.body.strip()
        assert record.result.checks
        with urllib.request.urlopen(f"{local_api.url}/drafts/{record.id}", timeout=30) as response:
            assert DraftView.model_validate_json(response.read()).id == record.id
