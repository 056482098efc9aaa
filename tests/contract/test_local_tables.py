"""The tables DynamoDB Local serves are the ones template.yaml defines, read back from the running emulator."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from shared.local.dynamodb import local_client
from tests.contract.template_support import template

pytestmark = pytest.mark.integration

TEMPLATE_TABLES = {
    logical_id: resource["Properties"]
    for logical_id, resource in template()["Resources"].items()
    if resource["Type"] == "AWS::DynamoDB::Table"
}


def test_every_template_table_has_a_local_name(history_table_names: Mapping[str, str]) -> None:
    assert set(TEMPLATE_TABLES) == set(history_table_names)


def _key_schema(schema: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(key["AttributeName"], key["KeyType"]) for key in schema]


def _indexes(indexes: list[dict[str, Any]]) -> dict[str, tuple[list[tuple[str, str]], str]]:
    return {index["IndexName"]: (_key_schema(index["KeySchema"]), index["Projection"]["ProjectionType"]) for index in indexes}


@pytest.mark.parametrize("logical_id", sorted(TEMPLATE_TABLES))
def test_local_table_matches_the_template(dynamodb_local: str, history_table_names: Mapping[str, str], logical_id: str) -> None:
    expected = TEMPLATE_TABLES[logical_id]
    client = local_client(dynamodb_local)
    name = history_table_names[logical_id]

    table = client.describe_table(TableName=name)["Table"]
    ttl = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]

    assert _key_schema(table["KeySchema"]) == _key_schema(expected["KeySchema"])
    assert {(a["AttributeName"], a["AttributeType"]) for a in table["AttributeDefinitions"]} == {
        (a["AttributeName"], a["AttributeType"]) for a in expected["AttributeDefinitions"]
    }
    assert _indexes(table.get("GlobalSecondaryIndexes", [])) == _indexes(expected.get("GlobalSecondaryIndexes", []))
    assert _indexes(table.get("LocalSecondaryIndexes", [])) == _indexes(expected.get("LocalSecondaryIndexes", []))
    if "TimeToLiveSpecification" in expected:
        assert ttl.get("AttributeName") == expected["TimeToLiveSpecification"]["AttributeName"]
        assert ttl["TimeToLiveStatus"] == ("ENABLED" if expected["TimeToLiveSpecification"]["Enabled"] else "DISABLED")
    else:
        assert ttl["TimeToLiveStatus"] == "DISABLED"


def test_the_idempotency_table_has_the_layout_powertools_expects() -> None:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    # A stand-in client: only the layer's attribute names are read, nothing is called.
    defaults = DynamoDBPersistenceLayer(table_name="unused", boto3_client=object())
    table = TEMPLATE_TABLES["IdempotencyTable"]

    assert _key_schema(table["KeySchema"]) == [(defaults.key_attr, "HASH")]
    assert table["TimeToLiveSpecification"] == {"AttributeName": defaults.expiry_attr, "Enabled": True}


def test_the_history_table_has_the_keys_the_adapter_writes() -> None:
    table = TEMPLATE_TABLES["HistoryTable"]

    assert _key_schema(table["KeySchema"]) == [("pk", "HASH"), ("sk", "RANGE")]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}
