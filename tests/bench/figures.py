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


@dataclass(frozen=True)
class Figure:
    """A measured value; `ratio` is value / baseline, when a baseline is stated."""

    name: str
    value: float
    unit: str
    baseline_name: str = ""
    baseline: float | None = None
    note: str = ""

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
    rows = ["| Figure | Value | Baseline | Ratio | Notes |", "| --- | ---: | --- | ---: | --- |"]
    for figure in figures:
        baseline = "" if figure.baseline is None else f"{figure.baseline_name}: {format_number(figure.baseline)} {figure.unit}"
        ratio = "" if figure.ratio is None else f"{figure.ratio:.2f}×"
        rows.append(f"| {figure.name} | {format_number(figure.value)} {figure.unit} | {baseline} | {ratio} | {figure.note} |")
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
    "- Import times are measured inside a fresh interpreter (start-up excluded), median of several runs.",
    "- API per-draft overhead is POST /drafts through the real handler with the offline composer (no model), the quota"
    " and the history written in one DynamoDB Local transaction; the floor is one PutItem of an item of the same size,"
    " timed interleaved with the POSTs (one PutItem, one POST, …). The median shares split each POST into the drafting"
    " service, the DynamoDB calls and the rest (handler, validation, Powertools, building the event).",
    "- Load runs `noask serve` (what `make run` starts) with its default worker processes, each handling one request"
    " at a time like a warm Lambda container, and a model that answers after 1 s. With 20 clients and fewer workers,"
    " requests queue: latency above 1 s is mostly that queue, and the drafts/s ratio is the share of the workers' ceiling"
    " reached. Deployed, Lambda gives each concurrent request its own container.",
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
