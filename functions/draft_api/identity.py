"""Who is calling: the `sub` claim that API Gateway's JWT authorizer verified. There is no other way in."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Request

from functions.draft_api.errors import ApiError
from functions.draft_api.telemetry import logger

MAX_SUB_CHARS = 128
UNAUTHENTICATED = ApiError(HTTPStatus.UNAUTHORIZED, "unauthenticated", "Sign in first: this request carries no user identity.")


def claimed_user(event: Mapping[str, Any]) -> str | None:
    """The `sub` claim of an HTTP API v2 event (requestContext.authorizer.jwt.claims.sub), or None."""
    context = event.get("requestContext") or {}
    claims = ((context.get("authorizer") or {}).get("jwt") or {}).get("claims") or {}
    sub = claims.get("sub")
    return sub if isinstance(sub, str) and sub.strip() and len(sub) <= MAX_SUB_CHARS else None


def caller_id(request: Request) -> str:
    """The caller's user id, for use as `Annotated[str, Depends(caller_id)]`; 401 when the event carries none."""
    sub = claimed_user(request.resolved_event.raw_event)
    if sub is None:
        raise UNAUTHENTICATED
    logger.append_keys(user_id=sub)
    return sub
