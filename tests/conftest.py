"""Shared pytest fixtures."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping

import pytest

from shared.adapters.dynamodb_history import DynamoDBHistoryStore
from shared.local.dynamodb import LOCAL_TABLE_NAMES, DynamoDBLocal, create_tables_from_template, local_client
from tests.support.fake_openai import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A local OpenAI-compatible server on 127.0.0.1, empty queue, stopped after the test."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[str]:
    """DynamoDB Local on 127.0.0.1 for the whole session, with template.yaml's tables; yields the endpoint URL.

    Tables are never emptied between tests: each test writes under its own user ids (`make_user_id`).
    """
    with DynamoDBLocal() as server:
        create_tables_from_template(server.endpoint_url)
        yield server.endpoint_url


@pytest.fixture(scope="session")
def history_table_names() -> Mapping[str, str]:
    """Local table names by template logical id: {"HistoryTable": "noask-history", ...}."""
    return LOCAL_TABLE_NAMES


@pytest.fixture(scope="session")
def history_store(dynamodb_local: str, history_table_names: Mapping[str, str]) -> DynamoDBHistoryStore:
    return DynamoDBHistoryStore(history_table_names["HistoryTable"], lambda: local_client(dynamodb_local))


@pytest.fixture
def make_user_id() -> Callable[[], str]:
    """A new user id per call, so a test starts with an empty history, profile and quota."""
    return lambda: f"test-user-{uuid.uuid4().hex}"


@pytest.fixture
def dynamodb_environment(
    dynamodb_local: str, history_table_names: Mapping[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The environment a handler sees under `noask invoke`: the composition root builds clients for DynamoDB Local."""
    monkeypatch.setenv("NOASK_DYNAMODB_ENDPOINT", dynamodb_local)
    monkeypatch.setenv("NOASK_HISTORY_TABLE", history_table_names["HistoryTable"])
    monkeypatch.setenv("NOASK_IDEMPOTENCY_TABLE", history_table_names["IdempotencyTable"])
    # Libraries that build their own boto3 client (Powertools idempotency) need a region and some credentials.
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    # Imported here: a module still being written elsewhere must not break collection of every test.
    from shared import composition

    composition.reset()
    yield dynamodb_local
    composition.reset()
