"""`noask invoke` refuses events a function could never receive in one line, and never calls AWS by accident."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.local.invoke import InvokeError, _has_aws_target, check_event

EVENTS = Path(__file__).resolve().parents[2] / "events"


def _s3_event(key: str) -> dict[str, object]:
    return {"Records": [{"eventSource": "aws:s3", "s3": {"bucket": {"name": "b"}, "object": {"key": key}}}]}


@pytest.mark.parametrize(
    ("event", "explanation"),
    [
        ({"Records": [{"eventSource": "aws:ses", "ses": {"mail": {}}}]}, "SES receipt event"),
        ({"Records": [{"eventSource": "aws:sqs", "body": "{}"}]}, "SQS message"),
        ({"Records": [{"EventSource": "aws:sns", "Sns": {}}]}, "SNS notification"),
        (_s3_event("inbound/no-such-sample"), "names no local sample email"),
        ({}, "takes an S3 event"),
        ({"Records": [{"eventSource": "aws:dynamodb"}]}, "takes S3 ObjectCreated records"),
    ],
)
def test_an_event_the_email_function_never_receives_is_explained_in_one_line(event: object, explanation: str) -> None:
    with pytest.raises(InvokeError, match=explanation) as raised:
        check_event("InboundEmailFunction", event)
    assert "\n" not in str(raised.value)


def test_every_sample_email_event_is_accepted() -> None:
    for path in sorted((EVENTS / "inbound_email").glob("*.json")):
        check_event("InboundEmailFunction", json.loads(path.read_text(encoding="utf-8")))


def test_api_events_are_not_screened() -> None:
    check_event("DraftApiFunction", {"anything": True})


def test_no_endpoint_and_no_credentials_means_no_aws_target(tmp_path: Path) -> None:
    missing = {"AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    assert not _has_aws_target(missing, {})
    assert _has_aws_target({**missing, "NOASK_DYNAMODB_ENDPOINT": "http://127.0.0.1:8000"}, {})
    assert _has_aws_target(missing, {"DraftApiFunction": {"NOASK_DYNAMODB_ENDPOINT": "http://127.0.0.1:8000"}})
    assert _has_aws_target({**missing, "AWS_PROFILE": "work"}, {})
    credentials = tmp_path / "credentials"
    credentials.write_text("[default]\n", encoding="utf-8")
    assert _has_aws_target({"AWS_SHARED_CREDENTIALS_FILE": str(credentials)}, {})
