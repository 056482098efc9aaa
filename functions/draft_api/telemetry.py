"""Logger, tracer and metrics shared by the API's modules; the handler sets their service and namespace (observability)."""

import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer

from functions.log_redaction import RedactingFormatter

logger = Logger(logger_formatter=RedactingFormatter())
tracer = Tracer()
metrics = Metrics()

# Most routes (the page, listing, checks) count nothing by design; an empty flush is not worth a warning.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
