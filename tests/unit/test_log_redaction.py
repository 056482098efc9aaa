"""Secrets and users' text never reach a log line, even when a log call hands them over."""

import io
import json
import uuid

from aws_lambda_powertools import Logger

from functions.log_redaction import REDACTED, RedactingFormatter, redact

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJlLXBhcnQ"
BIO = "Outside work I sail around Brittany every summer."


def logged_line(**extra: object) -> dict[str, object]:
    stream = io.StringIO()
    # A fresh service name each time: Powertools shares one handler per service name.
    logger = Logger(service=f"redaction-{uuid.uuid4().hex}", logger_formatter=RedactingFormatter(), stream=stream)
    logger.info(f"calling the model with Bearer {JWT} and key sk-test-0123456789abcdef", extra=extra)
    line = stream.getvalue().strip()
    assert line, "the logger wrote nothing"
    return dict(json.loads(line))


def test_sensitive_fields_are_replaced_whatever_their_case() -> None:
    line = logged_line(target_bio=BIO, Pitch="I build pipelines.", headers={"Authorization": f"Bearer {JWT}"}, draft_id="d-1")
    assert line["target_bio"] == REDACTED
    assert line["Pitch"] == REDACTED
    assert line["headers"] == {"Authorization": REDACTED}
    assert line["draft_id"] == "d-1", "ids stay readable: they are how a log line is traced"


def test_credentials_inside_messages_are_masked() -> None:
    text = json.dumps(logged_line())
    assert JWT not in text
    assert "sk-test-0123456789abcdef" not in text
    assert "calling the model with" in text


def test_nested_structures_are_redacted_without_changing_the_original() -> None:
    record = {"event": {"body": BIO, "items": [{"text": "hello", "count": 2}]}}
    cleaned = redact(record)
    assert cleaned == {"event": {"body": REDACTED, "items": [{"text": REDACTED, "count": 2}]}}
    assert record["event"]["body"] == BIO
