"""The template passes AWS's own tools, and `sam build` produces an artifact with runtime code only.

These use aws-sam-cli from its own venv: NOASK_SAM_BIN (set by `make pytest`), else .venv-sam/bin/sam.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.bench.imports import artifact_view
from tests.contract.template_support import REPO, functions

# Never to be found in a deployed function: tests, local tooling, environments, caches of the checkout.
FORBIDDEN_IN_ARTIFACT = (
    "tests",
    "events",
    "docs",
    ".venv",
    ".venv-sam",
    "node_modules",
    ".local",
    ".git",
    "shared/local",
    "shared/cli.py",
)


def sam_binary() -> Path:
    configured = os.environ.get("NOASK_SAM_BIN")
    if configured:
        # Set by the Makefile: a missing binary there is a broken setup, not a reason to skip.
        assert Path(configured).is_file(), f"NOASK_SAM_BIN={configured} does not exist"
        return Path(configured)
    default = REPO / ".venv-sam" / "bin" / "sam"
    if not default.is_file():
        pytest.skip("aws-sam-cli is not installed: run `make .venv-sam/.installed` (make test does)")
    return default


def run_tool(command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    tool_dir = str(Path(command[0]).parent)
    # The sam venv first on PATH (cfn-lint for --lint); SAM's usage telemetry off: we talk to nothing but 127.0.0.1.
    environment = {**os.environ, "PATH": f"{tool_dir}{os.pathsep}{os.environ.get('PATH', '')}", "SAM_CLI_TELEMETRY": "0"}
    return subprocess.run(command, cwd=REPO, env=environment, capture_output=True, text=True, timeout=timeout)


def test_sam_validate_lint_and_cfn_lint_pass() -> None:
    sam = sam_binary()

    validated = run_tool([str(sam), "validate", "--lint", "--region", "us-east-1"], timeout=180)
    assert validated.returncode == 0, validated.stdout + validated.stderr

    linted = run_tool([str(sam.parent / "cfn-lint"), "template.yaml"], timeout=180)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_sam_build_makes_runtime_only_artifacts(tmp_path: Path) -> None:
    sam = sam_binary()
    build_dir = tmp_path / "build"

    built = run_tool([str(sam), "build", "--build-dir", str(build_dir), "--template-file", "template.yaml"], timeout=900)
    assert built.returncode == 0, built.stdout + built.stderr

    for spec in functions():
        artifact = build_dir / spec.logical_id
        present = [name for name in FORBIDDEN_IN_ARTIFACT if (artifact / name).exists()]
        assert present == [], f"{spec.logical_id}'s artifact holds {present}"
        our_tests = [path for folder in ("functions", "shared") for path in (artifact / folder).rglob("test_*.py")]
        assert our_tests == [], f"{spec.logical_id}'s artifact holds test modules"
        assert list((artifact / "prompts").glob("*.j2")), f"{spec.logical_id}'s artifact has no prompts"
        assert (artifact / "shared" / "composition.py").is_file()
        if spec.module_file.is_file():
            assert (artifact / spec.module_file.relative_to(spec.code_dir)).is_file(), f"{spec.logical_id}'s handler is missing"
        # Dependencies are the Lambda's own: arm64 wheels, not this machine's.
        native = [path.name for path in artifact.glob("pydantic_core/*.so")]
        assert native, "pydantic_core has no compiled module"
        assert all("aarch64" in name for name in native), native
        # boto3 and botocore come from the runtime as a matched pair.
        assert not (artifact / "botocore").exists()
        # Nor the packages only botocore needed: they would shadow the runtime's copies.
        for leftover in ("urllib3", "dateutil", "six.py"):
            assert not (artifact / leftover).exists(), leftover
        # emoji's English data stays; its names in other languages (read by nothing of ours) do not ship.
        assert (artifact / "emoji" / "unicode_codes" / "emoji.json").is_file()
        assert not list((artifact / "emoji" / "unicode_codes").glob("emoji_*.json"))
        assert not list(artifact.rglob("*.pyi")), "type stubs in the artifact"
        # Bytecode for what a cold start imports (the code directory is read-only), not for what it never loads.
        assert (artifact / "functions" / "draft_api" / "__pycache__").is_dir()
        assert list((artifact / "openai" / "__pycache__").glob("_client.cpython-311.pyc"))
        assert not list((artifact / "openai" / "types" / "beta").rglob("*.pyc")), "bytecode for modules no draft imports"
        with artifact_view(artifact) as view:
            assert view.bytecode_coverage(spec.module).without == (), f"{spec.logical_id} compiles at every cold start"
