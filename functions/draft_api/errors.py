"""Every failure becomes the same JSON envelope, {"error": {"code", "message", "field"?}}, with the right status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.depends import DependencyResolutionError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import ValidationError

from functions.observability import logger

if TYPE_CHECKING:
    from shared.api_models import ErrorEnvelope


class ApiError(Exception):
    """A failure the caller can act on, with its status, code and, when it is about one field, that field."""

    def __init__(
        self, status: HTTPStatus, code: str, message: str, *, field: str | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = dict(headers or {})


def documented_errors(descriptions: Mapping[int, str]) -> dict[int, Any]:
    """OpenAPI `responses` entries for error statuses, each answered with the error envelope."""
    from shared.api_models import ErrorEnvelope

    return {
        status: {"description": description, "content": {content_types.APPLICATION_JSON: {"model": ErrorEnvelope}}}
        for status, description in descriptions.items()
    }


def envelope(code: str, message: str, *, field: str | None = None, correlation_id: str | None = None) -> ErrorEnvelope:
    # Imported here: the API's models load with its routes or with a first refusal, never for the page.
    from shared.api_models import ErrorBody, ErrorEnvelope

    return ErrorEnvelope(error=ErrorBody(code=code, message=message, field=field, correlation_id=correlation_id))


def error_response(error: ApiError) -> Response[str]:
    return Response(
        status_code=error.status,
        content_type=content_types.APPLICATION_JSON,
        body=envelope(error.code, error.message, field=error.field).model_dump_json(exclude_none=True),
        headers=error.headers,
    )


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    """Every exception the routes can raise, mapped to its status and envelope; anything else is a bare 500."""

    def unexpected(_: Exception) -> Response[str]:
        # The traceback goes to the log only; the caller gets an id to quote, never internals.
        logger.exception("Unhandled error")
        correlation_id = logger.get_correlation_id() or app.lambda_context.aws_request_id
        body = envelope(
            "internal_error",
            "Something went wrong on our side. Try again in a moment; if it keeps happening, quote this id.",
            correlation_id=correlation_id,
        )
        return Response(
            status_code=HTTPStatus.INTERNAL_SERVER_ERROR,
            content_type=content_types.APPLICATION_JSON,
            body=body.model_dump_json(exclude_none=True),
        )

    def no_route(_: Exception) -> Response[str]:
        event = app.current_event
        return error_response(ApiError(HTTPStatus.NOT_FOUND, "not_found", f"There is no {event.http_method} {event.path}."))

    def from_dependency(error: DependencyResolutionError) -> Response[str]:
        # Powertools wraps whatever a dependency provider raised; a refusal it meant (an ApiError) keeps its status.
        cause = error.__cause__
        return error_response(cause) if isinstance(cause, ApiError) else unexpected(error)

    # Registered by call rather than as decorators: Powertools leaves the decorators unannotated.
    app.exception_handler(ApiError)(error_response)
    app.exception_handler(DependencyResolutionError)(from_dependency)
    app.exception_handler(RequestValidationError)(
        lambda error: error_response(_from_validation_errors(error.errors(), document=error.body))
    )
    # The errors keep their input so that a sentence can say how long a value was; no input is ever quoted back.
    app.exception_handler(ValidationError)(lambda error: error_response(_from_validation_errors(error.errors(include_url=False))))
    app.not_found(no_route)
    app.exception_handler(Exception)(unexpected)


def _from_validation_errors(errors: Sequence[Any], *, document: Any = None) -> ApiError:
    """400 for a body that is not JSON (saying where), 422 saying in sentences what is wrong with which field otherwise."""
    # Imported here: the wording loads only when a request is refused.
    from functions.draft_api.validation_messages import field_name, sentences

    for error in errors:
        if error.get("type") == "json_invalid":
            position = error["loc"][-1] if len(error["loc"]) > 1 else None
            where = _where(document, position) if isinstance(document, str) and isinstance(position, int) else ""
            return ApiError(HTTPStatus.BAD_REQUEST, "malformed_json", f"The request body is not valid JSON{where}.")
    if not errors:
        return ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error", "The request is not valid.")
    field = field_name(errors[0]["loc"])
    if field is None and errors[0].get("type") == "missing":
        return ApiError(HTTPStatus.BAD_REQUEST, "missing_body", "The request needs a JSON object body.")
    if field is None:
        return ApiError(
            HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error", "The body must be a JSON object, not an array or a value."
        )
    return ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error", sentences(errors), field=field)


def _where(document: str, position: int) -> str:
    """The place of a 0-based character offset as editors count it: " (the problem is at line 2, column 7)"."""
    line = document.count("\n", 0, position) + 1
    column = position - document.rfind("\n", 0, position)
    return f" (the problem is at line {line}, column {column})"


def proxy_error(error: ApiError) -> dict[str, Any]:
    """The Lambda proxy response for a request rejected before the resolver runs."""
    return {
        "statusCode": int(error.status),
        "headers": {"Content-Type": content_types.APPLICATION_JSON, **error.headers},
        "body": envelope(error.code, error.message, field=error.field).model_dump_json(exclude_none=True),
        "isBase64Encoded": False,
    }
