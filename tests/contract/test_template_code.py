"""template.yaml ↔ code: every handler imports, and every variable the code reads is declared for its function."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.contract.template_support import REPO, FunctionSpec, functions, local_environment, template

# Set by the Lambda runtime itself; a template may not declare them.
LAMBDA_RUNTIME_VARIABLES = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_ACCESS_KEY_ID",
        "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_LAMBDA_RUNTIME_API",
        "AWS_REGION",
        "AWS_SAM_LOCAL",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "LAMBDA_RUNTIME_DIR",
        "LAMBDA_TASK_ROOT",
        "TZ",
    }
)
COMPOSITION = REPO / "shared" / "composition.py"
FUNCTIONS = functions()


def environment_names_read(source: str) -> set[str]:
    """Names of environment variables a module reads: os.environ[...] / .get(...), os.getenv(...),
    and pydantic settings fields declared with Field(alias="NAME")."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            names.update(_constant_strings([node.slice]))
        elif isinstance(node, ast.Call):
            function = node.func
            if (
                isinstance(function, ast.Attribute)
                and function.attr in {"get", "pop", "setdefault"}
                and _is_environ(function.value)
            ) or _name_of(function) in {"getenv", "os.getenv"}:
                names.update(_constant_strings(node.args[:1]))
            elif _name_of(function) in {"Field", "pydantic.Field"}:
                names.update(_constant_strings([keyword.value for keyword in node.keywords if keyword.arg == "alias"]))
        elif isinstance(node, ast.Compare) and any(_is_environ(comparator) for comparator in node.comparators):
            names.update(_constant_strings([node.left]))
    return names


def _name_of(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name_of(node.value)}.{node.attr}"
    return ""


def _is_environ(node: ast.expr) -> bool:
    return _name_of(node) in {"environ", "os.environ"}


def _constant_strings(nodes: list[ast.expr]) -> set[str]:
    return {node.value for node in nodes if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def sources_read_by(spec: FunctionSpec) -> list[Path]:
    """The composition root (every function carries it) and the function's own handler folder."""
    handler_sources = sorted(spec.handler_package_dir.rglob("*.py")) if spec.handler_package_dir.is_dir() else []
    return [COMPOSITION, *handler_sources] if COMPOSITION.is_file() else handler_sources


def test_the_scanner_finds_every_way_of_reading_the_environment() -> None:
    source = """
import os
from os import environ, getenv
from pydantic import Field
a = os.environ["A"]
b = os.environ.get("B", "x")
c = os.getenv("C")
d = environ.get("D")
e = getenv("E")
f: str = Field(default="x", alias="F")
g = "G" in os.environ
h = {"H": 1}.get("NOT_AN_ENV_VAR")
"""
    assert environment_names_read(source) == {"A", "B", "C", "D", "E", "F", "G"}


def test_the_template_defines_the_two_functions() -> None:
    assert {spec.logical_id for spec in FUNCTIONS} == {"DraftApiFunction", "InboundEmailFunction"}


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.logical_id)
def test_every_variable_the_code_reads_is_declared_for_the_function(spec: FunctionSpec) -> None:
    sources = sources_read_by(spec)
    if not sources:
        pytest.skip(f"neither {COMPOSITION.relative_to(REPO)} nor {spec.handler_package_dir.relative_to(REPO)} exists yet")
    read = {name: path for path in sources for name in environment_names_read(path.read_text(encoding="utf-8"))}

    declared = spec.environment | LAMBDA_RUNTIME_VARIABLES
    undeclared = {name: str(path.relative_to(REPO)) for name, path in read.items() if name not in declared}
    assert undeclared == {}, f"read by the code but not declared for {spec.logical_id} in template.yaml"


def test_the_composition_root_reads_the_documented_variables() -> None:
    if not COMPOSITION.is_file():
        pytest.skip("shared/composition.py does not exist yet")
    read = environment_names_read(COMPOSITION.read_text(encoding="utf-8"))
    # If this fails the scanner lost track of how the composition root reads its settings.
    assert {"NOASK_MODEL", "NOASK_HISTORY_TABLE", "NOASK_DYNAMODB_ENDPOINT"} <= read


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.logical_id)
def test_every_handler_imports_and_is_callable(spec: FunctionSpec) -> None:
    if not spec.module_file.is_file():
        pytest.skip(f"{spec.module_file.relative_to(REPO)} does not exist yet")
    # A fresh interpreter with only the code directory on the path, as Lambda imports it from /var/task.
    check = (
        "import importlib, sys; handler = getattr(importlib.import_module(sys.argv[1]), sys.argv[2]); assert callable(handler)"
    )
    environment = local_environment(spec, {"PYTHONPATH": str(spec.code_dir), "PATH": os.environ.get("PATH", "")})
    result = subprocess.run(
        [sys.executable, "-c", check, spec.module, spec.attribute],
        cwd=spec.code_dir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{spec.module}.{spec.attribute} does not import:\n{result.stderr}"


def template_routes(logical_id: str) -> dict[str, bool]:
    """ "METHOD /path" of every HttpApi event of the function, mapped to whether it needs the JWT authorizer."""
    events = template()["Resources"][logical_id]["Properties"].get("Events", {})
    return {
        f"{event['Properties']['Method'].upper()} {event['Properties']['Path']}": event["Properties"]
        .get("Auth", {})
        .get("Authorizer")
        != "NONE"
        for event in events.values()
        if event["Type"] == "HttpApi"
    }


def test_the_api_serves_exactly_the_routes_the_template_routes_to_it() -> None:
    spec = next(spec for spec in FUNCTIONS if spec.logical_id == "DraftApiFunction")
    if not spec.module_file.is_file():
        pytest.skip(f"{spec.module_file.relative_to(REPO)} does not exist yet")
    # The OpenAPI schema lists every API route; the page and the spec itself are left out of it on purpose.
    listing = (
        "import importlib, json, sys\n"
        "app = importlib.import_module(sys.argv[1]).app\n"
        "paths = app.get_openapi_schema().paths or {}\n"
        "print(json.dumps(sorted(f'{method.upper()} {path}' for path, item in paths.items()"
        " for method in ('get', 'put', 'post', 'delete', 'patch') if getattr(item, method, None))))\n"
    )
    environment = local_environment(spec, {"PYTHONPATH": str(spec.code_dir), "PATH": os.environ.get("PATH", "")})
    result = subprocess.run(
        [sys.executable, "-c", listing, spec.module],
        cwd=spec.code_dir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    routes = template_routes(spec.logical_id)

    assert set(json.loads(result.stdout)) == {route for route, authorised in routes.items() if authorised}
    assert {route for route, authorised in routes.items() if not authorised} == {"GET /", "GET /openapi.json"}
