"""Cold import times, each in a fresh interpreter: the noask CLI vs boto3, the API handler vs a Powertools hello world."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.bench.figures import Figure, median

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNS = 7
# Timed inside the child, so interpreter start-up (the same for every module) is left out.
_TIMER = "import time; started = time.perf_counter(); import {module}; print(time.perf_counter() - started)"

# The hello world that `sam init` offers for Powertools, on the HTTP API resolver the real handler uses.
HELLO_WORLD = """
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths

app = APIGatewayHttpResolver()
tracer = Tracer()
logger = Logger()
metrics = Metrics()


@app.get("/hello")
def hello():
    return {"message": "hello world"}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event, context):
    return app.resolve(event, context)
"""


def import_seconds(module: str, *, path: Path, environment: dict[str, str]) -> float:
    completed = subprocess.run(
        [sys.executable, "-c", _TIMER.format(module=module)],
        cwd=path,
        env={**environment, "PYTHONPATH": str(path)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return float(completed.stdout.strip().splitlines()[-1])


def median_import_seconds(modules: dict[str, Path], environment: dict[str, str]) -> dict[str, float]:
    """Runs interleaved (a, b, a, b, …) so a slow moment of the machine hits every module alike."""
    samples: dict[str, list[float]] = {module: [] for module in modules}
    for _ in range(RUNS):
        for module, path in modules.items():
            samples[module].append(import_seconds(module, path=path, environment=environment))
    return {module: median(values) for module, values in samples.items()}


def import_times() -> list[Figure]:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith(("OPENAI_", "NOASK_", "POWERTOOLS_", "AWS_"))
    }
    environment.update({"POWERTOOLS_SERVICE_NAME": "bench", "POWERTOOLS_METRICS_NAMESPACE": "bench"})
    with tempfile.TemporaryDirectory(prefix="noask-bench-") as scratch:
        Path(scratch, "hello_world_app.py").write_text(HELLO_WORLD, encoding="utf-8")
        # Compiled once first, as the repo's own modules already are: both sides then import from bytecode.
        import_seconds("hello_world_app", path=Path(scratch), environment=environment)
        times = median_import_seconds(
            {
                "shared.cli": REPO_ROOT,
                "boto3": REPO_ROOT,
                "functions.draft_api.app": REPO_ROOT,
                "hello_world_app": Path(scratch),
            },
            environment,
        )
    note = f"median of {RUNS} fresh interpreters, import only (start-up excluded), bytecode cached"
    return [
        Figure(
            "`noask` import (`import shared.cli`)",
            times["shared.cli"] * 1000,
            "ms",
            baseline_name="`import boto3`",
            baseline=times["boto3"] * 1000,
            note=note,
        ),
        Figure(
            "Cold import of DraftApiFunction's handler module",
            times["functions.draft_api.app"] * 1000,
            "ms",
            baseline_name="Powertools hello world",
            baseline=times["hello_world_app"] * 1000,
            note=f"{note}; hello world: Logger, Tracer, Metrics and one APIGatewayHttpResolver route",
        ),
    ]
