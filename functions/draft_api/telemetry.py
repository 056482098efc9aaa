"""Logger, tracer and metrics shared by the API's modules; the handler applies their service and namespace (functions.observability)."""

import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()

# Most routes (the page, listing, checks) count nothing by design; an empty flush is not worth a warning.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
