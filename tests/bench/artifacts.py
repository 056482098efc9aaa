"""Deployed artifact size per function, unzipped and zipped, against Lambda's limits.

Always from a fresh `sam build` (from .venv-sam) into a temporary directory: a build left in .aws-sam may be
older than the sources, and its size would describe code that no longer exists.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from shared.local.dynamodb import TEMPLATE_PATH, load_template
from tests.bench.figures import Figure
from tests.bench.imports import built_artifact_imports

REPO_ROOT = TEMPLATE_PATH.parent
SAM = REPO_ROOT / ".venv-sam" / "bin" / "sam"
SAM_BUILD_SECONDS = 600
MB = 1024 * 1024
# Lambda's quotas for a .zip deployment package.
UNZIPPED_LIMIT_MB = 250
ZIPPED_UPLOAD_LIMIT_MB = 50


def function_names() -> list[str]:
    resources = load_template().get("Resources", {})
    return sorted(name for name, resource in resources.items() if resource.get("Type") == "AWS::Serverless::Function")


def directory_bytes(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file() and not file.is_symlink())


def zipped_bytes(path: Path) -> int:
    """The size of the directory as a deflated .zip, the way `sam deploy` packages it."""
    with tempfile.TemporaryFile() as scratch:
        with zipfile.ZipFile(scratch, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(path.rglob("*")):
                if file.is_file() and not file.is_symlink():
                    archive.write(file, file.relative_to(path))
        return scratch.tell()


def _sizes(build_dir: Path, origin: str) -> list[Figure]:
    figures = []
    for name in function_names():
        artifact = build_dir / name
        if not artifact.is_dir():
            continue
        figures.append(
            Figure(
                f"Artifact size, {name} (unzipped)",
                directory_bytes(artifact) / MB,
                "MB",
                baseline_name="Lambda limit",
                baseline=UNZIPPED_LIMIT_MB,
                note=origin,
            )
        )
        figures.append(
            Figure(
                f"Artifact size, {name} (zipped)",
                zipped_bytes(artifact) / MB,
                "MB",
                baseline_name="direct upload limit",
                baseline=ZIPPED_UPLOAD_LIMIT_MB,
                note=origin,
            )
        )
    return figures


def artifact_sizes() -> tuple[list[Figure], str | None]:
    """(figures, reason when none could be measured)."""
    if not SAM.is_file():
        return [], "artifact sizes: no .venv-sam/bin/sam (run `make build` once to install it)"
    with tempfile.TemporaryDirectory(prefix="noask-bench-build-") as scratch:
        environment = {**os.environ, "PATH": f"{SAM.parent}{os.pathsep}{os.environ.get('PATH', '')}", "SAM_CLI_TELEMETRY": "0"}
        completed = subprocess.run(
            [str(SAM), "build", "--template", str(TEMPLATE_PATH), "--build-dir", scratch],
            cwd=REPO_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=SAM_BUILD_SECONDS,
            check=False,
        )
        if completed.returncode != 0:
            return [], f"artifact sizes: sam build failed: {completed.stderr.strip().splitlines()[-1:]}"
        built = datetime.now(UTC)
        sizes = _sizes(Path(scratch), f"fresh sam build, {built:%Y-%m-%d %H:%M} UTC")
        return sizes + built_artifact_imports(Path(scratch) / "DraftApiFunction"), None
