"""Per-draft overhead of the API path without a model, against the floor of one DynamoDB write.

DraftApiFunction's real handler is called in this process with POST /drafts events (offline composer,
history and quota in DynamoDB Local), and timed end to end. The floor is one PutItem of a stored draft
item of the same size, through the same client, on the same DynamoDB Local.
"""

from __future__ import annotations

import contextlib
import io
import time
import uuid

from shared import composition
from shared.local.dynamodb import LOCAL_TABLE_NAMES
from tests.bench.figures import Figure, percentile
from tests.resilience.stack import SAMPLE_REQUESTS, HandlerClient, environment, function_variables

SAMPLES = 200
WARM_UP = 10


def per_draft_overhead(dynamodb_endpoint: str) -> list[Figure]:
    with environment(function_variables(dynamodb_endpoint)):
        client = HandlerClient(f"bench-user-{uuid.uuid4().hex}")
        # Powertools writes a log line and a metrics line per request to stdout: still done, not shown.
        with contextlib.redirect_stdout(io.StringIO()) as discarded:
            api_seconds = []
            draft_id = ""
            for index in range(WARM_UP + SAMPLES):
                request = SAMPLE_REQUESTS[index % len(SAMPLE_REQUESTS)]
                started = time.perf_counter()
                reply = client.create(request)
                elapsed = time.perf_counter() - started
                if reply.status != 201:
                    raise RuntimeError(f"POST /drafts answered {reply.status}: {reply.text[:300]}")
                draft_id = reply.json["id"]
                if index >= WARM_UP:
                    api_seconds.append(elapsed)
                discarded.seek(0)
                discarded.truncate()
        put_seconds = _put_item_seconds(client.user_id, draft_id)
    return [
        Figure(
            f"API per-draft overhead, {label}",
            percentile(api_seconds, fraction) * 1000,
            "ms",
            baseline_name=f"one PutItem, {label}",
            baseline=percentile(put_seconds, fraction) * 1000,
            note=f"POST /drafts through the handler, offline composer, DynamoDB Local; {SAMPLES} after {WARM_UP} warm-up",
        )
        for label, fraction in (("p50", 0.50), ("p99", 0.99))
    ]


def _put_item_seconds(user_id: str, draft_id: str) -> list[float]:
    """PutItem of a copy of a stored draft item (same size), through the composition root's DynamoDB client."""
    client = composition.dynamodb_client()
    table = LOCAL_TABLE_NAMES["HistoryTable"]
    item = client.get_item(TableName=table, Key={"pk": {"S": f"USER#{user_id}"}, "sk": {"S": f"DRAFT#{draft_id}"}})["Item"]
    seconds = []
    for index in range(WARM_UP + SAMPLES):
        copy = {**item, "sk": {"S": f"DRAFT#{draft_id}-floor-{index}"}}
        started = time.perf_counter()
        client.put_item(TableName=table, Item=copy)
        if index >= WARM_UP:
            seconds.append(time.perf_counter() - started)
    return seconds
