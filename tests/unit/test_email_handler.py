"""InboundEmailFunction's handler with every AWS service in moto (in-process, no sockets) and real idempotency."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from shared.local.email_sandbox import EmailSandbox, local_profiles, reply_text
from shared.local.invoke import LambdaContext
from tests.support.emails import DRAFTING_ADDRESS, EVENTS_DIR, REGISTERED_ADDRESS, sample

EVENTS = sorted(EVENTS_DIR.glob("*.json"))
DROPPED = {
    "auto_reply": "auto_submitted",
    "bounce": "bounce",
    "spoofed_sender": "not_authenticated",
    "unknown_sender": "unknown_sender",
}


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmailSandbox]:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_KEY_SECRET_NAME", "NOASK_DYNAMODB_ENDPOINT", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "NOASK_DRAFTING_ADDRESS": DRAFTING_ADDRESS,
        "NOASK_HISTORY_TABLE": "noask-history",
        "NOASK_IDEMPOTENCY_TABLE": "noask-idempotency",
        "NOASK_APP_URL": "https://noask.example",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "noask",
        "POWERTOOLS_METRICS_NAMESPACE": "noask",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    from shared import composition

    composition.reset()
    with EmailSandbox(drafting_address=DRAFTING_ADDRESS) as box:
        box.register(local_profiles())
        yield box
    composition.reset()


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    from functions.inbound_email.app import handler

    result: dict[str, Any] = handler(event, LambdaContext("InboundEmailFunction", 1024, 60))
    return result


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return event


def test_every_sample_event_names_a_sample_message() -> None:
    assert EVENTS
    for path in EVENTS:
        key = load_event(path.stem)["Records"][0]["s3"]["object"]["key"]
        assert key == f"inbound/{path.stem}"
        assert sample(path.stem)


def test_each_sample_event_is_answered_once_or_dropped(sandbox: EmailSandbox) -> None:
    # One sandbox for all samples (moto and boto3 clients are slow to set up); every reply and draft is accounted for.
    replied = 0
    for path in EVENTS:
        event = load_event(path.stem)
        sandbox.put_samples_for(event)
        [outcome] = invoke(event)["outcomes"]
        history = sandbox.history.list_drafts("local-email-user", limit=50).items
        replies = sandbox.replies()

        if path.stem in DROPPED:
            assert (outcome["status"], outcome["reason"]) == ("dropped", DROPPED[path.stem]), path.stem
        else:
            assert (outcome["status"], outcome["reason"]) == ("replied", "drafted"), path.stem
            replied += 1
            [record] = [item for item in history if item.id == outcome["draft_id"]]
            reply = replies[-1]
            assert str(reply["To"]) == REGISTERED_ADDRESS
            assert str(reply["Auto-Submitted"]) == "auto-replied"
            assert record.source == "email"
            assert record.result.body in reply_text(reply)
        assert len(replies) == len(history) == replied, path.stem
    assert replied == len(EVENTS) - len(DROPPED)


def test_a_message_delivered_three_times_gets_one_draft_and_one_reply(sandbox: EmailSandbox) -> None:
    event = load_event("gmail_forward_en")
    sandbox.put_samples_for(event)

    outcomes = [invoke(event)["outcomes"][0] for _ in range(3)]

    assert outcomes[0] == outcomes[1] == outcomes[2]
    assert len(sandbox.replies()) == 1
    assert len(sandbox.history.list_drafts("local-email-user", limit=10).items) == 1


def test_a_failed_send_raises_for_a_retry_and_does_not_lock_the_message(sandbox: EmailSandbox) -> None:
    import boto3

    event = load_event("thunderbird_forward_en")
    sandbox.put_samples_for(event)
    ses = boto3.client("sesv2", region_name="us-east-1")
    ses.delete_email_identity(EmailIdentity=DRAFTING_ADDRESS)  # SES now rejects the reply

    with pytest.raises(Exception, match=r"MessageRejected|authority"):
        invoke(event)
    assert sandbox.replies() == []

    ses.create_email_identity(EmailIdentity=DRAFTING_ADDRESS)
    [outcome] = invoke(event)["outcomes"]  # Lambda's retry
    assert outcome["status"] == "replied"
    assert len(sandbox.replies()) == 1
    assert len(sandbox.history.list_drafts("local-email-user", limit=10).items) == 1


def test_drops_are_logged_with_their_reason_and_counted_but_never_the_body(
    sandbox: EmailSandbox, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    event = load_event("auto_reply")
    sandbox.put_samples_for(event)
    invoke(event)

    dropped = [record for record in caplog.records if record.getMessage() == "Email dropped"]
    assert [getattr(record, "reason", None) for record in dropped] == ["auto_submitted"]
    metrics = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{") and "EmailDropped" in line
    ]
    assert len(metrics) == 1
    assert metrics[0]["reason"] == "auto_submitted"
    assert metrics[0]["EmailDropped"] in (1, [1], 1.0, [1.0])
    logged = " ".join(str(vars(record)) for record in caplog.records) + json.dumps(metrics)
    assert "out of the office" not in logged
    assert REGISTERED_ADDRESS not in logged


def test_replies_and_drafts_are_counted(sandbox: EmailSandbox, capsys: pytest.CaptureFixture[str]) -> None:
    event = load_event("pasted_bio_en")
    sandbox.put_samples_for(event)
    invoke(event)

    output = capsys.readouterr().out
    emf = [json.loads(line) for line in output.splitlines() if line.startswith("{") and '"_aws"' in line]
    names = {metric["Name"] for line in emf for directive in line["_aws"]["CloudWatchMetrics"] for metric in directive["Metrics"]}
    assert {"EmailReplies", "DraftsCreated"} <= names
    assert "beekeeper" not in output  # the bio is never logged


@pytest.mark.parametrize(
    ("service", "namespace"), [("noask-email", "noask-late"), (None, None)], ids=["set after import", "unset: defaults"]
)
def test_service_and_namespace_come_from_the_settings_whenever_the_module_was_imported(
    service: str | None,
    namespace: str | None,
    sandbox: EmailSandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from functions import observability
    from shared import composition

    # What Powertools holds when the module was imported before any POWERTOOLS_* variable was set.
    monkeypatch.setattr(observability.metrics, "namespace", None)
    monkeypatch.setattr(observability.metrics, "service", None)
    for name, value in {"POWERTOOLS_SERVICE_NAME": service, "POWERTOOLS_METRICS_NAMESPACE": namespace}.items():
        if value is None:
            monkeypatch.delenv(name)
        else:
            monkeypatch.setenv(name, value)
    composition.reset()
    event = load_event("pasted_bio_en")
    sandbox.put_samples_for(event)

    [outcome] = invoke(event)["outcomes"]

    assert outcome["reason"] == "drafted"
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{") and '"_aws"' in line]
    assert emf, "no metrics were flushed"
    assert {directive["Namespace"] for line in emf for directive in line["_aws"]["CloudWatchMetrics"]} == {namespace or "noask"}
    assert {line["service"] for line in emf} == {service or "noask"}
    assert observability.logger.get_current_keys()["service"] == (service or "noask")
