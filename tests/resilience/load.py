"""Load against the local dev server: `noask serve` with N workers in a subprocess, a model that answers after 1 s.

What it measures is the dev server, not the deployed product: `noask serve` runs N worker processes behind one
queue, so with more clients than workers requests wait for a worker. Deployed, API Gateway gives each concurrent
request its own Lambda container and there is no such queue. What a deployed function does see is the time inside
its handler: the server reports it per answer (`Server-Timing: handler;dur=…`), and the result keeps it apart from
the queue wait (latency − handler time). The fake model counts the calls it received, so the throughput ceiling
states how many model calls one draft costs (a draft call, then the ask judge's call).

`measure()` runs it all: the slow model (a FakeOpenAI on 127.0.0.1), `noask serve` on a free port of
127.0.0.1 against the given DynamoDB Local, a warm-up round, then `clients` threads that each create a
draft and list their history, over and over, until `seconds` have passed. Afterwards it pages through
the whole history to count every created draft. Every loop is bounded by the clock and every request
by a timeout, so a run always ends by itself.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from shared.local.server import DEFAULT_WORKERS, SERVER_TIMING_HEADER, handler_seconds_from
from tests.bench.figures import percentile
from tests.resilience.stack import SAMPLE_REQUESTS, is_judge_request, request_body, well_behaved_model
from tests.support.fake_openai import FakeOpenAI, ReceivedRequest, Reply

MODEL_LATENCY_SECONDS = 1.0
# Each worker's first draft imports the handler and the openai client; on a busy machine that can take
# longer than API Gateway's 30 s, so the warm-up retries, and its answers are reported, not counted as errors.
WARM_UP_ATTEMPTS = 3
# Beyond API Gateway's 30 s, so a slow answer is measured as slow instead of being lost.
REQUEST_TIMEOUT_SECONDS = 35.0
SERVER_START_SECONDS = 180.0
SERVER_STOP_SECONDS = 30.0
HISTORY_PAGE = 50


def settings_from_environment() -> tuple[int, float, int]:
    """(clients, seconds, workers) from NOASK_LOAD_CLIENTS / NOASK_LOAD_SECONDS / NOASK_LOAD_WORKERS.

    Defaults: 20 clients for 60 s, the figure the project reports (in `make test`, `make load` and `make bench`), on as many
    workers as `make run` gives the local server.
    """
    clients = int(os.environ.get("NOASK_LOAD_CLIENTS", "20"))
    seconds = float(os.environ.get("NOASK_LOAD_SECONDS", "60"))
    workers = int(os.environ.get("NOASK_LOAD_WORKERS", str(DEFAULT_WORKERS)))
    return clients, seconds, workers


@dataclass(frozen=True)
class Sample:
    kind: str  # "create" or "list"
    status: int  # 0 when no HTTP answer came
    seconds: float  # the client's round trip
    draft_id: str | None = None
    error: str = ""
    handler_seconds: float | None = None  # inside the handler, as the server reports it; None when it did not run

    @property
    def queue_seconds(self) -> float | None:
        """Round trip outside the handler: waiting for a free worker, plus the trip through the local server."""
        return None if self.handler_seconds is None else max(0.0, self.seconds - self.handler_seconds)


@dataclass(frozen=True)
class ModelCalls:
    """What the fake model server received while the clients ran (the warm-up excluded)."""

    drafts: int = 0  # draft prompts, repairs included
    judge: int = 0  # the ask judge's second reading of a draft

    @property
    def total(self) -> int:
        return self.drafts + self.judge


@dataclass
class LoadResult:
    clients: int
    workers: int
    planned_seconds: float
    elapsed_seconds: float = 0.0
    warm_up: list[Sample] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    history_counts: Counter[str] = field(default_factory=Counter)
    model_calls: ModelCalls = field(default_factory=ModelCalls)
    model_latency_seconds: float = MODEL_LATENCY_SECONDS

    @property
    def setting(self) -> str:
        """What was measured, in words: every figure of this run belongs to the dev server with this many workers."""
        return f"local dev server (`noask serve`), {self.workers} workers"

    def of_kind(self, kind: str) -> list[Sample]:
        return [sample for sample in self.samples if sample.kind == kind]

    def created(self) -> list[Sample]:
        """Drafts created after the warm-up (HTTP 201)."""
        return [sample for sample in self.of_kind("create") if sample.draft_id]

    @property
    def model_calls_per_draft(self) -> float:
        created = len(self.created())
        return self.model_calls.total / created if created else 0.0

    @property
    def ceiling_drafts_per_second(self) -> float:
        """workers / (model calls per draft × model latency): the most drafts/s the workers can give while each
        waits on the model; 0 when no draft was created."""
        per_draft = self.model_calls_per_draft * self.model_latency_seconds
        return self.workers / per_draft if per_draft else 0.0

    def handler_ms(self, kind: str, fraction: float) -> float:
        """Time inside the handler, as the server reported it; NaN when no answer reported one."""
        return self._percentile_ms(kind, "handler_seconds", fraction)

    def queue_ms(self, kind: str, fraction: float) -> float:
        """Round trip − handler time: the wait for a free worker and the trip through the local server."""
        return self._percentile_ms(kind, "queue_seconds", fraction)

    def untimed(self) -> list[Sample]:
        """Successful answers that did not say how long the handler took."""
        return [sample for sample in self.samples if not _failed(sample) and sample.handler_seconds is None]

    def _timed(self, kind: str, attribute: str) -> list[float]:
        values = (getattr(sample, attribute) for sample in self.of_kind(kind) if not _failed(sample))
        return [value for value in values if value is not None]

    def _percentile_ms(self, kind: str, attribute: str, fraction: float) -> float:
        # NaN rather than an exception: a run where every request failed still gets its figures written.
        values = self._timed(kind, attribute)
        return percentile(values, fraction) * 1000 if values else math.nan

    @property
    def created_ids(self) -> list[str]:
        return [sample.draft_id for sample in self.warm_up + self.samples if sample.draft_id]

    @property
    def errors(self) -> list[str]:
        """Failed requests after the warm-up."""
        return [f"{sample.kind}: HTTP {sample.status} {sample.error}".strip() for sample in self.samples if _failed(sample)]

    @property
    def warm_up_failures(self) -> int:
        return sum(1 for sample in self.warm_up if _failed(sample))

    @property
    def drafts_per_second(self) -> float:
        return len(self.created()) / self.elapsed_seconds if self.elapsed_seconds else 0.0

    @property
    def not_exactly_once(self) -> dict[str, int]:
        """Created drafts that the history holds zero times or more than once (and ids handed out twice)."""
        created = Counter(self.created_ids)
        return {
            draft_id: self.history_counts[draft_id]
            for draft_id in created
            if self.history_counts[draft_id] != 1 or created[draft_id] != 1
        }

    def latency_ms(self, kind: str, fraction: float) -> float:
        """Round trip of the answered requests, as the client saw it."""
        return self._percentile_ms(kind, "seconds", fraction)

    def table(self) -> str:
        """The run in two markdown tables: throughput and correctness, then per-request times in ms."""
        created = len(self.created())
        calls = self.model_calls
        exactly_once = "yes" if not self.not_exactly_once else f"NO: {len(self.not_exactly_once)} drafts"
        ceiling = self.ceiling_drafts_per_second
        ratio = f" (measured / ceiling: {self.drafts_per_second / ceiling:.2f}×)" if ceiling else ""
        summary = [
            f"{self.setting}; {self.clients} clients for {self.planned_seconds:g} s (the last answer came after "
            f"{self.elapsed_seconds:.0f} s), each creating a draft, then listing its history; the model answers every "
            f"call after {self.model_latency_seconds:g} s.",
            "",
            "| figure | value |",
            "| --- | --- |",
            f"| drafts created | {created} ({self.drafts_per_second:.2f}/s) |",
            f"| model calls per draft | {self.model_calls_per_draft:.2f} ({calls.drafts} draft + {calls.judge} judge "
            f"calls received by the model / {created} drafts) |",
            f"| ceiling: workers / (model calls per draft × model latency) | {self.workers} / "
            f"({self.model_calls_per_draft:.2f} × {self.model_latency_seconds:g} s) = {ceiling:.2f} drafts/s{ratio} |",
            f"| errors | {len(self.errors)} |",
            f"| every draft in history exactly once | {exactly_once} |",
            f"| answers without handler time | {len(self.untimed())} |",
            f"| warm-up drafts (failed) | {len(self.warm_up)} ({self.warm_up_failures}) |",
        ]
        percentiles = (0.50, 0.95, 0.99)

        def cell(kind: str, attribute: str) -> str:
            if not self._timed(kind, attribute):
                return "-"
            return " / ".join(f"{self._percentile_ms(kind, attribute, fraction):,.0f}" for fraction in percentiles)

        rows = [
            ("round trip on the dev server", "seconds"),
            ("inside the handler (what a deployed function sees)", "handler_seconds"),
            ("queue wait (round trip − handler)", "queue_seconds"),
        ]
        times = [
            "| ms, p50 / p95 / p99 | POST /drafts | GET /drafts |",
            "| --- | ---: | ---: |",
            *(f"| {label} | {cell('create', attribute)} | {cell('list', attribute)} |" for label, attribute in rows),
            f"| answered requests | {len(self._timed('create', 'seconds'))} | {len(self._timed('list', 'seconds'))} |",
        ]
        return "\n".join([*summary, "", *times])


def _failed(sample: Sample) -> bool:
    return bool(sample.error) or not 200 <= sample.status < 300


# ---- the stack --------------------------------------------------------------------------------


@contextmanager
def slow_model(latency_seconds: float = MODEL_LATENCY_SECONDS) -> Iterator[FakeOpenAI]:
    """The fake OpenAI server, answering every draft prompt well after `latency_seconds`."""

    def respond(received: ReceivedRequest) -> Reply:
        return Reply.stall(latency_seconds, then=well_behaved_model(received))

    with FakeOpenAI(respond) as model:
        yield model


@contextmanager
def served_api(*, dynamodb_endpoint: str, model_url: str, workers: int) -> Iterator[str]:
    """`noask serve` on a free port of 127.0.0.1 against `dynamodb_endpoint`; yields its URL, stops it after."""
    noask = Path(sys.executable).with_name("noask")
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("OPENAI_", "NOASK_"))}
    environment.update(
        {
            "NOASK_DYNAMODB_ENDPOINT": dynamodb_endpoint,
            "OPENAI_BASE_URL": model_url,
            "OPENAI_API_KEY": "sk-load-test",
            "NOASK_DAILY_DRAFT_QUOTA": "1000000000",
        }
    )
    command = [str(noask), "serve", "--host", "127.0.0.1", "--port", "0", "--no-dynamodb", "--workers", str(workers)]
    # stderr (one line per request) is discarded: a pipe nobody reads would fill up and stall the server.
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        yield _announced_url(process)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=SERVER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stdout is not None
        process.stdout.close()


def _announced_url(process: subprocess.Popen[str]) -> str:
    """The URL from `noask serve`'s "noask is running at …" line, waiting at most SERVER_START_SECONDS."""
    assert process.stdout is not None
    deadline = time.monotonic() + SERVER_START_SECONDS
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = process.stdout.readline()
            if not line:
                raise RuntimeError(f"noask serve exited with status {process.wait()} before it was ready")
            if "running at " in line:
                return line.split("running at ", 1)[1].strip().rstrip("/")
    raise RuntimeError(f"noask serve did not start within {SERVER_START_SECONDS:.0f} s")


# ---- the clients ------------------------------------------------------------------------------


class _Client:
    """One keep-alive connection, reopened after any failure."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._connection: http.client.HTTPConnection | None = None

    def request(self, kind: str, method: str, path: str, body: dict[str, object] | None = None) -> tuple[Sample, bytes]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        started = time.perf_counter()
        try:
            if self._connection is None:
                self._connection = http.client.HTTPConnection(self._host, self._port, timeout=REQUEST_TIMEOUT_SECONDS)
            self._connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = self._connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return Sample(kind, 0, time.perf_counter() - started, error=f"{type(error).__name__}: {error}"), b""
        seconds = time.perf_counter() - started
        handler_seconds = handler_seconds_from(response.getheader(SERVER_TIMING_HEADER))
        return Sample(kind, response.status, seconds, handler_seconds=handler_seconds), data

    def create(self, index: int) -> Sample:
        sample, data = self.request("create", "POST", "/drafts", request_body(SAMPLE_REQUESTS[index % len(SAMPLE_REQUESTS)]))
        if sample.status != 201:
            return sample
        return replace(sample, draft_id=json.loads(data)["id"])

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _concurrently(count: int, work: Callable[[int], None]) -> None:
    threads = [threading.Thread(target=work, args=(index,), name=f"load-client-{index}", daemon=True) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT_SECONDS * 3 + 600)


def run_load(base_url: str, *, clients: int, seconds: float, workers: int, model: FakeOpenAI | None = None) -> LoadResult:
    """A warm-up (one draft per worker, all at once, so every worker starts and imports the model client),
    then `clients` threads creating a draft and listing history until `seconds` have passed. The calls `model`
    received meanwhile are counted (every client has its answer by the end, so none is still on its way)."""
    result = LoadResult(clients=clients, workers=workers, planned_seconds=seconds)
    lock = threading.Lock()

    def warm_up(index: int) -> None:
        client = _Client(base_url)
        samples = [client.create(index)]
        while _failed(samples[-1]) and len(samples) < WARM_UP_ATTEMPTS:
            samples.append(client.create(index))
        client.close()
        with lock:
            result.warm_up.extend(samples)

    _concurrently(workers, warm_up)
    stop_at = time.monotonic() + seconds

    def work(index: int) -> None:
        client = _Client(base_url)
        samples = []
        while time.monotonic() < stop_at:
            samples.append(client.create(index))
            samples.append(client.request("list", "GET", "/drafts?limit=10")[0])
        client.close()
        with lock:
            result.samples.extend(samples)

    calls_before = len(model.requests) if model is not None else 0
    started = time.monotonic()
    _concurrently(clients, work)
    result.elapsed_seconds = time.monotonic() - started
    if model is not None:
        received = model.requests[calls_before:]
        judge = sum(1 for request in received if is_judge_request(request))
        result.model_calls = ModelCalls(drafts=len(received) - judge, judge=judge)
    result.history_counts = history_counts(base_url)
    return result


def history_counts(base_url: str) -> Counter[str]:
    """How often each draft id appears in the signed-in user's history, following the cursor to the end."""
    client = _Client(base_url)
    counts: Counter[str] = Counter()
    cursor: str | None = None
    try:
        while True:
            path = "/drafts?" + urlencode({"limit": HISTORY_PAGE, **({"cursor": cursor} if cursor else {})})
            sample, data = client.request("list", "GET", path)
            if sample.status != 200:
                raise RuntimeError(f"listing the history failed: HTTP {sample.status} {sample.error} {data[:200]!r}")
            page = json.loads(data)
            counts.update(item["id"] for item in page["items"])
            cursor = page["cursor"]
            if cursor is None:
                return counts
    finally:
        client.close()


def measure(dynamodb_endpoint: str, *, clients: int, seconds: float, workers: int) -> LoadResult:
    with slow_model() as model, served_api(dynamodb_endpoint=dynamodb_endpoint, model_url=model.base_url, workers=workers) as url:
        return run_load(url, clients=clients, seconds=seconds, workers=workers, model=model)
