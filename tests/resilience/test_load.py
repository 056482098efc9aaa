"""Load on the local dev server: 20 concurrent clients against `noask serve` (N workers), a model that answers after 1 s.

Duration, clients and workers come from NOASK_LOAD_SECONDS / NOASK_LOAD_CLIENTS / NOASK_LOAD_WORKERS
(20 clients for 60 s, as `make load` and `make bench` run it; 15 s inside `make test`). The figures (throughput
against the workers' ceiling, model calls per draft, round trip, time inside the handler, queue wait) are printed
at the end of the run and written to test-artifacts/load.md; only behaviour is asserted, never a timing.
"""

from __future__ import annotations

import http.client
import math
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from shared.local.invoke import local_dynamodb_overrides
from shared.local.server import SERVER_TIMING_HEADER, LocalApi, handler_seconds_from, handler_timing
from tests.bench.__main__ import load_figures
from tests.bench.figures import PRODUCT
from tests.resilience.load import LoadResult, ModelCalls, Sample, measure, settings_from_environment

pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Server-Timing carries milliseconds with one decimal: a reported handler time may exceed the real one by this much.
ROUNDING_SECONDS = 0.0001


def test_concurrent_clients_get_every_draft_stored_exactly_once_and_every_answer_reports_its_handler_time(
    dynamodb_local: str, report: list[tuple[str, str]]
) -> None:
    clients, seconds, workers = settings_from_environment()
    result = measure(dynamodb_local, clients=clients, seconds=seconds, workers=workers)

    table = result.table()
    report.append((f"load on the local dev server ({workers} workers): {clients} clients for {seconds:g} s", table))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.md").write_text(table + "\n", encoding="utf-8")
    assert result.errors == []
    assert len(result.created()) >= clients, "every client should have created at least one draft"
    assert result.not_exactly_once == {}
    assert result.untimed() == [], "every answer of the handler should report the time spent inside it"
    outside_round_trip = [
        sample for sample in result.samples if (sample.handler_seconds or 0.0) > sample.seconds + ROUNDING_SECONDS
    ]
    assert outside_round_trip == [], "the handler runs within the request, so its time is part of the round trip"
    assert result.model_calls.drafts >= len(result.created()), "every draft should have come from the model"


def test_server_timing_reports_the_handler_time_in_milliseconds() -> None:
    assert handler_timing(0.0123) == "handler;dur=12.3"
    assert handler_seconds_from(handler_timing(1.5)) == pytest.approx(1.5)
    # Other metrics, spacing and a quoted duration, as the W3C Server-Timing grammar allows.
    assert handler_seconds_from('db;dur=3, handler ; desc="x" ; dur="250"') == pytest.approx(0.25)


@pytest.mark.parametrize("header", [None, "", "db;dur=3", "handler", "handler;desc=x", "handler;dur=fast"])
def test_server_timing_without_a_handler_duration_reports_none(header: str | None) -> None:
    assert handler_seconds_from(header) is None


def test_only_the_local_server_reports_handler_time_and_only_when_the_handler_ran(dynamodb_local: str) -> None:
    overrides = {**local_dynamodb_overrides(dynamodb_local), "OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    with LocalApi(port=0, overrides=overrides, workers=1) as api:
        answered = api.answer("GET", "/drafts?limit=1", [], b"")
        # The handler's own headers never carry it; the server adds it from its measurement.
        assert answered.status == 200
        assert SERVER_TIMING_HEADER.lower() not in {name.lower() for name, _ in answered.headers}
        assert answered.handler_seconds is not None
        assert answered.handler_seconds > 0

        api.start_in_thread()
        parts = urlsplit(api.url)
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
        try:
            for path, reports in (("/drafts?limit=1", True), ("/nowhere", False)):
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                reported = handler_seconds_from(response.getheader(SERVER_TIMING_HEADER))
                assert (reported is not None) is reports, path
        finally:
            connection.close()


def a_run(samples: list[Sample], model_calls: ModelCalls) -> LoadResult:
    return LoadResult(clients=2, workers=4, planned_seconds=10, elapsed_seconds=10, samples=samples, model_calls=model_calls)


def test_the_ceiling_counts_every_model_call_a_draft_costs() -> None:
    drafts = [Sample("create", 201, 3.0, draft_id=f"d{index}", handler_seconds=2.0) for index in range(10)]
    run = a_run([*drafts, Sample("create", 503, 30.0, error="")], ModelCalls(drafts=10, judge=10))

    assert run.model_calls_per_draft == pytest.approx(2.0)
    assert run.ceiling_drafts_per_second == pytest.approx(4 / (2.0 * run.model_latency_seconds))
    assert run.drafts_per_second == pytest.approx(1.0), "a failed request is not a draft"
    assert run.queue_ms("create", 0.5) == pytest.approx(1000)
    assert run.handler_ms("create", 0.99) == pytest.approx(2000)


def test_a_run_without_answers_still_reports_its_figures() -> None:
    run = a_run([Sample("create", 0, 35.0, error="TimeoutError: timed out")], ModelCalls())

    assert run.ceiling_drafts_per_second == 0
    assert "| errors | 1 |" in run.table()
    assert all(math.isnan(figure.value) for figure in load_figures(run) if figure.name.startswith("Handler time"))


def test_every_load_figure_says_whether_it_is_the_products_or_the_dev_servers() -> None:
    drafts = [Sample(kind, 200, 3.0, draft_id="d", handler_seconds=2.0) for kind in ("create", "list")]
    for figure in load_figures(a_run(drafts, ModelCalls(drafts=1, judge=1))):
        assert "local dev server, 4 workers" in f"{figure.name} {figure.note}", figure.name
        # Only the time inside the handler is what a deployed function sees.
        assert (figure.scope == PRODUCT) is figure.name.startswith("Handler time"), figure.name
