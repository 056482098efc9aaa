"""Draft history, daily quotas and profiles in one DynamoDB table (see template.yaml's HistoryTable).

Items, keyed by `pk`/`sk`:

    USER#<user id>   DRAFT#<draft id>   one draft; ids are time-ordered, so sk order is age order
    USER#<user id>   PROFILE            the user's sending address and default pitch
    USER#<user id>   QUOTA#<day>        drafts counted that UTC day; expires a few days later
    SENDER#<email>   SENDER             which user registered that (lower-cased) sending address

boto3 is imported by the caller's client factory, never at import time.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from shared.history import DraftRecord, HistoryPage, Profile

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, PutTypeDef, TransactWriteItemTypeDef

# Keys are at most 1,024 bytes; ids and emails that could not be stored are refused before any call.
MAX_KEY_PART_CHARS = 256
# Quota counters outlive their day by this much, then DynamoDB's TTL removes them.
QUOTA_RETENTION = timedelta(days=2)
# How many times a profile update is retried when another update of the same profile won the race.
PROFILE_WRITE_ATTEMPTS = 3

_DRAFT_PREFIX = "DRAFT#"


class DynamoDBHistoryStore:
    """`shared.history.HistoryStore` over DynamoDB. `client_factory` is called once, on first use."""

    def __init__(self, table_name: str, client_factory: Callable[[], DynamoDBClient]) -> None:
        self.table_name = table_name
        self._client_factory = client_factory
        self._client: DynamoDBClient | None = None
        self._client_lock = threading.Lock()

    @property
    def client(self) -> DynamoDBClient:
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    self._client = self._client_factory()
        return self._client

    # ---- drafts -----------------------------------------------------------------------------

    def put_draft(self, record: DraftRecord) -> None:
        key = _draft_key(record.user_id, record.id)
        self.client.put_item(TableName=self.table_name, Item={**_record_attributes(record), **key})

    def get_draft(self, user_id: str, draft_id: str) -> DraftRecord | None:
        try:
            key = _draft_key(user_id, draft_id)
        except ValueError:
            return None  # no such id could have been stored
        item = self.client.get_item(TableName=self.table_name, Key=key, ConsistentRead=True).get("Item")
        return None if item is None else _record_from_item(item)

    def list_drafts(self, user_id: str, *, limit: int, cursor: str | None = None) -> HistoryPage:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        partition = _user_pk(user_id)
        start_key = None if cursor is None else _decode_cursor(cursor, partition)
        items: list[dict[str, AttributeValueTypeDef]] = []
        # One item more than asked tells whether another page exists, so the last page has no cursor.
        while len(items) <= limit:
            query: dict[str, Any] = {
                "TableName": self.table_name,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :draft)",
                "ExpressionAttributeValues": {":pk": {"S": partition}, ":draft": {"S": _DRAFT_PREFIX}},
                "ScanIndexForward": False,
                "ConsistentRead": True,
                "Limit": limit + 1 - len(items),
            }
            if start_key is not None:
                query["ExclusiveStartKey"] = start_key
            response = self.client.query(**query)
            items.extend(response.get("Items", []))
            start_key = response.get("LastEvaluatedKey")
            if start_key is None:
                break
        page = [_record_from_item(item) for item in items[:limit]]
        next_cursor = _encode_cursor(partition, items[limit - 1]["sk"]["S"]) if len(items) > limit else None
        return HistoryPage(items=page, cursor=next_cursor)

    def delete_draft(self, user_id: str, draft_id: str) -> bool:
        try:
            key = _draft_key(user_id, draft_id)
        except ValueError:
            return False
        client = self.client
        try:
            client.delete_item(TableName=self.table_name, Key=key, ConditionExpression="attribute_exists(pk)")
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    # ---- quota ------------------------------------------------------------------------------

    def take_daily_quota(self, user_id: str, day: str, limit: int) -> bool:
        day_date = date.fromisoformat(day)  # ValueError for anything but YYYY-MM-DD
        if limit < 1:
            return False
        expires_at = datetime.combine(day_date + timedelta(days=1), time(), UTC) + QUOTA_RETENTION
        client = self.client
        try:
            # One conditional increment: concurrent requests can never count past the limit.
            client.update_item(
                TableName=self.table_name,
                Key={"pk": {"S": _user_pk(user_id)}, "sk": {"S": f"QUOTA#{day_date.isoformat()}"}},
                UpdateExpression="ADD #count :one SET expires_at = if_not_exists(expires_at, :expires_at)",
                ConditionExpression="attribute_not_exists(#count) OR #count < :limit",
                ExpressionAttributeNames={"#count": "count"},
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":limit": {"N": str(limit)},
                    ":expires_at": {"N": str(int(expires_at.timestamp()))},
                },
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    # ---- profiles ---------------------------------------------------------------------------

    def put_profile(self, profile: Profile) -> None:
        """Save the profile and claim its sending address, in one transaction.

        Raises ValueError when another user has registered that address. A changed address
        releases the old one.
        """
        partition = _user_pk(profile.user_id)
        new_sender_key = _sender_key(profile.email)
        client = self.client
        for _ in range(PROFILE_WRITE_ATTEMPTS):
            current = self._profile_item(partition)
            old_email = current["email_key"]["S"] if current is not None else None
            profile_item: dict[str, AttributeValueTypeDef] = {
                "pk": {"S": partition},
                "sk": {"S": "PROFILE"},
                "user_id": {"S": profile.user_id},
                "email": {"S": profile.email},
                "email_key": {"S": _email_key(profile.email)},
                "pitch": {"S": profile.pitch},
            }
            if profile.sender_name is not None:
                profile_item["sender_name"] = {"S": profile.sender_name}
            owner: dict[str, AttributeValueTypeDef] = {":user": {"S": profile.user_id}}
            # The profile is written only if nobody changed it since it was read above.
            profile_put: PutTypeDef = {"TableName": self.table_name, "Item": profile_item}
            if old_email is None:
                profile_put["ConditionExpression"] = "attribute_not_exists(pk)"
            else:
                profile_put["ConditionExpression"] = "email_key = :old"
                profile_put["ExpressionAttributeValues"] = {":old": {"S": old_email}}
            actions: list[TransactWriteItemTypeDef] = [
                {"Put": profile_put},
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": {**new_sender_key, "user_id": {"S": profile.user_id}},
                        "ConditionExpression": "attribute_not_exists(pk) OR user_id = :user",
                        "ExpressionAttributeValues": owner,
                    }
                },
            ]
            if old_email is not None and old_email != _email_key(profile.email):
                actions.append(
                    {
                        "Delete": {
                            "TableName": self.table_name,
                            "Key": _sender_key(old_email),
                            "ConditionExpression": "attribute_not_exists(pk) OR user_id = :user",
                            "ExpressionAttributeValues": owner,
                        }
                    }
                )
            try:
                client.transact_write_items(TransactItems=actions)
                return
            except client.exceptions.TransactionCanceledException as error:
                reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
                if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                    raise ValueError(f"{profile.email} is already registered by another user") from error
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    continue  # the profile changed meanwhile: read it again
                raise
        raise RuntimeError(f"The profile changed {PROFILE_WRITE_ATTEMPTS} times while it was being saved; try again")

    def get_profile(self, user_id: str) -> Profile | None:
        try:
            partition = _user_pk(user_id)
        except ValueError:
            return None
        item = self._profile_item(partition)
        return None if item is None else _profile_from_item(item)

    def find_profile_by_email(self, email: str) -> Profile | None:
        try:
            key = _sender_key(email)
        except ValueError:
            return None
        sender = self.client.get_item(TableName=self.table_name, Key=key, ConsistentRead=True).get("Item")
        if sender is None:
            return None
        profile = self.get_profile(sender["user_id"]["S"])
        # Both items change in one transaction; the check guards against hand-edited data.
        if profile is None or _email_key(profile.email) != _email_key(email):
            return None
        return profile

    def _profile_item(self, partition: str) -> dict[str, AttributeValueTypeDef] | None:
        key: dict[str, AttributeValueTypeDef] = {"pk": {"S": partition}, "sk": {"S": "PROFILE"}}
        return self.client.get_item(TableName=self.table_name, Key=key, ConsistentRead=True).get("Item")


# ---- keys and cursors -------------------------------------------------------------------------


def _key_part(value: str, what: str) -> str:
    if not value or len(value) > MAX_KEY_PART_CHARS:
        raise ValueError(f"invalid {what}")
    return value


def _user_pk(user_id: str) -> str:
    return f"USER#{_key_part(user_id, 'user id')}"


def _draft_key(user_id: str, draft_id: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": _user_pk(user_id)}, "sk": {"S": _DRAFT_PREFIX + _key_part(draft_id, "draft id")}}


def _email_key(email: str) -> str:
    return _key_part(email.strip().lower(), "email address")


def _sender_key(email: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": f"SENDER#{_email_key(email)}"}, "sk": {"S": "SENDER"}}


def _encode_cursor(partition: str, sort_key: str) -> str:
    payload = json.dumps({"pk": partition, "sk": sort_key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def _decode_cursor(cursor: str, partition: str) -> dict[str, AttributeValueTypeDef]:
    """The start key a cursor stands for; ValueError unless it is a draft key in this user's partition."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError("invalid cursor") from error
    if not isinstance(payload, dict) or set(payload) != {"pk", "sk"}:
        raise ValueError("invalid cursor")
    sort_key = payload["sk"]
    # A cursor names a key, never data: another user's partition or a non-draft key is refused.
    if payload["pk"] != partition or not isinstance(sort_key, str) or not sort_key.startswith(_DRAFT_PREFIX):
        raise ValueError("invalid cursor")
    _key_part(sort_key.removeprefix(_DRAFT_PREFIX), "cursor")
    return {"pk": {"S": partition}, "sk": {"S": sort_key}}


# ---- item conversion --------------------------------------------------------------------------


def _record_attributes(record: DraftRecord) -> dict[str, AttributeValueTypeDef]:
    from boto3.dynamodb.types import TypeSerializer

    # Floats become Decimals: DynamoDB numbers are decimal, and boto3 refuses binary floats.
    attributes = json.loads(record.model_dump_json(), parse_float=Decimal)
    return dict(TypeSerializer().serialize(attributes)["M"])


def _record_from_item(item: dict[str, AttributeValueTypeDef]) -> DraftRecord:
    from boto3.dynamodb.types import TypeDeserializer

    deserialiser = TypeDeserializer()
    attributes = {name: deserialiser.deserialize(value) for name, value in item.items() if name not in ("pk", "sk")}
    # Numbers come back as Decimal; the model's int and float fields accept them as they are.
    return DraftRecord.model_validate(attributes)


def _profile_from_item(item: dict[str, AttributeValueTypeDef]) -> Profile:
    sender_name = item.get("sender_name")
    return Profile(
        user_id=item["user_id"]["S"],
        email=item["email"]["S"],
        pitch=item["pitch"]["S"],
        sender_name=sender_name["S"] if sender_name is not None else None,
    )
