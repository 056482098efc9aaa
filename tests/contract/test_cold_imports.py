"""Importing a handler loads only what every request needs: the drafting service, its composer and guardrails,
the lexicons, the pattern engines, jinja2 (the page's template), openai and boto3 wait for the route that uses
them (a shorter cold start), and no request or response model of ours has built its schema yet.

The API's routes, with their request and response models, load with the first request for one of them or for the
OpenAPI document: the page, a browser's first request, loads none of them."""

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
    # Text normalisation runs when a model validates a request, not when the models are defined.
    "shared.text",
    # The API's routes and their models (errors.py builds its envelope on the first refusal).
    "shared.api_models",
    "functions.draft_api.drafts",
    "functions.draft_api.checks",
    "functions.draft_api.profile",
    "functions.draft_api.validation_messages",
    "aws_lambda_powertools.event_handler.router",
    "aws_lambda_powertools.event_handler.openapi.models",
)
HANDLERS = ("functions.draft_api.app", "functions.inbound_email.app")
API_ROUTE_MODULES = ("functions.draft_api.drafts", "functions.draft_api.checks", "functions.draft_api.profile")

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


# The page, then the OpenAPI document, through the handler as API Gateway calls it.
_PAGE_THEN_SPEC = """
import json, sys
from functions.draft_api.app import handler
from shared.local.invoke import LambdaContext
from shared.local.server import http_api_event

def get(path):
    reply = handler(http_api_event("GET", path, claims=None), LambdaContext("DraftApiFunction", 1024, 29))
    assert reply["statusCode"] == 200, reply
    return reply["body"]

get("/")
after_page = sorted(sys.modules)
spec = json.loads(get("/openapi.json"))
print(json.dumps({"after_page": after_page, "after_spec": sorted(sys.modules), "paths": sorted(spec["paths"])}))
"""


def _run(code: str, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(REPO), "POWERTOOLS_SERVICE_NAME": "noask", "POWERTOOLS_METRICS_NAMESPACE": "noask"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@cache
def after_import(module: str) -> dict[str, list[str]]:
    """The modules a fresh interpreter holds after importing `module`, and which of our models it built."""
    loaded: dict[str, list[str]] = json.loads(_run(_LOADED, module))
    return loaded


@cache
def page_then_spec() -> dict[str, list[str]]:
    """The modules a fresh API handler holds after serving the page, then after serving the OpenAPI document."""
    loaded: dict[str, list[str]] = json.loads(_run(_PAGE_THEN_SPEC))
    return loaded


@pytest.mark.parametrize(("handler", "deferred"), [(handler, name) for handler in HANDLERS for name in DEFERRED])
def test_importing_the_handler_defers(handler: str, deferred: str) -> None:
    loaded = after_import(handler)["modules"]
    assert not {name for name in loaded if name == deferred or name.startswith(deferred + ".")}


@pytest.mark.parametrize("handler", HANDLERS)
def test_importing_the_handler_builds_no_model_schema(handler: str) -> None:
    # Our models are declared with defer_build: a route builds the validators of the models it uses, when first called.
    assert after_import(handler)["built_models"] == []


@pytest.mark.parametrize("deferred", [*API_ROUTE_MODULES, "shared.api_models", "shared.text"])
def test_serving_the_page_loads_none_of_the_api_routes(deferred: str) -> None:
    assert deferred not in page_then_spec()["after_page"]


def test_the_openapi_document_includes_the_api_routes_on_first_use() -> None:
    loaded = page_then_spec()
    assert set(API_ROUTE_MODULES) <= set(loaded["after_spec"])
    assert {"/drafts", "/drafts/{id}", "/checks", "/profile", "/profile/addresses"} <= set(loaded["paths"])
