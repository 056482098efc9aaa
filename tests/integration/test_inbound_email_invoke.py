"""`noask invoke InboundEmailFunction -e events/inbound_email/<name>.json`: the sample events run locally,
against moto's S3 and SES and DynamoDB Local, and print the reply SES would have sent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shared.local.invoke import local_dynamodb_overrides
from tests.support.emails import EVENTS_DIR

pytestmark = pytest.mark.integration

NOASK = Path(sys.executable).with_name("noask")


@pytest.fixture(scope="module")
def env_vars_file(dynamodb_local: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    no_model = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "OPENAI_API_KEY_SECRET_NAME": ""}
    path = tmp_path_factory.mktemp("invoke-email") / "env.json"
    path.write_text(json.dumps({"Parameters": {**local_dynamodb_overrides(dynamodb_local), **no_model}}))
    return path


def noask_invoke(event_name: str, env_vars: Path) -> tuple[dict[str, Any], str]:
    completed = subprocess.run(
        [str(NOASK), "invoke", "InboundEmailFunction", "-e", str(EVENTS_DIR / f"{event_name}.json"), "--env-vars", str(env_vars)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result: dict[str, Any] = json.loads(completed.stdout)
    return result, completed.stderr


def test_a_forward_sample_runs_and_prints_the_reply(env_vars_file: Path) -> None:
    result, logs = noask_invoke("thunderbird_forward_fr", env_vars_file)

    [outcome] = result["outcomes"]
    assert outcome["status"] == "replied"
    assert "moto SES captured 1 reply(ies)" in logs
    assert "To: alex.kim@fabrikam.example" in logs
    assert "----- draft -----" in logs


def test_an_auto_reply_sample_is_dropped_and_nothing_is_sent(env_vars_file: Path) -> None:
    result, logs = noask_invoke("auto_reply", env_vars_file)

    assert result["outcomes"][0]["reason"] == "auto_submitted"
    assert "moto SES captured 0 reply(ies)" in logs
