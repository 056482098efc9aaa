"""Who is calling: the claims that API Gateway's JWT authorizer verified. There is no other way in."""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Request

from functions.draft_api.errors import ApiError
from functions.observability import logger

MAX_SUB_CHARS = 128
UNAUTHENTICATED = ApiError(HTTPStatus.UNAUTHORIZED, "unauthenticated", "Sign in first: this request carries no user identity.")


def _claims(event: Mapping[str, Any]) -> Mapping[str, Any]:
    context = event.get("requestContext") or {}
    claims = ((context.get("authorizer") or {}).get("jwt") or {}).get("claims") or {}
    return claims if isinstance(claims, Mapping) else {}


def claimed_user(event: Mapping[str, Any]) -> str | None:
    """The `sub` claim of an HTTP API v2 event (requestContext.authorizer.jwt.claims.sub), or None."""
    sub = _claims(event).get("sub")
    return sub if isinstance(sub, str) and sub.strip() and len(sub) <= MAX_SUB_CHARS else None


def caller_id(request: Request) -> str:
    """The caller's user id, for use as `Annotated[str, Depends(caller_id)]`; 401 when the event carries none."""
    sub = claimed_user(request.resolved_event.raw_event)
    if sub is None:
        raise UNAUTHENTICATED
    logger.append_keys(user_id=sub)
    return sub


def verified_email(request: Request) -> str | None:
    """The caller's email when their ID token says Cognito verified it (`email_verified`), else None.

    The authorizer passes claims as strings ("true"); a boolean is accepted too. Access tokens carry no email."""
    claims = _claims(request.resolved_event.raw_event)
    email, verified = claims.get("email"), claims.get("email_verified")
    if not isinstance(email, str) or not email.strip() or verified not in (True, "true"):
        return None
    return email.strip().lower()
