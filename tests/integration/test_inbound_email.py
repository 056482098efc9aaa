"""End to end, locally: a raw message in (moto) S3 → InboundEmailFunction's handler → a reply captured by
(moto) SES, the draft in DynamoDB Local's history, and idempotency records in DynamoDB Local.

Every test registers its own user and sending address, so the shared DynamoDB Local needs no cleaning.
"""

from __future__ import annotations

import copy
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shared.adapters.dynamodb_history import DynamoDBHistoryStore
from shared.adapters.s3_raw_email import S3RawEmailStore
from shared.adapters.ses_mailer import SesMailer
from shared.composition import PROMPTS_DIR, Settings
from shared.history import Profile
from shared.local.dynamodb import LOCAL_TABLE_NAMES, local_client
from shared.local.email_sandbox import EmailSandbox, reply_text
from shared.local.invoke import LambdaContext
from shared.prompts import PromptLibrary
from shared.service import DraftingService
from tests.support.emails import DRAFTING_ADDRESS, EVENTS_DIR, REGISTERED_ADDRESS, sample

pytestmark = pytest.mark.integration


@pytest.fixture
def sandbox(dynamodb_local: str) -> Iterator[EmailSandbox]:
    """moto's S3 and SES (DynamoDB Local passes through), and the handler's dependencies pointed at them.

    Nothing is read from the environment: the providers are overridden, as the API's route tests do."""
    import boto3
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    from functions import dependencies
    from functions.inbound_email.app import app

    with EmailSandbox(drafting_address=DRAFTING_ADDRESS, dynamodb_endpoint=dynamodb_local) as box:
        client = local_client(dynamodb_local)
        store = DynamoDBHistoryStore(LOCAL_TABLE_NAMES["HistoryTable"], lambda: client)
        idempotency = DynamoDBPersistenceLayer(table_name=LOCAL_TABLE_NAMES["IdempotencyTable"], boto3_client=client)
        settings = Settings.model_validate(
            {"NOASK_DRAFTING_ADDRESS": DRAFTING_ADDRESS, "NOASK_APP_URL": "http://127.0.0.1:3000/"}
        )
        mailer = SesMailer(lambda: boto3.client("sesv2", region_name=box.region), from_address=DRAFTING_ADDRESS)
        raw_emails = S3RawEmailStore(lambda: boto3.client("s3", region_name=box.region))
        drafter = DraftingService(None, PromptLibrary(PROMPTS_DIR))
        app.dependency_overrides.update(
            {
                dependencies.settings: lambda: settings,
                dependencies.history: lambda: store,
                dependencies.drafter: lambda: drafter,
                dependencies.mailer: lambda: mailer,
                dependencies.raw_emails: lambda: raw_emails,
                dependencies.idempotency_store: lambda: lambda: idempotency,
            }
        )
        try:
            yield box
        finally:
            app.dependency_overrides.clear()


@pytest.fixture
def new_user(sandbox: EmailSandbox, make_user_id: Callable[[], str]) -> Callable[[], Profile]:
    """A freshly registered user with a sending address nobody else has."""

    def register() -> Profile:
        user_id = make_user_id()
        profile = Profile(
            user_id=user_id,
            email=f"alex.{uuid.uuid4().hex[:12]}@fabrikam.example",
            pitch="I build the tools that keep CI fast at Fabrikam.",
            sender_name="Alex Kim",
        )
        assert sandbox.register([profile]) == [profile]
        return profile

    return register


def deliver(sandbox: EmailSandbox, sample_name: str, sender: str) -> dict[str, Any]:
    """Store the sample, sent from `sender`, under a new key; return the S3 put event for it."""
    key = f"inbound/{uuid.uuid4().hex}"
    event: dict[str, Any] = copy.deepcopy(json.loads((EVENTS_DIR / f"{sample_name}.json").read_text(encoding="utf-8")))
    event["Records"][0]["s3"]["object"]["key"] = key
    raw = sample(sample_name).replace(REGISTERED_ADDRESS.encode(), sender.encode())
    sandbox.put_email(event["Records"][0]["s3"]["bucket"]["name"], key, raw)
    return event


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    from functions.inbound_email.app import handler

    outcome: dict[str, Any] = handler(event, LambdaContext("InboundEmailFunction", 1024, 60))["outcomes"][0]
    return outcome


def drafts_of(history: DynamoDBHistoryStore, profile: Profile) -> list[Any]:
    return history.list_drafts(profile.user_id, limit=20).items


def replies_to(sandbox: EmailSandbox, profile: Profile) -> list[Any]:
    return [reply for reply in sandbox.replies() if str(reply["To"]) == profile.email]


def test_a_forwarded_profile_becomes_a_reply_and_a_history_item(
    sandbox: EmailSandbox, new_user: Callable[[], Profile], history_store: DynamoDBHistoryStore
) -> None:
    user = new_user()
    outcome = invoke(deliver(sandbox, "gmail_forward_en", user.email))

    assert (outcome["status"], outcome["reason"]) == ("replied", "drafted")
    [record] = drafts_of(history_store, user)
    assert record.id == outcome["draft_id"]
    assert record.source == "email"
    assert record.request.channel.value == "email"  # from the note's "channel: email"
    assert "ultramarathon" in record.request.target_bio
    [reply] = replies_to(sandbox, user)
    text = reply_text(reply)
    assert record.result.body in text
    assert f"Subject: {record.result.subject}" in text
    assert str(reply["Subject"]) == "Re: Fwd: Re: Data platform meetup"
    assert str(reply["Auto-Submitted"]) == "auto-replied"
    assert str(reply["In-Reply-To"]).strip() == "<CAF3x9k2RzQb7c1o5Jq0Wf2ZrJrLw8gK1uN6w0yE4dFh7Xk9pVg@mail.gmail.com>"
    assert "http://127.0.0.1:3000/" in text


def test_three_deliveries_of_one_message_make_one_draft_and_one_reply(
    sandbox: EmailSandbox, new_user: Callable[[], Profile], history_store: DynamoDBHistoryStore
) -> None:
    user = new_user()
    event = deliver(sandbox, "thunderbird_forward_de", user.email)

    outcomes = [invoke(event) for _ in range(3)]

    assert outcomes[0]["status"] == "replied"
    assert outcomes[0] == outcomes[1] == outcomes[2]
    assert len(drafts_of(history_store, user)) == 1
    assert len(replies_to(sandbox, user)) == 1


def test_simultaneous_duplicates_still_make_one_reply(
    sandbox: EmailSandbox, new_user: Callable[[], Profile], history_store: DynamoDBHistoryStore
) -> None:
    from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

    user = new_user()
    event = deliver(sandbox, "apple_mail_forward_en", user.email)
    results: list[object] = []

    def run() -> None:
        try:
            results.append(invoke(event))
        except IdempotencyAlreadyInProgressError as error:  # Lambda retries these later
            results.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(results) == 3
    assert len(drafts_of(history_store, user)) == 1
    assert len(replies_to(sandbox, user)) == 1
    # A retry after the first one finished gets its outcome, without drafting again.
    assert invoke(event)["status"] == "replied"
    assert len(replies_to(sandbox, user)) == 1


@pytest.mark.parametrize(
    ("sample_name", "reason"), [("auto_reply", "auto_submitted"), ("spoofed_sender", "not_authenticated"), ("bounce", "bounce")]
)
def test_automated_and_spoofed_mail_from_a_registered_address_is_dropped(
    sandbox: EmailSandbox,
    new_user: Callable[[], Profile],
    history_store: DynamoDBHistoryStore,
    sample_name: str,
    reason: str,
) -> None:
    user = new_user()
    outcome = invoke(deliver(sandbox, sample_name, user.email))

    assert (outcome["status"], outcome["reason"]) == ("dropped", reason)
    assert drafts_of(history_store, user) == []
    assert sandbox.replies() == []


def test_a_claimed_but_unverified_address_gets_no_draft_no_history_and_no_reply(
    sandbox: EmailSandbox, make_user_id: Callable[[], str], history_store: DynamoDBHistoryStore
) -> None:
    from shared.usecases.sender_addresses import SenderAddresses
    from tests.support.emails import CapturingMailer

    claimant = make_user_id()
    address = f"ceo.{uuid.uuid4().hex[:8]}@fabrikam.example"
    history_store.put_profile(Profile(user_id=claimant, pitch="I sell growth hacks."))
    SenderAddresses(history_store, CapturingMailer(), from_address=DRAFTING_ADDRESS, pepper=lambda: b"pepper").claim(
        claimant, address
    )

    outcome = invoke(deliver(sandbox, "gmail_forward_en", address))

    assert (outcome["status"], outcome["reason"]) == ("dropped", "unknown_sender")
    assert history_store.list_drafts(claimant, limit=5).items == []
    assert sandbox.replies() == []


def test_an_unknown_sender_gets_no_reply(sandbox: EmailSandbox) -> None:
    outcome = invoke(deliver(sandbox, "unknown_sender", f"stranger.{uuid.uuid4().hex[:8]}@gmail.example"))

    assert (outcome["status"], outcome["reason"]) == ("dropped", "unknown_sender")
    assert sandbox.replies() == []
