"""How the one-write draft (quota and history in one DynamoDB transaction) reads a cancelled transaction.

DynamoDB Local serialises transactions, so the reasons a real table gives under contention are stubbed here.
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber

from shared.adapters.dynamodb_history import DynamoDBHistoryStore
from tests.integration.test_history_dynamodb import make_record

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
    stubber.add_response("transact_write_items", {}, {"TransactItems": ANY})

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
