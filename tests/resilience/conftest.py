"""Fixtures of the resilience suites: the functions' environment, with or without a model, and their figures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.resilience.stack import environment, function_variables, well_behaved_model
from tests.support.fake_openai import FakeOpenAI

# Printed at the end of the run (load figures, email accounting): `make load` shows them without -s.
REPORTS: list[tuple[str, str]] = []


@pytest.fixture
def offline_functions(dynamodb_local: str) -> Iterator[str]:
    """Handlers in this process see DynamoDB Local and no model: the offline composer writes every draft."""
    with environment(function_variables(dynamodb_local)):
        yield dynamodb_local


@pytest.fixture
def model_functions(dynamodb_local: str, fake_openai: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """Handlers in this process see DynamoDB Local and the fake OpenAI server, which answers well unless scripted."""
    fake_openai.responder = well_behaved_model
    with environment(function_variables(dynamodb_local, llm_base_url=fake_openai.base_url)):
        yield fake_openai


@pytest.fixture(scope="session")
def report() -> list[tuple[str, str]]:
    """Suites append (title, text) here for the terminal summary."""
    return REPORTS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for title, text in REPORTS:
        terminalreporter.section(title)
        for line in text.splitlines():
            terminalreporter.write_line(line)
