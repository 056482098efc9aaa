"""InboundEmailFunction: SES stored a forwarded message in S3; draft from it and reply, once per message.

Thin by design: the raw-email store and the workflow come from the composition root, built on
first use. Exactly one draft and one reply per message whatever S3 and Lambda redeliver: the work
runs under Powertools idempotency keyed on the object key (SES names it after its message id).
Drops (spam, loops, unknown senders) return normally; failures raise, so Lambda retries and then
keeps the event in the on-failure queue.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger, Metrics, Tracer, single_metric
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3Event, event_source

from functions.log_redaction import RedactingFormatter
from functions.observability import apply_settings
from shared import composition
from shared.email.parsing import MAX_RAW_EMAIL_BYTES, EmailTooLarge
from shared.email.workflow import EmailOutcome

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger(logger_formatter=RedactingFormatter())
tracer = Tracer()
metrics = Metrics()

# Kept back from the Lambda's remaining time for the history write, the reply and the idempotency record.
REPLY_MARGIN_SECONDS = 8.0
# Lambda's async queue and S3 can redeliver for hours; a day covers every retry.
IDEMPOTENCY_TTL_SECONDS = 24 * 3600


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
@event_source(data_class=S3Event)
def handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    apply_settings(logger, metrics)
    process_once = _idempotent(context)
    deadline = time.monotonic() + context.get_remaining_time_in_millis() / 1000 - REPLY_MARGIN_SECONDS
    outcomes = [
        process_once(
            # S3 events carry the key URL-encoded (spaces as "+").
            message_key=unquote_plus(record.s3.get_object.key),
            bucket=record.s3.bucket.name,
            received_at=datetime.fromisoformat(record.event_time).timestamp(),
            deadline=deadline,
        )
        for record in event.records
    ]
    return {"outcomes": outcomes}


def _idempotent(context: LambdaContext) -> Callable[..., dict[str, Any]]:
    """`_process` once per object key, over the composition root's (cached) persistence layer."""
    # Imported here: Powertools idempotency imports boto3, which only a real event needs.
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

    config = IdempotencyConfig(expires_after_seconds=IDEMPOTENCY_TTL_SECONDS)
    # A timeout then releases the key at the Lambda's own deadline instead of locking it until expiry.
    config.register_lambda_context(context)
    process_once: Callable[..., dict[str, Any]] = idempotent_function(
        _process, data_keyword_argument="message_key", persistence_store=composition.idempotency_store(), config=config
    )
    return process_once


@tracer.capture_method(capture_response=False)
def _process(*, message_key: str, bucket: str, received_at: float, deadline: float) -> dict[str, Any]:
    try:
        raw = composition.raw_email_store().fetch(bucket, message_key, max_bytes=MAX_RAW_EMAIL_BYTES)
    except EmailTooLarge as error:
        outcome = EmailOutcome(status="dropped", reason="too_large", detail=str(error))
    else:
        outcome = composition.inbound_email_workflow().handle(
            raw, message_key=message_key, deadline=deadline, received_at=received_at
        )
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
