"""Logger, tracer and metrics for both functions, and the settings they take on every invocation.

Powertools reads POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE once, when a Logger or
Metrics is created, that is when a handler module is imported. Lambda sets the environment before
that; a process that imports a handler first and sets the environment later (tests, the benchmark)
would log as "service_undefined" and fail to flush metrics ("Must contain a metric namespace").
Applying the settings per invocation makes the handler independent of when it was imported, and
gives both the documented default, "noask". Each function runs in its own process, so sharing these
instances between the two handler modules shares nothing at run time.
"""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer

from functions.log_redaction import RedactingFormatter
from shared import composition

logger = Logger(logger_formatter=RedactingFormatter())
tracer = Tracer()
metrics = Metrics()

# Most routes (the page, listing, checks) count nothing by design; an empty flush is not worth a warning.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)


def apply_settings() -> None:
    """Point the logger and metrics at the configured service name and metrics namespace.

    Call it first thing in the handler: inside `inject_lambda_context` (which resets the log keys on
    entry) and inside `log_metrics` (which flushes on the way out)."""
    config = composition.settings()
    logger.append_keys(service=config.service_name)
    metrics.service = config.service_name
    metrics.namespace = config.metrics_namespace
