"""Cold import times, each in a fresh interpreter: the noask CLI vs boto3, the API handler vs a Powertools hello world;
and, in a fresh build, whether every module a cold start loads has bytecode in the artifact, and the built handler's
cold import using only what the artifact ships."""

from __future__ import annotations

import compileall
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.local.dynamodb import load_template
from shared.local.server import http_api_event
from tests.bench.figures import Figure, median

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNS = 7
# Timed inside the child, so interpreter start-up (the same for every module) is left out: wall time, and the
# child's CPU time, which a busy shared machine disturbs far less.
_TIMER = (
    "import time; started, cpu = time.perf_counter(), time.process_time(); import {module}; "
    "print(time.perf_counter() - started, time.process_time() - cpu)"
)
# Prints the file of every module a fresh interpreter holds after importing sys.argv[1].
_LOADED_FILES = (
    "import importlib, json, sys\n"
    "importlib.import_module(sys.argv[1])\n"
    "print(json.dumps(sorted({getattr(module, '__file__', None) or '' for module in list(sys.modules.values())} - {''})))\n"
)
# Import, then one request through the handler, as a cold start's INIT and first INVOKE; the child prints the
# time last, after whatever the handler wrote (Powertools metrics go to stdout).
_FIRST_REQUEST = """
import json, sys, time
started, cpu = time.perf_counter(), time.process_time()
from {module} import handler

class Context:
    function_name = memory_limit_in_mb = log_group_name = log_stream_name = aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"

    def get_remaining_time_in_millis(self):
        return 29000

status = handler(json.loads(sys.argv[1]), Context())["statusCode"]
elapsed, cpu_elapsed = time.perf_counter() - started, time.process_time() - cpu
assert status == int(sys.argv[2]), status
print(elapsed, cpu_elapsed)
"""
API_HANDLER = "functions.draft_api.app"


def first_api_request() -> dict[str, Any]:
    """A signed-in check of an empty message: answered 422 by request validation, before any dependency is built."""
    return http_api_event(
        "POST", "/checks", headers={"content-type": "application/json"}, body=json.dumps({"text": ""}), claims={"sub": "bench"}
    )


# What the Lambda runtime brings itself: the build leaves these out of the artifact (Makefile, build-*).
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "urllib3", "dateutil", "six")

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


@dataclass(frozen=True)
class ImportTime:
    """Seconds an import took: on the wall clock, and in the importing process's CPU time."""

    wall: float
    cpu: float


@dataclass(frozen=True)
class Interpreter:
    """How a child interpreter runs: its import path (the first entry is also its working directory, which `-c`
    puts first on the path), environment and flags (`-S`: no site-packages of ours)."""

    path: tuple[Path, ...]
    environment: dict[str, str]
    flags: tuple[str, ...] = ()

    def run(self, code: str, *arguments: str) -> str:
        completed = subprocess.run(
            [sys.executable, *self.flags, "-c", code, *arguments],
            cwd=self.path[0],
            env={**self.environment, "PYTHONPATH": os.pathsep.join(str(entry) for entry in self.path)},
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"{' '.join(arguments) or code} failed: {completed.stderr.strip()[-2000:]}")
        return completed.stdout

    def import_seconds(self, module: str) -> ImportTime:
        wall, cpu = self.run(_TIMER.format(module=module)).strip().splitlines()[-1].split()
        return ImportTime(float(wall), float(cpu))

    def first_request_seconds(self, module: str, event: dict[str, Any], status: int = 200) -> ImportTime:
        code = _FIRST_REQUEST.format(module=module)
        wall, cpu = self.run(code, json.dumps(event), str(status)).strip().splitlines()[-1].split()
        return ImportTime(float(wall), float(cpu))

    def loaded_files(self, module: str) -> list[Path]:
        return [Path(name) for name in json.loads(self.run(_LOADED_FILES, module))]


def median_import_seconds(modules: dict[str, Interpreter]) -> dict[str, ImportTime]:
    """Runs interleaved (a, b, a, b, …) so a slow moment of the machine hits every module alike."""
    samples: dict[str, list[ImportTime]] = {module: [] for module in modules}
    for _ in range(RUNS):
        for module, interpreter in modules.items():
            samples[module].append(interpreter.import_seconds(module))
    return {module: _medians(values) for module, values in samples.items()}


def cpu_ratio(times: dict[str, ImportTime], module: str, baseline: str) -> str:
    return f"CPU-time ratio {times[module].cpu / times[baseline].cpu:.2f}×"


@dataclass(frozen=True)
class FirstRequest:
    """A fresh interpreter imports `module` and answers one request, expecting `status`."""

    interpreter: Interpreter
    module: str
    event: dict[str, Any]
    status: int = 200

    def seconds(self) -> ImportTime:
        return self.interpreter.first_request_seconds(self.module, self.event, self.status)


def median_first_request_seconds(requests: dict[str, FirstRequest]) -> dict[str, ImportTime]:
    """Import and one request per fresh interpreter, interleaved like the imports."""
    samples: dict[str, list[ImportTime]] = {name: [] for name in requests}
    for _ in range(RUNS):
        for name, request in requests.items():
            samples[name].append(request.seconds())
    return {name: _medians(values) for name, values in samples.items()}


def _medians(times: list[ImportTime]) -> ImportTime:
    return ImportTime(median([time.wall for time in times]), median([time.cpu for time in times]))


# ---- Bytecode ---------------------------------------------------------------------------------


def runtime_cache_tag() -> str:
    """The bytecode tag of the template's runtime: python3.11 -> cpython-311."""
    runtime = str(load_template()["Globals"]["Function"]["Runtime"])
    major, minor = runtime.removeprefix("python").split(".")
    return f"cpython-{major}{minor}"


def usable_bytecode(source: Path, cache_tag: str) -> bool:
    """Whether `source` has bytecode in its __pycache__ for `cache_tag` that the import system would use as is.

    Timestamp-based bytecode must match the source's recorded time and size, checked-hash bytecode its hash;
    unchecked-hash bytecode (what the build writes) is used as is. A file for another interpreter is only
    checked to exist: its magic number is not ours to judge."""
    compiled = source.parent / "__pycache__" / f"{source.stem}.{cache_tag}.pyc"
    if not compiled.is_file():
        return False
    if cache_tag != sys.implementation.cache_tag:
        return True
    header = compiled.read_bytes()[:16]
    if len(header) < 16 or header[:4] != importlib.util.MAGIC_NUMBER:
        return False
    flags = int.from_bytes(header[4:8], "little")
    if flags & 0b01 == 0:
        stat = source.stat()
        return header[8:16] == (int(stat.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little") + (stat.st_size & 0xFFFFFFFF).to_bytes(
            4, "little"
        )
    if flags & 0b10:
        return header[8:16] == importlib.util.source_hash(source.read_bytes())
    return True


@dataclass(frozen=True)
class BytecodeCoverage:
    """Of the source modules an import loads (from the folders looked at), those with usable bytecode."""

    modules: int
    without: tuple[str, ...]

    @property
    def with_bytecode(self) -> int:
        return self.modules - len(self.without)

    def describe(self, cache_tag: str) -> str:
        text = f"{self.with_bytecode} of {self.modules} modules loaded have {cache_tag} bytecode"
        if self.without:
            shown = ", ".join(self.without[:5]) + (", …" if len(self.without) > 5 else "")
            text += f" (none for {shown})"
        return text


def bytecode_coverage(sources: Sequence[Path], cache_tag: str, *, relative_to: Path | None = None) -> BytecodeCoverage:
    modules = [source for source in sources if source.suffix == ".py"]
    without = [source for source in modules if not usable_bytecode(source, cache_tag)]
    return BytecodeCoverage(
        modules=len(modules),
        without=tuple(str(source.relative_to(relative_to) if relative_to else source) for source in without),
    )


# ---- The repository's handler vs the hello world ----------------------------------------------


def _bench_environment() -> dict[str, str]:
    # Without PYTHONDONTWRITEBYTECODE, so that a first import writes the bytecode every later one reads.
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OPENAI_", "NOASK_", "POWERTOOLS_", "AWS_")) and name != "PYTHONDONTWRITEBYTECODE"
    }
    environment.update({"POWERTOOLS_SERVICE_NAME": "bench", "POWERTOOLS_METRICS_NAMESPACE": "bench"})
    return environment


def import_times() -> list[Figure]:
    environment = _bench_environment()
    in_repo = Interpreter((REPO_ROOT,), environment)
    with tempfile.TemporaryDirectory(prefix="noask-bench-") as scratch:
        Path(scratch, "hello_world_app.py").write_text(HELLO_WORLD, encoding="utf-8")
        in_scratch = Interpreter((Path(scratch),), environment)
        modules = {"shared.cli": in_repo, "boto3": in_repo, API_HANDLER: in_repo, "hello_world_app": in_scratch}
        # Each imported once first, so every side imports from bytecode; then checked, not assumed.
        for module, interpreter in modules.items():
            interpreter.import_seconds(module)
        tag = sys.implementation.cache_tag
        handler_bytecode = bytecode_coverage(in_repo.loaded_files(API_HANDLER), tag)
        hello_bytecode = bytecode_coverage(in_scratch.loaded_files("hello_world_app"), tag)
        times = median_import_seconds(modules)
        # The page is the API's first request when a browser opens the app; the hello world's is its one route. An API
        # route's first call (a check refused by validation: no AWS service, no guardrails) loads what the page defers.
        first_requests = median_first_request_seconds(
            {
                "page": FirstRequest(in_repo, API_HANDLER, http_api_event("GET", "/", claims=None)),
                "api": FirstRequest(in_repo, API_HANDLER, first_api_request(), status=422),
                "hello": FirstRequest(in_scratch, "hello_world_app", http_api_event("GET", "/hello", claims=None)),
            }
        )
    note = f"median of {RUNS} fresh interpreters, import only (start-up excluded)"
    return [
        Figure(
            "`noask` import (`import shared.cli`)",
            times["shared.cli"].wall * 1000,
            "ms",
            baseline_name="`import boto3`",
            baseline=times["boto3"].wall * 1000,
            note=f"{note}, bytecode written by a first import; {cpu_ratio(times, 'shared.cli', 'boto3')}",
        ),
        Figure(
            "Cold import of DraftApiFunction's handler module",
            times[API_HANDLER].wall * 1000,
            "ms",
            baseline_name="Powertools hello world",
            baseline=times["hello_world_app"].wall * 1000,
            note=f"{note}; {cpu_ratio(times, API_HANDLER, 'hello_world_app')}; hello world: Logger, Tracer, Metrics and "
            f"one APIGatewayHttpResolver route; development venv: handler: {handler_bytecode.describe(tag)}; "
            f"hello world: {hello_bytecode.describe(tag)}",
        ),
        Figure(
            "Cold start of DraftApiFunction: import and a first GET / (the page)",
            first_requests["page"].wall * 1000,
            "ms",
            baseline_name="hello world: import and a first GET /hello",
            baseline=first_requests["hello"].wall * 1000,
            note=f"median of {RUNS} fresh interpreters, {cpu_ratio(first_requests, 'page', 'hello')}; "
            "what a route loads on first use counts here, it is not deferred away",
        ),
        Figure(
            "Cold start of DraftApiFunction: import and a first API request (POST /checks refused by validation)",
            first_requests["api"].wall * 1000,
            "ms",
            baseline_name="hello world: import and a first GET /hello",
            baseline=first_requests["hello"].wall * 1000,
            note=f"median of {RUNS} fresh interpreters, {cpu_ratio(first_requests, 'api', 'hello')}; the API's routes, "
            "their models and request validation, which the page does not load, load here",
        ),
    ]


# ---- The built artifact -------------------------------------------------------------------------


def _elf_machine(binary: Path) -> bytes:
    """The ELF header's e_machine field: which processor a compiled file is for."""
    with binary.open("rb") as stream:
        return stream.read(20)[18:20]


def _foreign_extensions(artifact: Path) -> set[str]:
    """Top-level modules of the artifact whose compiled extensions this machine cannot load (an arm64 build on x86_64)."""
    host = _elf_machine(Path(sys.executable).resolve())
    return {
        extension.relative_to(artifact).parts[0].split(".")[0]
        for extension in artifact.rglob("*.so")
        if _elf_machine(extension) != host
    }


def _link_installed(names: Iterable[str], into: Path) -> None:
    """Links this machine's installed copy of each top-level module into `into`."""
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"{name} is not installed here")
        origin = Path(spec.origin)
        source = origin.parent if spec.submodule_search_locations else origin
        (into / source.name).symlink_to(source, target_is_directory=source.is_dir())


@dataclass(frozen=True)
class ArtifactView:
    """An artifact as the Lambda runtime sees it: the artifact, then what the runtime provides (boto3, botocore and
    their needs), and no site-packages of ours (-S). Nothing writes bytecode (Lambda's code directory is read-only).

    On a machine of another architecture the artifact's compiled extensions cannot load: this machine's builds of those
    packages (`foreign`) go first on the path, and the artifact's own copies of their Python files are the ones checked."""

    artifact: Path
    native: Path
    runtime: Path
    foreign: frozenset[str]

    def interpreter(self, *first: Path) -> Interpreter:
        environment = {**_bench_environment(), "PYTHONDONTWRITEBYTECODE": "1"}
        return Interpreter((*first, self.native, self.artifact, self.runtime), environment, flags=("-S",))

    def shipped(self, loaded: Path) -> Path | None:
        """The artifact's file for a loaded file, or None for one the artifact does not ship (the standard library)."""
        if loaded.is_relative_to(self.native):
            return self.artifact / loaded.relative_to(self.native)
        return loaded if loaded.is_relative_to(self.artifact) else None

    def bytecode_coverage(self, module: str) -> BytecodeCoverage:
        """Of the artifact's modules that importing `module` loads, those with bytecode for the template's runtime."""
        loaded = self.interpreter().loaded_files(module)
        shipped = [path for path in map(self.shipped, loaded) if path is not None]
        return bytecode_coverage(shipped, runtime_cache_tag(), relative_to=self.artifact)


@contextmanager
def artifact_view(artifact: Path) -> Iterator[ArtifactView]:
    with tempfile.TemporaryDirectory(prefix="noask-artifact-view-") as scratch:
        native, runtime = Path(scratch, "native"), Path(scratch, "runtime")
        native.mkdir()
        runtime.mkdir()
        foreign = _foreign_extensions(artifact)
        _link_installed(sorted(foreign), native)
        _link_installed(RUNTIME_PROVIDED, runtime)
        yield ArtifactView(artifact, native, runtime, frozenset(foreign))


def built_artifact_imports(artifact: Path) -> list[Figure]:
    """The built handler's cold import vs the hello world, both on the artifact's libraries and bytecode only."""
    cache_tag = runtime_cache_tag()
    with artifact_view(artifact) as view, tempfile.TemporaryDirectory(prefix="noask-bench-hello-") as hello:
        Path(hello, "hello_world_app.py").write_text(HELLO_WORLD, encoding="utf-8")
        compileall.compile_dir(hello, quiet=1)
        coverage = view.bytecode_coverage(API_HANDLER)
        times = median_import_seconds(
            {API_HANDLER: view.interpreter(view.native), "hello_world_app": view.interpreter(Path(hello))}
        )
    substituted = (
        f"; this machine's builds of {', '.join(sorted(view.foreign))} stand in for the arm64 ones" if view.foreign else ""
    )
    return [
        Figure(
            "Modules a cold start loads with bytecode in the artifact (DraftApiFunction)",
            coverage.with_bytecode,
            "modules",
            baseline_name="modules loaded from the artifact",
            baseline=coverage.modules,
            note=coverage.describe(cache_tag),
        ),
        Figure(
            "Cold import of DraftApiFunction's handler, built artifact",
            times[API_HANDLER].wall * 1000,
            "ms",
            baseline_name="Powertools hello world on the artifact",
            baseline=times["hello_world_app"].wall * 1000,
            note=f"median of {RUNS} fresh interpreters, import only, {cpu_ratio(times, API_HANDLER, 'hello_world_app')}, "
            "no bytecode written, "
            f"{'all' if not coverage.without else f'{coverage.with_bytecode} of {coverage.modules}'} modules loaded "
            f"from the artifact with its bytecode{substituted}",
        ),
    ]
