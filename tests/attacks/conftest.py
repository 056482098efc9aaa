"""Fixtures of the attack suites, and their figures in the terminal summary."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.attacks.corpus import Attack, corpus
from tests.attacks.verdicts import Tally

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
_TALLIES: list[Tally] = []


@pytest.fixture(scope="session")
def attacks() -> tuple[Attack, ...]:
    return corpus()


@pytest.fixture(scope="session")
def record_tally() -> list[Tally]:
    """Suites append their tally here; it is printed at the end of the run and written to test-artifacts/."""
    return _TALLIES


@pytest.fixture(scope="session")
def local_tables(history_table_names: Mapping[str, str]) -> dict[str, str]:
    return dict(history_table_names)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _TALLIES:
        return
    terminalreporter.section("prompt-injection suites")
    for tally in _TALLIES:
        terminalreporter.write_line(tally.report())
        tally.write(ARTIFACTS)
