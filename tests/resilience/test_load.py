"""Load on the local stack: 20 concurrent clients against `noask serve`, a model that answers after 1 s.

Duration, clients and workers come from NOASK_LOAD_SECONDS / NOASK_LOAD_CLIENTS / NOASK_LOAD_WORKERS
(20 clients for 60 s, as `make load` and `make bench` run it). The figures are printed at the end of the run and
written to test-artifacts/load.md; only correctness is asserted, never a timing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.resilience.load import measure, settings_from_environment

pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_concurrent_clients_get_every_draft_stored_exactly_once_and_no_error(
    dynamodb_local: str, report: list[tuple[str, str]]
) -> None:
    clients, seconds, workers = settings_from_environment()
    result = measure(dynamodb_local, clients=clients, seconds=seconds, workers=workers)

    table = result.table()
    report.append((f"load: {clients} clients for {seconds:g} s", table))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.md").write_text(table + "\n", encoding="utf-8")
    assert result.errors == []
    assert len(result.of_kind("create")) >= clients, "every client should have created at least one draft"
    assert result.not_exactly_once == {}
