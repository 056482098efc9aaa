"""Every sample event, and one `sam local generate-event` makes now, runs through `noask invoke` without error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from shared.local.dynamodb import TEMPLATE_PATH
from shared.local.invoke import local_dynamodb_overrides

pytestmark = pytest.mark.integration

EVENTS_DIR = TEMPLATE_PATH.parent / "events" / "draft_api"
NOASK = Path(sys.executable).with_name("noask")
# What each sample should answer on a fresh user (get_profile depends on whether put_profile ran first).
EXPECTED_STATUS = {
    "get_web_form": 200,
    "get_openapi": 200,
    "post_drafts": 201,
    "get_drafts": 200,
    "get_draft": 404,
    "delete_draft": 404,
    "post_checks": 200,
    "put_profile": 200,
    # The signed-in user's own verified email: verified at once, no code mailed.
    "post_profile_addresses": 201,
    # An address nobody claimed: no code is waiting, nothing to remove.
    "post_profile_address_verify": 404,
    "delete_profile_address": 404,
}
SAMPLE_EVENTS = sorted(EVENTS_DIR.glob("*.json"))


@pytest.fixture(scope="module")
def env_vars_file(dynamodb_local: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """--env-vars in SAM's format: DynamoDB Local, and no model, whatever the developer's shell holds."""
    no_model = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "OPENAI_API_KEY_SECRET_NAME": ""}
    path = tmp_path_factory.mktemp("invoke") / "env.json"
    path.write_text(json.dumps({"Parameters": {**local_dynamodb_overrides(dynamodb_local), **no_model}}))
    return path


def noask_invoke(event_path: Path, env_vars: Path) -> dict[str, Any]:
    completed = subprocess.run(
        [str(NOASK), "invoke", "DraftApiFunction", "-e", str(event_path), "--env-vars", str(env_vars)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


@pytest.fixture(scope="module")
def sample_results(env_vars_file: Path) -> dict[str, dict[str, Any]]:
    """Every sample through its own `noask invoke` process, a few at a time (each process starts Python afresh)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda path: noask_invoke(path, env_vars_file), SAMPLE_EVENTS)
        return {path.stem: result for path, result in zip(SAMPLE_EVENTS, results, strict=True)}


def test_there_is_a_sample_event_for_every_route() -> None:
    assert {path.stem for path in SAMPLE_EVENTS} >= set(EXPECTED_STATUS) | {"get_profile"}


@pytest.mark.parametrize("name", [path.stem for path in SAMPLE_EVENTS])
def test_sample_event_runs_through_noask_invoke(name: str, sample_results: dict[str, dict[str, Any]]) -> None:
    result = sample_results[name]
    status = result["statusCode"]
    assert status == EXPECTED_STATUS.get(name, status)
    assert status < 500
    if "application/json" in result["headers"].get("Content-Type", "") and result.get("body"):
        json.loads(result["body"])


@pytest.mark.parametrize(
    ("options", "status"),
    [
        # As generated: its claims carry no `sub` (and its route is not ours), so a clean 401, not a crash.
        ([], 401),
        # Pointed at a public route, it is answered in full.
        (["--method", "GET", "--path", "openapi.json"], 200),
    ],
)
def test_a_freshly_generated_sam_event_runs_through_noask_invoke(
    options: list[str], status: int, env_vars_file: Path, tmp_path: Path
) -> None:
    sam = os.environ.get("NOASK_SAM_BIN") or shutil.which("sam") or str(TEMPLATE_PATH.parent / ".venv-sam" / "bin" / "sam")
    if not Path(sam).is_file():
        pytest.skip("aws-sam-cli is not installed (make .venv-sam/.installed)")
    generated = subprocess.run(
        [sam, "local", "generate-event", "apigateway", "http-api-proxy", *options],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
    )
    event_path = tmp_path / "generated.json"
    event_path.write_text(generated.stdout)
    result = noask_invoke(event_path, env_vars_file)
    assert result["statusCode"] == status
    json.loads(result["body"])
