"""POST /drafts, GET /drafts, GET /drafts/{id}, DELETE /drafts/{id}: a user's drafts and nobody else's."""

from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Depends, Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit

from functions import dependencies
from functions.draft_api.errors import ApiError, documented_errors
from functions.draft_api.identity import caller_id
from functions.observability import logger, metrics, tracer
from shared.api_models import DraftPage, DraftView
from shared.history import HistoryStore
from shared.models import DraftRequest
from shared.usecases.create_draft import CreateDraft, DraftQuotaSpent
from shared.usecases.deadline import Deadline

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer, IdempotencyConfig

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated

# A client retrying with the same Idempotency-Key within a day gets the stored draft back.
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
MAX_IDEMPOTENCY_KEY_CHARS = 128
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 50

_NOT_FOUND = ApiError(HTTPStatus.NOT_FOUND, "not_found", "You have no draft with this id.")
_ERRORS = documented_errors(
    {400: "Malformed JSON or cursor", 401: "No user identity", 404: "No such draft for this user", 422: "A field is invalid"}
)
Store = Annotated[HistoryStore, Depends(dependencies.history)]


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
    create: Annotated[CreateDraft, Depends(dependencies.create_draft)],
    # Callable[[], BasePersistenceLayer]; named loosely because Powertools resolves route annotations at run time.
    idempotency_store: Annotated[Callable[[], Any], Depends(dependencies.idempotency_store)],
    idempotency_key: Annotated[
        str | None, Header(alias="idempotency-key", min_length=1, max_length=MAX_IDEMPOTENCY_KEY_CHARS)
    ] = None,
) -> Response[DraftView]:
    deadline = Deadline.for_api(router.lambda_context.get_remaining_time_in_millis())
    if idempotency_key is None:
        view = _draft_and_store(create, user_id, draft_request, deadline)
    else:
        view = _draft_once_per_key(create, idempotency_store(), user_id, idempotency_key, draft_request, deadline)
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=view,
        headers={"Location": f"/drafts/{view.id}"},
    )


@router.get("/drafts", summary="Your drafts, newest first", responses=_ERRORS)
def list_drafts(
    user_id: Annotated[str, Depends(caller_id)],
    store: Store,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=2048, description="The cursor of the previous page.")] = None,
) -> DraftPage:
    try:
        page = store.list_drafts(user_id, limit=limit, cursor=cursor)
    except ValueError as error:
        raise ApiError(HTTPStatus.BAD_REQUEST, "invalid_cursor", "This cursor is not one we gave you.", field="cursor") from error
    return DraftPage(items=[DraftView.of(record) for record in page.items], cursor=page.cursor)


@router.get("/drafts/<id>", summary="One of your drafts", responses=_ERRORS)
def get_draft(
    draft_id: Annotated[str, Path(alias="id", max_length=64)],
    user_id: Annotated[str, Depends(caller_id)],
    store: Store,
) -> DraftView:
    record = store.get_draft(user_id, draft_id)
    if record is None:
        raise _NOT_FOUND
    return DraftView.of(record)


@router.delete("/drafts/<id>", summary="Delete one of your drafts", responses={204: {"description": "Deleted"}, **_ERRORS})
def delete_draft(
    draft_id: Annotated[str, Path(alias="id", max_length=64)],
    user_id: Annotated[str, Depends(caller_id)],
    store: Store,
) -> Response[None]:
    if not store.delete_draft(user_id, draft_id):
        raise _NOT_FOUND
    return Response(status_code=HTTPStatus.NO_CONTENT)


@tracer.capture_method(capture_response=False)
def _draft_and_store(create: CreateDraft, user_id: str, draft_request: DraftRequest, deadline: Deadline) -> DraftView:
    # Imported here: the drafting service (composer, guardrails) loads only when a draft is asked for.
    from shared.service import UnsafeDraftError

    try:
        record = create(draft_request, user_id=user_id, source="web", deadline=deadline)
    except DraftQuotaSpent as spent:
        metrics.add_metric(name="QuotaExceeded", unit=MetricUnit.Count, value=1)
        raise ApiError(
            HTTPStatus.TOO_MANY_REQUESTS, "quota_exceeded", str(spent), headers={"Retry-After": str(spent.retry_after)}
        ) from spent
    except UnsafeDraftError as error:
        raise ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, "unsafe_draft", error.user_message) from error
    metrics.add_metric(name="DraftsCreated", unit=MetricUnit.Count, value=1)
    if record.result.fallback_reason is not None:
        metrics.add_metric(name="DraftFallbacks", unit=MetricUnit.Count, value=1)
        logger.info("Offline composer wrote the draft", extra={"fallback": record.result.fallback_reason.split(":")[0]})
    return DraftView.of(record)


def _draft_once_per_key(
    create: CreateDraft,
    persistence: "BasePersistenceLayer",
    user_id: str,
    key: str,
    draft_request: DraftRequest,
    deadline: Deadline,
) -> DraftView:
    # Imported here: Powertools idempotency imports boto3, which the web page and checks never need.
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    config, draft_once = _idempotent_drafting(create, persistence)
    config.register_lambda_context(router.lambda_context)
    attempt = {"user_id": user_id, "key": key, "request": draft_request.model_dump(mode="json")}
    try:
        return draft_once(attempt=attempt, deadline=deadline)
    except IdempotencyValidationError as error:
        raise ApiError(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This draft was already sent with different words. Send it again as a new draft.",
            field="Idempotency-Key",
        ) from error
    except IdempotencyAlreadyInProgressError as error:
        raise ApiError(
            HTTPStatus.CONFLICT,
            "request_in_progress",
            "This draft is still being written. Wait a few seconds and try again.",
            field="Idempotency-Key",
        ) from error


def _idempotent_drafting(
    create: CreateDraft, persistence: "BasePersistenceLayer"
) -> "tuple[IdempotencyConfig, Callable[..., DraftView]]":
    """The drafting step wrapped in Powertools idempotency, over the given persistence layer."""
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

    def draft_attempt(attempt: dict[str, Any], deadline: Deadline) -> DraftView:
        return _draft_and_store(create, attempt["user_id"], DraftRequest.model_validate(attempt["request"]), deadline)

    wrapped = idempotent_function(
        draft_attempt,
        data_keyword_argument="attempt",
        persistence_store=persistence,
        config=config,
        output_serializer=PydanticSerializer(model=DraftView),
    )
    return config, wrapped
