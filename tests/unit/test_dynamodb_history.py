"""The DynamoDB history store on a stubbed client: the items it writes, and how the one-write draft (quota and
history in one transaction) reads a cancelled transaction.

DynamoDB Local serialises transactions, so the reasons a real table gives under contention are stubbed here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import boto3
import pytest
from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber

from shared.adapters.dynamodb_history import DynamoDBHistoryStore, _record_attributes
from tests.support.records import make_record

DAY = "2030-03-04"


@pytest.fixture
def stubbed() -> Iterator[tuple[DynamoDBHistoryStore, Stubber]]:
    client = boto3.client(
        "dynamodb",
        region_name="us-east-1",
        aws_access_key_id="stub",
        aws_secret_access_key="stub",
    )
    with Stubber(client) as stubber:
        yield DynamoDBHistoryStore("history", lambda: client), stubber
        stubber.assert_no_pending_responses()


def test_a_draft_item_is_what_boto3_would_write_for_it() -> None:
    """Items written before the direct conversion and after it are the same, so every stored draft reads back."""
    record = make_record("u1")
    # Nested models, lists, None, bools, ints and non-ASCII text, as a stored draft holds them.
    varied = record.model_copy(
        update={"result": record.result.model_copy(update={"subject": None, "body": "Olá — 5 km, “quoted” 🏃", "attempts": 2})}
    )
    for draft in (record, varied):
        expected = TypeSerializer().serialize(json.loads(draft.model_dump_json(), parse_float=Decimal))["M"]
        assert _record_attributes(draft) == expected


def cancelled(stubber: Stubber, *codes: str) -> None:
    stubber.add_client_error(
        "transact_write_items",
        service_error_code="TransactionCanceledException",
        service_message=f"Transaction cancelled, please refer cancellation reasons for specific reasons [{', '.join(codes)}]",
        modeled_fields={"CancellationReasons": [{"Code": code} for code in codes]},
    )


def test_the_quota_and_the_draft_go_in_one_transaction(stubbed: tuple[DynamoDBHistoryStore, Stubber]) -> None:
    store, stubber = stubbed
    record = make_record("u1")
    # The draft's id is the request token: a retry of the same call is applied once.
    stubber.add_response("transact_write_items", {}, {"TransactItems": ANY, "ClientRequestToken": record.id})

    assert store.put_draft_within_quota(record, day=DAY, limit=5) is True


def test_a_failed_quota_condition_is_a_spent_quota(stubbed: tuple[DynamoDBHistoryStore, Stubber]) -> None:
    store, stubber = stubbed
    cancelled(stubber, "ConditionalCheckFailed", "None")

    assert store.put_draft_within_quota(make_record("u1"), day=DAY, limit=5) is False


def test_a_conflict_with_another_request_falls_back_to_two_writes(stubbed: tuple[DynamoDBHistoryStore, Stubber]) -> None:
    store, stubber = stubbed
    record = make_record("u1")
    cancelled(stubber, "TransactionConflict", "None")
    stubber.add_response("update_item", {}, {"TableName": "history", "Key": ANY, "UpdateExpression": ANY,
                                             "ConditionExpression": ANY, "ExpressionAttributeNames": ANY,
                                             "ExpressionAttributeValues": ANY})  # fmt: skip
    stubber.add_response("put_item", {}, {"TableName": "history", "Item": ANY})

    assert store.put_draft_within_quota(record, day=DAY, limit=5) is True


def test_a_conflict_then_a_spent_quota_stores_nothing(stubbed: tuple[DynamoDBHistoryStore, Stubber]) -> None:
    store, stubber = stubbed
    cancelled(stubber, "TransactionConflict", "None")
    stubber.add_client_error("update_item", service_error_code="ConditionalCheckFailedException")

    assert store.put_draft_within_quota(make_record("u1"), day=DAY, limit=5) is False


@pytest.mark.parametrize("codes", [("None", "ValidationError"), ("ThrottlingError", "None")])
def test_any_other_cancellation_is_raised(stubbed: tuple[DynamoDBHistoryStore, Stubber], codes: tuple[str, str]) -> None:
    store, stubber = stubbed
    cancelled(stubber, *codes)

    with pytest.raises(ClientError, match="TransactionCanceledException"):
        store.put_draft_within_quota(make_record("u1"), day=DAY, limit=5)
