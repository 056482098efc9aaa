"""One benchmark figure per row, its baseline where one is stated, and the report that holds them."""

from __future__ import annotations

import math
import os
import platform
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# What most figures describe: the deployed functions and their code. The load run's throughput, round trip and queue
# wait describe the local dev server instead (`noask serve`, N workers behind one queue) and say so in `scope`.
PRODUCT = "product"


@dataclass(frozen=True)
class Figure:
    """A measured value; `ratio` is value / baseline, when a baseline is stated; `scope` is what it describes."""

    name: str
    value: float
    unit: str
    baseline_name: str = ""
    baseline: float | None = None
    note: str = ""
    scope: str = PRODUCT

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that was really observed, never an interpolation."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    # Rounded first: 0.95 * 20 is 19.000000000000004 in floating point, and its rank is 19, not 20.
    rank = math.ceil(round(fraction * len(ordered), 9))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def format_number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def markdown_table(figures: Sequence[Figure]) -> str:
    rows = ["| Figure | Describes | Value | Baseline | Ratio | Notes |", "| --- | --- | ---: | --- | ---: | --- |"]
    for figure in figures:
        baseline = "" if figure.baseline is None else f"{figure.baseline_name}: {format_number(figure.baseline)} {figure.unit}"
        ratio = "" if figure.ratio is None else f"{figure.ratio:.2f}×"
        rows.append(
            f"| {figure.name} | {figure.scope} | {format_number(figure.value)} {figure.unit} | {baseline} | {ratio} "
            f"| {figure.note} |"
        )
    return "\n".join(rows)


def machine_description() -> str:
    # The load average says whether other work shared the machine while the figures were taken.
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()} ({sys.implementation.name}), "
        f"{platform.system()} {platform.release()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load:.1f} at the end"
    )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


READING_NOTES = (
    "Reading the figures:",
    "",
    "- Import times are measured inside a fresh interpreter (start-up excluded), median of several runs; the notes"
    " also give the CPU-time ratio, which a busy shared machine moves far less than wall time. The built-artifact"
    " figures run on the fresh build's own libraries and bytecode and write none, as on Lambda.",
    "- API per-draft overhead is POST /drafts through the real handler with the offline composer (no model),"
    " a quota update and a history write on DynamoDB Local; the floor is one PutItem of the same item.",
    "- Describes: *product* figures are the deployed functions' own (handler time, per-draft overhead, cold import,"
    " artifact size, the checks, drafting and parsing times); *local dev server, N workers* figures are `noask serve`'s"
    " under load, not the product's.",
    "- Load runs `noask serve` (what `make run` starts) with N worker processes behind one queue, each handling one"
    " request at a time like a warm Lambda container, and a model that answers each call after 1 s. With the model"
    " configured a draft costs a draft call, then the ask judge's call, counted by the fake model server; the"
    " throughput ceiling is workers / (model calls per draft × model latency). With 20 clients and fewer workers,"
    " requests queue: the round trip is mostly that queue (queue wait = round trip − handler time). Deployed, API"
    " Gateway gives each concurrent request its own container, so there is no such queue.",
    "- Handler time is measured by the dev server's worker around the handler call and reported in a `Server-Timing`"
    " header (only the dev server sets it): what a deployed function sees per request, queueing excluded. It is taken"
    " during the load run, so N workers share the machine's cores.",
)


def report(figures: Sequence[Figure], *, skipped: Sequence[str]) -> str:
    """The markdown document: machine, the table, and what was not measured and why."""
    lines = [
        "# noask benchmarks",
        "",
        "Written by `make bench` (`python -m tests.bench`); re-run it to refresh. Ratios are value / baseline.",
        "",
        f"Machine: {machine_description()}.",
        "",
        markdown_table(figures),
    ]
    lines += ["", *READING_NOTES]
    if skipped:
        lines += ["", "Not measured in this run:", "", *(f"- {reason}" for reason in skipped)]
    return "\n".join(lines) + "\n"
