"""`make bench`: every figure the project measures, in one markdown table, also written to docs/benchmarks.md.

Each measurement is bounded (seconds, a fixed number of runs); the load run takes the longest
(`--load-seconds`, 60 by default). Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from shared.local.dynamodb import DynamoDBLocal, create_tables_from_template
from shared.local.server import DEFAULT_WORKERS
from tests.bench.api import per_draft_overhead
from tests.bench.artifacts import artifact_sizes
from tests.bench.core import ask_check_accuracy, ask_check_throughput, judge_prompt_tokens, prompt_tokens
from tests.bench.drafting import hostile_input_ratios, offline_drafting_time
from tests.bench.figures import Figure, machine_description, markdown_table, report
from tests.bench.imports import import_times
from tests.bench.mail import email_parsing
from tests.resilience.load import LoadResult, measure

REPORT_PATH = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
README_PATH = Path(__file__).resolve().parents[2] / "README.md"
# The README carries the latest table between these markers; `make bench` rewrites what is between them.
README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


def update_readme(readme: Path, figures: list[Figure]) -> bool:
    """Replace the README's benchmark section; False when the README has no markers."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        return False
    section = f"{README_START}\nMachine: {machine_description()}.\n\n{markdown_table(figures)}\n"
    readme.write_text(text[:start] + section + text[end:], encoding="utf-8")
    return True


def load_figures(result: LoadResult) -> list[Figure]:
    """The load run's figures: the time inside the handler is the product's (what a deployed function sees); throughput,
    round trip and queue wait are the local dev server's, whose N workers share one queue (Lambda has none)."""
    server = f"local dev server, {result.workers} workers"
    setting = (
        f"{result.clients} clients, {result.elapsed_seconds:.0f} s, model answers each call after "
        f"{result.model_latency_seconds:g} s"
    )
    per_draft_ms = result.model_calls_per_draft * result.model_latency_seconds * 1000
    model_wait = "model calls per draft × model latency"
    figures = []
    for kind, label in (("create", "POST /drafts"), ("list", "GET /drafts")):
        for fraction in (0.50, 0.95, 0.99):
            figures.append(
                Figure(
                    f"Handler time, {label} p{fraction * 100:.0f}",
                    result.handler_ms(kind, fraction),
                    "ms",
                    baseline_name=model_wait if kind == "create" else "",
                    baseline=per_draft_ms if kind == "create" else None,
                    note=f"inside the handler, queue excluded (Server-Timing); taken under load on the {server}, {setting}",
                )
            )
    figures.append(
        Figure(
            f"Load on the {server}: drafts created per second",
            result.drafts_per_second,
            "drafts/s",
            baseline_name=f"ceiling, workers / ({model_wait})",
            baseline=result.ceiling_drafts_per_second,
            scope=server,
            note=f"{setting}; each client creates a draft, then lists its history. Deployed, Lambda scales containers",
        )
    )
    calls = result.model_calls
    figures.append(
        Figure(
            f"Load on the {server}: model calls per draft",
            result.model_calls_per_draft,
            "calls",
            scope=server,
            note=f"{calls.drafts} draft + {calls.judge} ask-judge calls received by the model / {len(result.created())} drafts",
        )
    )
    for kind, label in (("create", "POST /drafts"), ("list", "GET /drafts")):
        for title, percentile_ms in (("round trip", result.latency_ms), ("queue wait (round trip − handler)", result.queue_ms)):
            tail = ", ".join(f"p{fraction * 100:.0f} {percentile_ms(kind, fraction):,.0f} ms" for fraction in (0.95, 0.99))
            figures.append(
                Figure(
                    f"Load on the {server}: {label} {title} p50",
                    percentile_ms(kind, 0.50),
                    "ms",
                    baseline_name=model_wait if kind == "create" and title == "round trip" else "",
                    baseline=per_draft_ms if kind == "create" and title == "round trip" else None,
                    scope=server,
                    note=f"{tail}; {len(result.of_kind(kind))} requests",
                )
            )
    figures.append(
        Figure(
            f"Load on the {server}: errors",
            len(result.errors),
            "requests",
            scope=server,
            note=f"after a warm-up of {len(result.warm_up)} drafts",
        )
    )
    figures.append(
        Figure(
            f"Load on the {server}: created drafts not in history exactly once",
            len(result.not_exactly_once),
            "drafts",
            scope=server,
            note=f"of {len(result.created_ids)} created, counted by paging through GET /drafts",
        )
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--load-seconds", type=float, default=60.0, help="duration of the load run (default: 60)")
    parser.add_argument("--load-clients", type=int, default=20, help="concurrent load clients (default: 20)")
    parser.add_argument("--load-workers", type=int, default=DEFAULT_WORKERS, help="local server workers (default: noask serve's)")
    parser.add_argument("--output", type=Path, default=REPORT_PATH, help="markdown report (default: docs/benchmarks.md)")
    args = parser.parse_args(argv)

    figures: list[Figure] = []
    skipped: list[str] = []

    def step(title: str, measure_step: Callable[[], list[Figure]]) -> None:
        print(f"bench: {title}…", file=sys.stderr, flush=True)
        started = time.monotonic()
        figures.extend(measure_step())
        print(f"bench: {title} done in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)

    step("ask check throughput", ask_check_throughput)
    step("ask check accuracy", ask_check_accuracy)
    step("prompt tokens", prompt_tokens)
    step("judge prompt tokens", judge_prompt_tokens)
    step("offline drafting time", offline_drafting_time)
    step("hostile 8,000-character inputs", hostile_input_ratios)
    step("import times", import_times)
    step("email parsing", email_parsing)

    def artifacts() -> list[Figure]:
        found, reason = artifact_sizes()
        if reason:
            skipped.append(reason)
        return found

    step("artifact sizes", artifacts)
    with DynamoDBLocal() as dynamodb:
        create_tables_from_template(dynamodb.endpoint_url)
        step("API per-draft overhead", lambda: per_draft_overhead(dynamodb.endpoint_url))
        step(
            "load",
            lambda: load_figures(
                measure(dynamodb.endpoint_url, clients=args.load_clients, seconds=args.load_seconds, workers=args.load_workers)
            ),
        )
    if not any(figure.name == "Ask check throughput" for figure in figures):
        skipped.append("ask check throughput: tests/data/asks.txt and no_asks.txt are missing")

    print(markdown_table(figures))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report(figures, skipped=skipped), encoding="utf-8")
    print(f"\nWritten to {args.output}", file=sys.stderr)
    if args.output == REPORT_PATH and update_readme(README_PATH, figures):
        print(f"Table copied into {README_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
