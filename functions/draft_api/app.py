"""DraftApiFunction: the web form, and the drafts, checks and profile API, behind one HTTP API.

Thin by design: routes parse and answer; the use cases, history store and idempotency store reach
them through dependency providers (functions/dependencies.py), built on first use, never at import,
and replaced in tests with `app.dependency_overrides`. The API's routes (their modules, request and
response models, and Powertools' request validation) load on the first request for one of them or for
the OpenAPI document: the page, a browser's first request, needs none of them.
"""

import importlib
import threading
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Depends, Response, content_types
from aws_lambda_powertools.logging import correlation_paths

from functions import dependencies
from functions.draft_api.errors import register_error_handlers
from functions.draft_api.gate import reject_early
from functions.observability import apply_settings, logger, metrics, tracer
from shared.composition import Settings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from aws_lambda_powertools.event_handler.openapi.models import OpenAPI
    from aws_lambda_powertools.utilities.typing import LambdaContext

API_TITLE = "noask"
API_VERSION = "1.0.0"
# The only routes without API Gateway's JWT authorizer (template.yaml: Auth: Authorizer: NONE).
PUBLIC_ROUTES = frozenset({("GET", "/"), ("GET", "/openapi.json")})
PAGE_ROUTE = ("GET", "/")
# The modules whose `router` holds the API's routes.
API_ROUTERS = ("functions.draft_api.drafts", "functions.draft_api.checks", "functions.draft_api.profile")


class DraftApiResolver(APIGatewayHttpResolver):
    """The HTTP API's resolver, which includes the API's routers when a request or the OpenAPI document first needs
    them, each once (a lock keeps two threads of a test or a local server from including one twice)."""

    def __init__(self) -> None:
        # Every route validates but the page and the spec, which take no input. Made without validation, then switched
        # on: Powertools' constructor would import its validation (its OpenAPI machinery) at once, whereas a validating
        # route builds it on its first call. tests/contract/test_cold_imports.py checks that the API routes validate.
        super().__init__(enable_validation=False)
        self._enable_validation = True
        self._api_routes_lock = threading.Lock()
        self._included_routers: set[str] = set()

    def include_api_routes(self) -> None:
        if len(self._included_routers) == len(API_ROUTERS):
            return  # every request after the first: nothing to take the lock for
        # Each router once, even after a failed import of another: a route registered twice would be matched twice.
        with self._api_routes_lock:
            for module in API_ROUTERS:
                if module not in self._included_routers:
                    self.include_router(importlib.import_module(module).router)
                    self._included_routers.add(module)

    def resolve(self, event: "Mapping[str, Any]", context: "LambdaContext") -> dict[str, Any]:
        method = str(((event.get("requestContext") or {}).get("http") or {}).get("method", "")).upper()
        if (method, event.get("rawPath")) != PAGE_ROUTE:
            self.include_api_routes()
        return super().resolve(event, context)

    def get_openapi_schema(self, **options: Any) -> "OpenAPI":
        self.include_api_routes()
        return super().get_openapi_schema(**options)


app = DraftApiResolver()
register_error_handlers(app)


@app.get("/", include_in_schema=False, enable_validation=False)
def web_form(config: Annotated[Settings, Depends(dependencies.settings)]) -> Response[str]:
    # Imported here: the page's rendering is this route's alone; an API request never loads it.
    from functions.draft_api import web

    page = web.page(config)
    return Response(status_code=200, content_type="text/html; charset=utf-8", body=page.html, headers=page.headers)


@app.get("/openapi.json", include_in_schema=False, enable_validation=False)
def openapi_spec() -> Response[str]:
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_json())


@cache
def openapi_json() -> str:
    """The spec of every route but the page and the spec itself; served as is, no CDN-hosted viewer."""
    # Imported here: Powertools' OpenAPI models take a noticeable share of a cold start, and only this route needs them.
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    return app.get_openapi_json_schema(
        title=API_TITLE,
        version=API_VERSION,
        description="Drafts no-ask networking messages: a genuine shared interest from the bio, your pitch, and no request.",
        security_schemes={"cognito": HTTPBearer(bearerFormat="JWT", description="A Cognito ID token for the user pool.")},
        security=[{"cognito": []}],
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: "LambdaContext") -> dict[str, Any]:
    apply_settings()
    return _not_cached(reject_early(event, public_routes=PUBLIC_ROUTES) or app.resolve(event, context))


def _not_cached(response: dict[str, Any]) -> dict[str, Any]:
    """Answers are one user's drafts, profile and addresses: no browser or proxy keeps a copy (the page, which
    sets its own rule, keeps it)."""
    headers = response.setdefault("headers", {})
    if not any(name.lower() == "cache-control" for name in headers):
        headers["Cache-Control"] = "no-store"
    return response
