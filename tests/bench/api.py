"""Per-draft overhead of the API path without a model, against the floor of one DynamoDB write.

DraftApiFunction's real handler is called in this process with POST /drafts events (offline composer,
history and quota in DynamoDB Local), and timed end to end. The floor is one PutItem of a stored draft
item (same size), through the same client, on the same DynamoDB Local, timed INTERLEAVED with the POSTs
(one PutItem, one POST, one PutItem, …) so that both see the same machine load. Each POST's time is also
split into drafting (the drafting service), DynamoDB calls (the shared client) and the rest (handler).
A third step in the same loop writes a stored draft's copy with the quota, as POST /drafts does, but
without the handler or drafting: the part of the overhead that the quota-and-history write costs alone.

`python -m tests.bench.api` runs this alone, `--runs N` times; `--profile FILE` writes a cProfile of the POSTs.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import io
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from shared import composition
from shared.history import DraftRecord, new_draft_id
from shared.local.dynamodb import LOCAL_TABLE_NAMES, DynamoDBLocal, create_tables_from_template
from tests.bench.figures import Figure, markdown_table, percentile
from tests.resilience.stack import SAMPLE_REQUESTS, HandlerClient, environment, function_variables

SAMPLES = 200
WARM_UP = 10
# The client calls a POST /drafts may make; their time is the "DynamoDB" share of the breakdown.
# The quota-and-history write alone counts on a day of its own, so the handler's quota for today is untouched.
QUOTA_DAY = "2000-01-01"
_DYNAMODB_CALLS = ("put_item", "update_item", "transact_write_items", "get_item", "query")


def per_draft_overhead(dynamodb_endpoint: str, *, profile: Path | None = None) -> list[Figure]:
    with environment(function_variables(dynamodb_endpoint)):
        client = HandlerClient(f"bench-user-{uuid.uuid4().hex}")
        dynamodb = composition.dynamodb_client()
        table = LOCAL_TABLE_NAMES["HistoryTable"]
        shares = _Shares()
        api_seconds: list[float] = []
        put_seconds: list[float] = []
        write_seconds: list[float] = []
        store = composition.history_store()
        profiler = cProfile.Profile() if profile else None
        # Powertools writes a log line and a metrics line per request to stdout: still done, not shown.
        with contextlib.redirect_stdout(io.StringIO()) as discarded:
            floor_item, floor_record = _stored_draft(client, dynamodb, table)
            with shares.timing(composition.drafting_service(), "draft", "drafting"), shares.timing_all(dynamodb):
                for index in range(WARM_UP + SAMPLES):
                    copy = {**floor_item, "sk": {"S": f"{floor_item['sk']['S']}-floor-{index}"}}
                    started = time.perf_counter()
                    dynamodb.put_item(TableName=table, Item=copy)
                    put_elapsed = time.perf_counter() - started
                    copy_record = floor_record.model_copy(update={"id": new_draft_id(time.time())})
                    started = time.perf_counter()
                    if not store.put_draft_within_quota(copy_record, day=QUOTA_DAY, limit=WARM_UP + SAMPLES + 1):
                        raise RuntimeError("The bench's own quota day is spent: its counter was not fresh.")
                    write_elapsed = time.perf_counter() - started
                    shares.reset()
                    request = SAMPLE_REQUESTS[index % len(SAMPLE_REQUESTS)]
                    if profiler and index >= WARM_UP:
                        profiler.enable()
                    started = time.perf_counter()
                    reply = client.create(request)
                    elapsed = time.perf_counter() - started
                    if profiler:
                        profiler.disable()
                    if reply.status != 201:
                        raise RuntimeError(f"POST /drafts answered {reply.status}: {reply.text[:300]}")
                    if index >= WARM_UP:
                        api_seconds.append(elapsed)
                        put_seconds.append(put_elapsed)
                        write_seconds.append(write_elapsed)
                        shares.keep(elapsed)
                    discarded.seek(0)
                    discarded.truncate()
        if profiler and profile:
            profiler.dump_stats(profile)
    for share in ("drafting", "dynamodb"):
        if not all(shares.kept[share]):
            # The handler no longer goes through the objects wrapped here: a breakdown of zeros would be false.
            raise RuntimeError(f"Some POST /drafts made no {share} call that the bench could time.")
    setting = f"{SAMPLES} POST /drafts interleaved with {SAMPLES} PutItem after {WARM_UP} warm-up"
    figures = [
        Figure(
            f"API per-draft overhead, {label}",
            percentile(api_seconds, fraction) * 1000,
            "ms",
            baseline_name=f"one PutItem interleaved, {label}",
            baseline=percentile(put_seconds, fraction) * 1000,
            note=f"POST /drafts through the handler, offline composer, DynamoDB Local; {setting}",
        )
        for label, fraction in (("p50", 0.50), ("p99", 0.99))
    ]
    figures.append(
        Figure(
            "API per-draft overhead, quota and history written alone, p50",
            percentile(write_seconds, 0.50) * 1000,
            "ms",
            baseline_name="one PutItem interleaved, p50",
            baseline=percentile(put_seconds, 0.50) * 1000,
            note=(
                "the one TransactWriteItems of POST /drafts (quota counter + draft) without handler or drafting, "
                f"on its own day's counter; {setting}"
            ),
        )
    )
    put_median = statistics.median(put_seconds) * 1000
    for share, label in (("drafting", "drafting service"), ("dynamodb", "DynamoDB calls"), ("rest", "handler and the rest")):
        figures.append(
            Figure(
                f"API per-draft overhead, median {label}",
                statistics.median(shares.kept[share]) * 1000,
                "ms",
                baseline_name="one PutItem interleaved, p50",
                baseline=put_median,
                note="share of each POST /drafts, medians of the same runs",
            )
        )
    return figures


def _stored_draft(client: HandlerClient, dynamodb: Any, table: str) -> tuple[dict[str, Any], DraftRecord]:
    """The item and record of a draft created through the handler: the floors write copies of it (same size)."""
    reply = client.create(SAMPLE_REQUESTS[0])
    if reply.status != 201:
        raise RuntimeError(f"POST /drafts answered {reply.status}: {reply.text[:300]}")
    key = {"pk": {"S": f"USER#{client.user_id}"}, "sk": {"S": f"DRAFT#{reply.json['id']}"}}
    item: dict[str, Any] = dynamodb.get_item(TableName=table, Key=key)["Item"]
    record = composition.history_store().get_draft(client.user_id, reply.json["id"])
    if record is None:
        raise RuntimeError("The draft just created is not in the history.")
    return item, record


class _Shares:
    """Time spent per request inside wrapped calls: drafting, DynamoDB, and what is left of the whole."""

    def __init__(self) -> None:
        self.current = {"drafting": 0.0, "dynamodb": 0.0}
        self.kept: dict[str, list[float]] = {"drafting": [], "dynamodb": [], "rest": []}

    def reset(self) -> None:
        self.current = {"drafting": 0.0, "dynamodb": 0.0}

    def keep(self, total: float) -> None:
        for share, seconds in self.current.items():
            self.kept[share].append(seconds)
        self.kept["rest"].append(total - sum(self.current.values()))

    @contextlib.contextmanager
    def timing(self, owner: Any, method: str, share: str) -> Iterator[None]:
        original: Callable[..., Any] = getattr(owner, method)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.current[share] += time.perf_counter() - started

        setattr(owner, method, timed)
        try:
            yield
        finally:
            delattr(owner, method)

    @contextlib.contextmanager
    def timing_all(self, dynamodb: Any) -> Iterator[None]:
        with contextlib.ExitStack() as stack:
            for method in _DYNAMODB_CALLS:
                stack.enter_context(self.timing(dynamodb, method, "dynamodb"))
            yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.api", description=__doc__)
    parser.add_argument("--runs", type=int, default=1, help="measure this many times (default: 1)")
    parser.add_argument("--profile", type=Path, help="after the runs, profile one more (not reported) into this file")
    args = parser.parse_args(argv)
    with DynamoDBLocal() as dynamodb_local:
        create_tables_from_template(dynamodb_local.endpoint_url)
        for run in range(args.runs):
            figures = per_draft_overhead(dynamodb_local.endpoint_url)
            print(f"Run {run + 1} of {args.runs}\n{markdown_table(figures)}\n", flush=True)
        if args.profile:
            # The profiler slows every call down: its run's figures are not comparable, so not shown.
            per_draft_overhead(dynamodb_local.endpoint_url, profile=args.profile)
            print(f"Profile of {SAMPLES} POST /drafts written to {args.profile}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
