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
from typing import Any

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
    # The page's rendering: its route loads it.
    "functions.draft_api.web",
    # Request validation: built when a validating route is first called.
    "aws_lambda_powertools.event_handler.middlewares.openapi_validation",
    "aws_lambda_powertools.event_handler.openapi.compat",
    "aws_lambda_powertools.event_handler.openapi.params",
)
HANDLERS = ("functions.draft_api.app", "functions.inbound_email.app")
API_ROUTE_MODULES = ("functions.draft_api.drafts", "functions.draft_api.checks", "functions.draft_api.profile")
# Besides the API's routes, what the page does not need: request validation (Powertools' OpenAPI machinery) and the API's
# models; the first call of a validating route loads them.
PAGE_DEFERRED = (
    "shared.api_models",
    "shared.text",
    "aws_lambda_powertools.event_handler.middlewares.openapi_validation",
    "aws_lambda_powertools.event_handler.openapi.compat",
    "aws_lambda_powertools.event_handler.openapi.params",
)

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


# Requests, in order, through the handler as API Gateway calls it (argv: a JSON list of [method, path, body or null]);
# prints, for each, its status, its error code if any, the modules loaded after it, and the paths of a served spec.
_REQUESTS = """
import json, sys
from functions.draft_api.app import handler
from shared.local.invoke import LambdaContext
from shared.local.server import http_api_event

replies = []
for method, path, body in json.loads(sys.argv[1]):
    event = http_api_event(
        method, path, headers={"content-type": "application/json"}, body=body, claims=None if body is None else {"sub": "u1"}
    )
    reply = handler(event, LambdaContext("DraftApiFunction", 1024, 29))
    document = json.loads(reply["body"]) if path != "/" else {}
    replies.append({
        "status": reply["statusCode"],
        "code": document.get("error", {}).get("code"),
        "paths": sorted(document.get("paths", {})),
        "modules": sorted(sys.modules),
    })
print(json.dumps(replies))
"""
PAGE = ("GET", "/", None)
SPEC = ("GET", "/openapi.json", None)
# A check of an empty message: refused by the request's validation, before any dependency is built.
EMPTY_CHECK = ("POST", "/checks", json.dumps({"text": ""}))


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
def replies(*requests: tuple[str, str, str | None]) -> list[dict[str, Any]]:
    """What a fresh API handler answered to each request, and the modules it held after each."""
    answered: list[dict[str, Any]] = json.loads(_run(_REQUESTS, json.dumps(requests)))
    return answered


@pytest.mark.parametrize(("handler", "deferred"), [(handler, name) for handler in HANDLERS for name in DEFERRED])
def test_importing_the_handler_defers(handler: str, deferred: str) -> None:
    loaded = after_import(handler)["modules"]
    assert not {name for name in loaded if name == deferred or name.startswith(deferred + ".")}


@pytest.mark.parametrize("handler", HANDLERS)
def test_importing_the_handler_builds_no_model_schema(handler: str) -> None:
    # Our models are declared with defer_build: a route builds the validators of the models it uses, when first called.
    assert after_import(handler)["built_models"] == []


@pytest.mark.parametrize("deferred", [*API_ROUTE_MODULES, *PAGE_DEFERRED])
def test_serving_the_page_loads_none_of_the_api_routes_nor_validation(deferred: str) -> None:
    page = replies(PAGE)[0]
    assert page["status"] == 200
    assert not {name for name in page["modules"] if name == deferred or name.startswith(deferred + ".")}


def test_the_openapi_document_includes_the_api_routes_on_first_use() -> None:
    spec = replies(PAGE, SPEC)[-1]
    assert spec["status"] == 200
    assert set(API_ROUTE_MODULES) <= set(spec["modules"])
    assert {"/drafts", "/drafts/{id}", "/checks", "/profile", "/profile/addresses"} <= set(spec["paths"])


@pytest.mark.parametrize("requests", [(EMPTY_CHECK,), (PAGE, EMPTY_CHECK), (PAGE, SPEC, EMPTY_CHECK)])
def test_the_api_routes_validate_whatever_came_first(requests: tuple[tuple[str, str, str | None], ...]) -> None:
    check = replies(*requests)[-1]
    assert (check["status"], check["code"]) == (422, "validation_error")


def test_each_api_route_is_registered_once_however_often_the_routes_are_asked_for() -> None:
    from functions.draft_api.app import app

    def registered() -> list[tuple[str, str]]:
        return sorted((route.method, route.rule.pattern) for route in app._static_routes + app._dynamic_routes)

    app.include_api_routes()
    routes = registered()
    app.include_api_routes()
    app.get_openapi_schema()

    assert registered() == routes
    assert len(set(routes)) == len(routes) > 2


def test_an_api_request_loads_nothing_of_the_page() -> None:
    check = replies(EMPTY_CHECK)[-1]
    assert not {name for name in check["modules"] if name == "functions.draft_api.web" or name.startswith("jinja2")}
