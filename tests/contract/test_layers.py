"""The layer rule of docs/CONTRACTS.md, checked rather than trusted.

- core (shared/**/*.py except composition.py, cli.py, adapters/, local/) never imports boto3, botocore
  or openai, and never touches os.environ / os.getenv;
- adapters import boto3 / openai only inside functions (never when their module is imported), and leave
  the environment to the composition root.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
CLOUD_SDKS = frozenset({"boto3", "botocore", "openai"})
OUTSIDE_CORE = frozenset({"composition.py", "cli.py"})
ENVIRONMENT = frozenset({"environ", "environb", "getenv", "putenv", "unsetenv"})


@dataclass(frozen=True)
class Finding:
    line: int
    what: str


def core_modules() -> list[Path]:
    return sorted(
        path
        for path in SHARED.rglob("*.py")
        if path.relative_to(SHARED).parts[0] not in {"adapters", "local"} and path.name not in OUTSIDE_CORE
    )


def adapter_modules() -> list[Path]:
    return sorted((SHARED / "adapters").rglob("*.py"))


def _line(node: ast.AST) -> int:
    return getattr(node, "lineno", 0)


def _imported_roots(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name.split(".")[0] for alias in node.names}
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return {node.module.split(".")[0]}
    return set()


def _touches_environment(node: ast.AST) -> str | None:
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
        and node.attr in ENVIRONMENT
    ):
        return f"os.{node.attr}"
    if isinstance(node, ast.ImportFrom) and node.module == "os":
        names = {alias.name for alias in node.names} & ENVIRONMENT
        if names:
            return f"from os import {', '.join(sorted(names))}"
    return None


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
    )


def core_findings(source: str) -> list[Finding]:
    findings = []
    for node in ast.walk(ast.parse(source)):
        for root in sorted(_imported_roots(node) & CLOUD_SDKS):
            findings.append(Finding(_line(node), f"imports {root}"))
        environment = _touches_environment(node)
        if environment:
            findings.append(Finding(_line(node), f"uses {environment}"))
    return sorted(findings, key=lambda finding: finding.line)


def adapter_findings(source: str) -> list[Finding]:
    """Module-level SDK imports (anything not inside a function body or a TYPE_CHECKING block) and any environment access."""
    findings = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if _is_type_checking_block(node):
            return
        if not in_function:
            for root in sorted(_imported_roots(node) & CLOUD_SDKS):
                findings.append(Finding(_line(node), f"imports {root} at module level"))
        environment = _touches_environment(node)
        if environment:
            findings.append(Finding(_line(node), f"uses {environment}"))
        entering_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            visit(child, in_function or entering_function)

    visit(ast.parse(source), in_function=False)
    return sorted(findings, key=lambda finding: finding.line)


def test_the_checker_flags_what_the_rule_forbids() -> None:
    core = """
import os
import boto3.session
from openai import OpenAI
from botocore.config import Config
value = os.environ["X"]
other = os.getenv("Y")
from os import environ
import shared.history
"""
    assert [finding.what for finding in core_findings(core)] == [
        "imports boto3",
        "imports openai",
        "imports botocore",
        "uses os.environ",
        "uses os.getenv",
        "uses from os import environ",
    ]
    adapter = """
from typing import TYPE_CHECKING
import boto3
if TYPE_CHECKING:
    import openai
class Store:
    def client(self):
        import boto3
        from openai import OpenAI
        return os.environ.get("Z")
"""
    assert [finding.what for finding in adapter_findings(adapter)] == ["imports boto3 at module level", "uses os.environ"]


def test_core_modules_exist() -> None:
    names = {path.name for path in core_modules()}
    assert {"models.py", "history.py", "ports.py"} <= names
    assert names.isdisjoint(OUTSIDE_CORE)


@pytest.mark.parametrize("path", core_modules(), ids=lambda path: str(path.relative_to(SHARED)))
def test_core_module_stays_clear_of_cloud_sdks_and_the_environment(path: Path) -> None:
    assert core_findings(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", adapter_modules(), ids=lambda path: str(path.relative_to(SHARED)))
def test_adapter_imports_cloud_sdks_lazily_and_reads_no_environment(path: Path) -> None:
    assert adapter_findings(path.read_text(encoding="utf-8")) == []


def test_importing_the_core_and_adapters_loads_no_cloud_sdk() -> None:
    """The import-time view of the same rule: it also catches an SDK pulled in through another library."""
    modules = [
        ".".join(("shared", *path.relative_to(SHARED).with_suffix("").parts)).removesuffix(".__init__")
        for path in [*core_modules(), *adapter_modules()]
    ]
    check = (
        "import importlib, sys\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        f"loaded = sorted(root for root in {sorted(CLOUD_SDKS)!r} if root in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", check, *modules], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
