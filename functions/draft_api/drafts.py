"""POST /drafts, GET /drafts, GET /drafts/{id}, DELETE /drafts/{id}: a user's drafts and nobody else's."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Depends, Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit

from functions.draft_api.errors import ApiError, documented_errors
from functions.draft_api.identity import caller_id
from functions.draft_api.telemetry import logger, metrics, tracer
from shared import composition
from shared.api_models import DraftPage, DraftView
from shared.history import DraftRecord, new_draft_id, utc_now_iso
from shared.models import DraftRequest

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from aws_lambda_powertools.utilities.typing import LambdaContext

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated

# API Gateway ends every HTTP API integration at 30 s, whatever the function's own timeout.
API_GATEWAY_LIMIT_SECONDS = 29.0
# Kept back from the drafting deadline for the history write, the idempotency record and the response.
RESPONSE_MARGIN_SECONDS = 1.0
# A client retrying with the same Idempotency-Key within a day gets the stored draft back.
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
MAX_IDEMPOTENCY_KEY_CHARS = 128
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 50

_NOT_FOUND = ApiError(HTTPStatus.NOT_FOUND, "not_found", "You have no draft with this id.")
_ERRORS = documented_errors(
    {400: "Malformed JSON or cursor", 401: "No user identity", 404: "No such draft for this user", 422: "A field is invalid"}
)


def draft_deadline(context: LambdaContext) -> float:
    """Absolute time.monotonic() by which the draft must be ready, inside both the Lambda and API Gateway limits."""
    remaining = context.get_remaining_time_in_millis() / 1000
    return time.monotonic() + min(remaining, API_GATEWAY_LIMIT_SECONDS) - RESPONSE_MARGIN_SECONDS


@router.post(
    "/drafts",
    summary="Draft a no-ask message",
    description=(
        "Drafts a message that opens with an interest the bio states, gives your pitch and asks for nothing. "
        "Send an Idempotency-Key to retry safely: the same key and body return the stored draft without drafting again."
    ),
    responses={
        201: {
            "description": "The draft, stored in your history",
            "content": {content_types.APPLICATION_JSON: {"model": DraftView}},
        },
        **documented_errors({409: "A request with this Idempotency-Key is still running", 429: "Today's draft quota is spent"}),
        **_ERRORS,
    },
)
def create_draft(
    draft_request: Annotated[DraftRequest, Body()],
    user_id: Annotated[str, Depends(caller_id)],
    idempotency_key: Annotated[
        str | None, Header(alias="idempotency-key", min_length=1, max_length=MAX_IDEMPOTENCY_KEY_CHARS)
    ] = None,
) -> Response[DraftView]:
    deadline = draft_deadline(router.lambda_context)
    if idempotency_key is None:
        view = _draft_and_store(user_id, draft_request, deadline)
    else:
        view = _draft_once_per_key(user_id, idempotency_key, draft_request, deadline)
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=view,
        headers={"Location": f"/drafts/{view.id}"},
    )


@router.get("/drafts", summary="Your drafts, newest first", responses=_ERRORS)
def list_drafts(
    user_id: Annotated[str, Depends(caller_id)],
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=2048, description="The cursor of the previous page.")] = None,
) -> DraftPage:
    try:
        page = composition.history_store().list_drafts(user_id, limit=limit, cursor=cursor)
    except ValueError as error:
        raise ApiError(HTTPStatus.BAD_REQUEST, "invalid_cursor", "This cursor is not one we gave you.", field="cursor") from error
    return DraftPage(items=[DraftView.of(record) for record in page.items], cursor=page.cursor)


@router.get("/drafts/<id>", summary="One of your drafts", responses=_ERRORS)
def get_draft(
    draft_id: Annotated[str, Path(alias="id", max_length=64)],
    user_id: Annotated[str, Depends(caller_id)],
) -> DraftView:
    record = composition.history_store().get_draft(user_id, draft_id)
    if record is None:
        raise _NOT_FOUND
    return DraftView.of(record)


@router.delete("/drafts/<id>", summary="Delete one of your drafts", responses={204: {"description": "Deleted"}, **_ERRORS})
def delete_draft(
    draft_id: Annotated[str, Path(alias="id", max_length=64)],
    user_id: Annotated[str, Depends(caller_id)],
) -> Response[None]:
    if not composition.history_store().delete_draft(user_id, draft_id):
        raise _NOT_FOUND
    return Response(status_code=HTTPStatus.NO_CONTENT)


@tracer.capture_method(capture_response=False)
def _draft_and_store(user_id: str, draft_request: DraftRequest, deadline: float) -> DraftView:
    """Quota first (no LLM call once it is spent), then the draft, then one history write of the finished draft.

    A failure after the quota is taken costs the user one draft of the day: refunding it could race
    with their other requests, and failures here are rare.
    """
    store = composition.history_store()
    quota = composition.settings().daily_draft_quota
    now = datetime.now(UTC)
    if not store.take_daily_quota(user_id, now.date().isoformat(), quota):
        metrics.add_metric(name="QuotaExceeded", unit=MetricUnit.Count, value=1)
        raise ApiError(
            HTTPStatus.TOO_MANY_REQUESTS,
            "quota_exceeded",
            f"You have used all {quota} drafts for today. The quota resets at midnight UTC.",
            headers={"Retry-After": str(_seconds_to_midnight(now))},
        )
    result = composition.drafting_service().draft(draft_request, deadline=deadline)
    record = DraftRecord(
        id=new_draft_id(), user_id=user_id, created_at=utc_now_iso(), source="web", request=draft_request, result=result
    )
    store.put_draft(record)
    metrics.add_metric(name="DraftsCreated", unit=MetricUnit.Count, value=1)
    if result.fallback_reason is not None:
        metrics.add_metric(name="DraftFallbacks", unit=MetricUnit.Count, value=1)
        logger.info("Offline composer wrote the draft", extra={"fallback": result.fallback_reason.split(":")[0]})
    return DraftView.of(record)


def _draft_once_per_key(user_id: str, key: str, draft_request: DraftRequest, deadline: float) -> DraftView:
    # Imported here: Powertools idempotency imports boto3, which the web page and checks never need.
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    config, draft_once = _idempotent_drafting()
    config.register_lambda_context(router.lambda_context)
    attempt = {"user_id": user_id, "key": key, "request": draft_request.model_dump(mode="json")}
    try:
        return draft_once(attempt=attempt, deadline=deadline)
    except IdempotencyValidationError as error:
        raise ApiError(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request. Use a new key for a new draft.",
            field="Idempotency-Key",
        ) from error
    except IdempotencyAlreadyInProgressError as error:
        raise ApiError(
            HTTPStatus.CONFLICT,
            "request_in_progress",
            "A request with this Idempotency-Key is still being drafted. Retry in a few seconds.",
            field="Idempotency-Key",
        ) from error


def _idempotent_drafting() -> tuple[IdempotencyConfig, Callable[..., DraftView]]:
    """The drafting step wrapped in Powertools idempotency, over the composition root's (cached) persistence layer."""
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer

    # Keyed on the caller and their key, so two users can never collide; the request body is the payload
    # whose hash must match on a retry.
    config = IdempotencyConfig(
        event_key_jmespath="[user_id, key]",
        payload_validation_jmespath="request",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=IDEMPOTENCY_TTL_SECONDS,
    )

    wrapped = idempotent_function(
        _draft_attempt,
        data_keyword_argument="attempt",
        persistence_store=composition.idempotency_store(),
        config=config,
        output_serializer=PydanticSerializer(model=DraftView),
    )
    return config, wrapped


def _draft_attempt(attempt: dict[str, Any], deadline: float) -> DraftView:
    return _draft_and_store(attempt["user_id"], DraftRequest.model_validate(attempt["request"]), deadline)


def _seconds_to_midnight(now: datetime) -> int:
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return max(1, int((midnight - now).total_seconds()))
