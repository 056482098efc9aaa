"""Importing a handler loads only what every request needs: the drafting service, its composer and guardrails,
the lexicons, the pattern engines, jinja2 (the page's template), openai and boto3 wait for the route that uses
them (a shorter cold start), and no request or response model of ours has built its schema yet."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEFERRED = (
    "openai",
    "boto3",
    "jinja2",
    "shared.service",
    "shared.composer",
    "shared.prompts",
    "shared.guardrails",
    "shared.interests",
    "shared.text.language",
    "shared.text.patterns",
    "shared.adapters",
    "re2",
    "fasttext",
    "fasttext_pybind",
    "aws_lambda_powertools.utilities.idempotency",
    "aws_lambda_powertools.utilities.parameters",
    # The email path's reading of a message and the naming of the bio's person: the first message or draft loads them.
    "shared.email.parsing",
    "shared.email.workflow",
    "shared.email.trust",
    "emailforwardparser",
    "shared.target_name",
)
HANDLERS = ("functions.draft_api.app", "functions.inbound_email.app")

_LOADED = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
from pydantic import BaseModel

def models(base):
    for model in base.__subclasses__():
        yield model
        yield from models(model)

built = sorted(
    f"{model.__module__}.{model.__qualname__}"
    for model in set(models(BaseModel))
    if model.__module__.startswith(("shared.", "functions.")) and model.__pydantic_complete__
)
print(json.dumps({"modules": sorted(sys.modules), "built_models": built}))
"""


@cache
def after_import(module: str) -> dict[str, list[str]]:
    """The modules a fresh interpreter holds after importing `module`, and which of our models it built."""
    result = subprocess.run(
        [sys.executable, "-c", _LOADED, module],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, list[str]] = json.loads(result.stdout)
    return loaded


@pytest.mark.parametrize(("handler", "deferred"), [(handler, name) for handler in HANDLERS for name in DEFERRED])
def test_importing_the_handler_defers(handler: str, deferred: str) -> None:
    loaded = after_import(handler)["modules"]
    assert not {name for name in loaded if name == deferred or name.startswith(deferred + ".")}


@pytest.mark.parametrize("handler", HANDLERS)
def test_importing_the_handler_builds_no_model_schema(handler: str) -> None:
    # Our models are declared with defer_build: a route builds the validators of the models it uses, when first called.
    assert after_import(handler)["built_models"] == []
