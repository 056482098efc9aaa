"""InboundEmailFunction: SES stored a forwarded message in S3; draft from it and reply, once per message.

Thin by design: the raw-email store and the workflow reach the handler through the same dependency
providers as the API (functions/dependencies.py); tests replace them with
`app.dependency_overrides[provider] = ...`. Exactly one draft and one reply per message whatever S3
and Lambda redeliver: the work runs under Powertools idempotency keyed on the object key (SES names it
after its message id). Drops (spam, loops, unknown or unverified senders) return normally; failures
raise, so Lambda retries and then keeps the event in the on-failure queue.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Protocol
from urllib.parse import unquote_plus

from aws_lambda_powertools import single_metric
from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.depends import build_dependency_tree, solve_dependencies
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3Event, event_source

from functions import dependencies
from functions.observability import apply_settings, logger, metrics, tracer
from shared.composition import Settings
from shared.email.ports import Mailer, RawEmailStore
from shared.usecases.create_draft import CreateDraft
from shared.usecases.deadline import Deadline

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from shared.email.workflow import EmailOutcome

# Lambda's async queue and S3 can redeliver for hours; a day covers every retry.
IDEMPOTENCY_TTL_SECONDS = 24 * 3600


class EventApp:
    """Powertools' Depends for a handler that is not an HTTP route: the same providers, the same overrides."""

    def __init__(self) -> None:
        self.dependency_overrides: dict[Callable[..., Any], Callable[..., Any]] = {}

    def solve(self, function: Callable[..., Any]) -> dict[str, Any]:
        return solve_dependencies(
            dependant=build_dependency_tree(function), dependency_overrides=self.dependency_overrides or None
        )


app = EventApp()


class EmailHandling(Protocol):
    """What the handler needs of shared.email.workflow.InboundEmailWorkflow.

    Named here because Powertools resolves the providers' annotations at run time: naming the workflow itself would
    load the email parsing (its MIME reader, forward patterns and word lists) whenever the handler is imported."""

    def handle(self, raw: bytes, *, message_key: str, deadline: Deadline, received_at: float) -> EmailOutcome: ...


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
@event_source(data_class=S3Event)
def handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    apply_settings()
    process_once = _idempotent(context)
    deadline = Deadline.for_email(context.get_remaining_time_in_millis())
    outcomes = [
        # S3 events carry the key URL-encoded (spaces as "+"). The event's time is not used: a replayed event
        # must not date a draft, the stored object's own time does.
        process_once(message_key=unquote_plus(record.s3.get_object.key), bucket=record.s3.bucket.name, deadline=deadline)
        for record in event.records
    ]
    return {"outcomes": outcomes}


def _idempotent(context: LambdaContext) -> Callable[..., dict[str, Any]]:
    """`_process` once per object key, over the idempotency store the providers give."""
    # Imported here: Powertools idempotency imports boto3, which only a real event needs.
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

    config = IdempotencyConfig(expires_after_seconds=IDEMPOTENCY_TTL_SECONDS)
    # A timeout then releases the key at the Lambda's own deadline instead of locking it until expiry.
    config.register_lambda_context(context)
    persistence = app.solve(_persistence)["store"]()
    process_once: Callable[..., dict[str, Any]] = idempotent_function(
        _process, data_keyword_argument="message_key", persistence_store=persistence, config=config
    )
    return process_once


def _persistence(store: Annotated[Callable[[], Any], Depends(dependencies.idempotency_store)]) -> None:
    """Only declares the idempotency store's provider for `app.solve`."""


def email_workflow(
    create: Annotated[CreateDraft, Depends(dependencies.create_draft)],
    store: Annotated[dependencies.Store, Depends(dependencies.history)],
    reply_mailer: Annotated[Mailer, Depends(dependencies.mailer)],
    config: Annotated[Settings, Depends(dependencies.settings)],
) -> EmailHandling:
    """The email path's provider; here rather than in functions/dependencies so the API never imports the email modules."""
    from shared.email.workflow import InboundEmailWorkflow

    return InboundEmailWorkflow(
        create_draft=create,
        senders=store,
        mailer=reply_mailer,
        drafting_address=config.drafting_address,
        app_url=config.app_url or "",
    )


def _process_with(
    raw_emails: Annotated[RawEmailStore, Depends(dependencies.raw_emails)],
    workflow: Annotated[EmailHandling, Depends(email_workflow)],
) -> None:
    """Only declares the providers `_process` uses, for `app.solve`."""


@tracer.capture_method(capture_response=False)
def _process(*, message_key: str, bucket: str, deadline: Deadline) -> dict[str, Any]:
    from shared.email.parsing import MAX_RAW_EMAIL_BYTES, EmailTooLarge
    from shared.email.workflow import EmailOutcome

    resolved = app.solve(_process_with)
    raw_emails: RawEmailStore = resolved["raw_emails"]
    workflow: EmailHandling = resolved["workflow"]
    try:
        stored = raw_emails.fetch(bucket, message_key, max_bytes=MAX_RAW_EMAIL_BYTES)
    except EmailTooLarge as error:
        outcome = EmailOutcome(status="dropped", reason="too_large", detail=str(error))
    else:
        received_at = stored.stored_at if stored.stored_at is not None else time.time()
        outcome = workflow.handle(stored.raw, message_key=message_key, deadline=deadline, received_at=received_at)
    _record(message_key, outcome)
    return outcome.model_dump(mode="json")


def _record(message_key: str, outcome: EmailOutcome) -> None:
    """Log and count the outcome; never the message's text or the sender's address."""
    fields = {"message_key": message_key, "reason": outcome.reason, "detail": outcome.detail}
    # Processed = replied + dropped; a failure raised before this and waits in the on-failure queue.
    metrics.add_metric(name="EmailsProcessed", unit=MetricUnit.Count, value=1)
    if outcome.status == "dropped":
        logger.info("Email dropped", extra=fields)
        with single_metric(name="EmailDropped", unit=MetricUnit.Count, value=1, namespace=metrics.namespace) as metric:
            metric.add_dimension(name="reason", value=outcome.reason)
        return
    logger.info("Email answered", extra={**fields, "draft_id": outcome.draft_id, "reply_message_id": outcome.reply_message_id})
    metrics.add_metric(name="EmailReplies", unit=MetricUnit.Count, value=1)
    if outcome.draft_id:
        metrics.add_metric(name="DraftsCreated", unit=MetricUnit.Count, value=1)
