"""Draft history, daily quotas and profiles in one DynamoDB table (see template.yaml's HistoryTable).

Items, keyed by `pk`/`sk`:

    USER#<user id>   DRAFT#<draft id>   one draft; ids are time-ordered, so sk order is age order
    USER#<user id>   PROFILE            the user's defaults: pitch, name, interests, offer
    USER#<user id>   QUOTA#<day>        drafts counted that UTC day; expires a few days later
    USER#<user id>   ADDRESS#<email>    a sending address the user claimed: pending (code hash) or verified
    ADDRESS#<email>  HOLDER             the one user who verified that (lower-cased) address first
    LIMIT#<counter>  <hour>             codes mailed that hour, per user, per user and address, per address; expires soon after

boto3 is imported by the caller's client factory, never at import time.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from shared.history import DraftRecord, HistoryPage, Profile
from shared.usecases.sender_addresses import ConfirmOutcome, SenderAddress, VerifiedBy, normalise_address

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef, UpdateTypeDef

# Keys are at most 1,024 bytes; ids and emails that could not be stored are refused before any call.
MAX_KEY_PART_CHARS = 256
MAX_COUNTER_CHARS = 512
# Quota counters outlive their day by this much, then DynamoDB's TTL removes them.
QUOTA_RETENTION = timedelta(days=2)

_DRAFT_PREFIX = "DRAFT#"
_ADDRESS_PREFIX = "ADDRESS#"
_OPTIONAL_PROFILE_FIELDS = ("sender_name", "sender_interests", "offer")


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
        update = self._quota_update(user_id, day, limit)  # ValueError for a day that is not YYYY-MM-DD
        if limit < 1:
            return False
        client = self.client
        try:
            # One conditional increment: concurrent requests can never count past the limit.
            client.update_item(**update)
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def put_draft_within_quota(self, record: DraftRecord, *, day: str, limit: int) -> bool:
        update = self._quota_update(record.user_id, day, limit)
        if limit < 1:
            return False
        key = _draft_key(record.user_id, record.id)
        actions: list[TransactWriteItemTypeDef] = [
            {"Update": update},
            {"Put": {"TableName": self.table_name, "Item": {**_record_attributes(record), **key}}},
        ]
        client = self.client
        try:
            # The draft's id makes a retried request (botocore retries on a timeout) count the quota once.
            client.transact_write_items(TransactItems=actions, ClientRequestToken=record.id)
        except client.exceptions.TransactionCanceledException as error:
            reasons = _cancellation_codes(error.response)
            if reasons[:1] == ["ConditionalCheckFailed"]:
                return False  # the quota is spent: neither the count nor the draft was written
            if "TransactionConflict" not in reasons:
                raise
            # Another request of this user wrote the same day's counter at the same moment. Two plain writes
            # never conflict (DynamoDB orders them), so the draft is counted and stored as take_daily_quota does.
            if not self.take_daily_quota(record.user_id, day, limit):
                return False
            self.put_draft(record)
        return True

    def _quota_update(self, user_id: str, day: str, limit: int) -> UpdateTypeDef:
        """The conditional increment of the user's counter for `day`, as UpdateItem and a transaction take it."""
        day_date = date.fromisoformat(day)  # ValueError for anything but YYYY-MM-DD
        expires_at = datetime.combine(day_date + timedelta(days=1), time(), UTC) + QUOTA_RETENTION
        return {
            "TableName": self.table_name,
            "Key": {"pk": {"S": _user_pk(user_id)}, "sk": {"S": f"QUOTA#{day_date.isoformat()}"}},
            "UpdateExpression": "ADD #count :one SET expires_at = if_not_exists(expires_at, :expires_at)",
            "ConditionExpression": "attribute_not_exists(#count) OR #count < :limit",
            "ExpressionAttributeNames": {"#count": "count"},
            "ExpressionAttributeValues": {
                ":one": {"N": "1"},
                ":limit": {"N": str(limit)},
                ":expires_at": {"N": str(int(expires_at.timestamp()))},
            },
        }

    # ---- profiles ---------------------------------------------------------------------------

    def put_profile(self, profile: Profile) -> None:
        item: dict[str, AttributeValueTypeDef] = {
            "pk": {"S": _user_pk(profile.user_id)},
            "sk": {"S": "PROFILE"},
            "user_id": {"S": profile.user_id},
            "pitch": {"S": profile.pitch},
        }
        for name in _OPTIONAL_PROFILE_FIELDS:
            value = getattr(profile, name)
            if value is not None:
                item[name] = {"S": value}
        self.client.put_item(TableName=self.table_name, Item=item)

    def get_profile(self, user_id: str) -> Profile | None:
        try:
            partition = _user_pk(user_id)
        except ValueError:
            return None
        key: dict[str, AttributeValueTypeDef] = {"pk": {"S": partition}, "sk": {"S": "PROFILE"}}
        item = self.client.get_item(TableName=self.table_name, Key=key, ConsistentRead=True).get("Item")
        return None if item is None else _profile_from_item(item)

    def find_profile_by_email(self, email: str) -> Profile | None:
        address = normalise_address(email)
        user_id = self.address_holder(address)
        if user_id is None:
            return None
        profile = self.get_profile(user_id) or Profile(user_id=user_id)
        return profile.model_copy(update={"email": address})

    # ---- sending addresses --------------------------------------------------------------------

    def list_addresses(self, user_id: str) -> list[SenderAddress]:
        response = self.client.query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :address)",
            ExpressionAttributeValues={":pk": {"S": _user_pk(user_id)}, ":address": {"S": _ADDRESS_PREFIX}},
            ConsistentRead=True,
        )
        return [_address_from_item(item) for item in response.get("Items", [])]

    def get_address(self, user_id: str, address: str) -> SenderAddress | None:
        try:
            key = _claim_key(user_id, address)
        except ValueError:
            return None
        item = self.client.get_item(TableName=self.table_name, Key=key, ConsistentRead=True).get("Item")
        return None if item is None else _address_from_item(item)

    def put_claim(self, claim: SenderAddress, *, expires_at: float) -> None:
        if claim.code_hash is None or claim.code_salt is None or claim.code_expires_at is None:
            raise ValueError("a pending claim carries its code's hash, salt and expiry")
        client = self.client
        try:
            client.put_item(
                TableName=self.table_name,
                Item={
                    **_claim_key(claim.user_id, claim.address),
                    "user_id": {"S": claim.user_id},
                    "address": {"S": claim.address},
                    "state": {"S": "pending"},
                    "code_hash": {"S": claim.code_hash},
                    "code_salt": {"S": claim.code_salt},
                    "code_expires_at": {"N": _number(claim.code_expires_at)},
                    "attempts": {"N": "0"},
                    "expires_at": {"N": str(int(expires_at))},
                },
                # Never turns a verified address back into a pending one.
                ConditionExpression="attribute_not_exists(pk) OR #state <> :verified",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":verified": {"S": "verified"}},
            )
        except client.exceptions.ConditionalCheckFailedException:
            return

    def take_attempt(self, user_id: str, address: str, code_hash: str, limit: int) -> bool:
        client = self.client
        try:
            client.update_item(
                TableName=self.table_name,
                Key=_claim_key(user_id, address),
                UpdateExpression="ADD attempts :one",
                ConditionExpression="code_hash = :hash AND (attribute_not_exists(attempts) OR attempts < :limit)",
                ExpressionAttributeValues={":one": {"N": "1"}, ":hash": {"S": code_hash}, ":limit": {"N": str(limit)}},
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False  # the tries are spent, or the code was replaced or used meanwhile
        return True

    def confirm_address(
        self, user_id: str, address: str, *, verified_at: float, verified_by: VerifiedBy, code_hash: str | None
    ) -> ConfirmOutcome:
        values: dict[str, AttributeValueTypeDef] = {
            ":verified": {"S": "verified"},
            ":at": {"N": _number(verified_at)},
            ":by": {"S": verified_by},
            ":address": {"S": address},
            ":user": {"S": user_id},
        }
        claim_update: UpdateTypeDef = {
            "TableName": self.table_name,
            "Key": _claim_key(user_id, address),
            "UpdateExpression": (
                "SET #state = :verified, verified_at = :at, verified_by = :by, address = :address, user_id = :user "
                "REMOVE code_hash, code_salt, code_expires_at, attempts, expires_at"
            ),
            "ExpressionAttributeNames": {"#state": "state"},
            "ExpressionAttributeValues": values,
        }
        if code_hash is not None:
            # Single use: the code is removed by this very write, so a second use finds no match.
            claim_update["ConditionExpression"] = "code_hash = :hash"
            values[":hash"] = {"S": code_hash}
        actions: list[TransactWriteItemTypeDef] = [
            {"Update": claim_update},
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": {
                        **_holder_key(address),
                        "user_id": {"S": user_id},
                        "verified_at": {"N": _number(verified_at)},
                    },
                    # The first to verify holds the address; nobody else's verification can take it over.
                    "ConditionExpression": "attribute_not_exists(pk) OR user_id = :user",
                    "ExpressionAttributeValues": {":user": {"S": user_id}},
                }
            },
        ]
        client = self.client
        try:
            client.transact_write_items(TransactItems=actions)
        except client.exceptions.TransactionCanceledException as error:
            reasons = _cancellation_codes(error.response)
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                return "taken"
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return "stale"
            raise
        return "verified"

    def release_address(self, user_id: str, address: str) -> bool:
        try:
            claim_key = _claim_key(user_id, address)
        except ValueError:
            return False
        client = self.client
        existed = client.get_item(TableName=self.table_name, Key=claim_key, ConsistentRead=True).get("Item") is not None
        holder_delete: TransactWriteItemTypeDef = {
            "Delete": {
                "TableName": self.table_name,
                "Key": _holder_key(address),
                "ConditionExpression": "attribute_not_exists(pk) OR user_id = :user",
                "ExpressionAttributeValues": {":user": {"S": user_id}},
            }
        }
        try:
            client.transact_write_items(
                TransactItems=[{"Delete": {"TableName": self.table_name, "Key": claim_key}}, holder_delete]
            )
        except client.exceptions.TransactionCanceledException as error:
            reasons = _cancellation_codes(error.response)
            if not (len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed"):
                raise
            # Someone else holds it: the caller's own claim goes, the holder's stays.
            client.delete_item(TableName=self.table_name, Key=claim_key)
        return existed

    def address_holder(self, address: str) -> str | None:
        try:
            key = _holder_key(normalise_address(address))
        except ValueError:
            return None
        item = self.client.get_item(TableName=self.table_name, Key=key, ConsistentRead=True).get("Item")
        return None if item is None else item["user_id"]["S"]

    def take_allowance(self, counter: str, window: str, limit: int, *, expires_at: float) -> bool:
        if limit < 1:
            return False
        client = self.client
        try:
            client.update_item(
                TableName=self.table_name,
                Key={"pk": {"S": f"LIMIT#{_counter_part(counter)}"}, "sk": {"S": _key_part(window, "window")}},
                UpdateExpression="ADD #count :one SET expires_at = if_not_exists(expires_at, :expires_at)",
                ConditionExpression="attribute_not_exists(#count) OR #count < :limit",
                ExpressionAttributeNames={"#count": "count"},
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":limit": {"N": str(limit)},
                    ":expires_at": {"N": str(int(expires_at))},
                },
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True


# ---- keys and cursors -------------------------------------------------------------------------


def _key_part(value: str, what: str) -> str:
    if not value or len(value) > MAX_KEY_PART_CHARS:
        raise ValueError(f"invalid {what}")
    return value


def _counter_part(counter: str) -> str:
    # A counter names a user, a whole address (up to 254 characters), or a user and an address digest, after its kind:
    # longer than other key parts.
    if not counter or len(counter) > MAX_COUNTER_CHARS:
        raise ValueError("invalid counter")
    return counter


def _user_pk(user_id: str) -> str:
    return f"USER#{_key_part(user_id, 'user id')}"


def _draft_key(user_id: str, draft_id: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": _user_pk(user_id)}, "sk": {"S": _DRAFT_PREFIX + _key_part(draft_id, "draft id")}}


def _claim_key(user_id: str, address: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": _user_pk(user_id)}, "sk": {"S": _ADDRESS_PREFIX + _key_part(address, "email address")}}


def _holder_key(address: str) -> dict[str, AttributeValueTypeDef]:
    # Not the SENDER#<email> items of old: those were declared, never verified, and are ignored.
    return {"pk": {"S": f"ADDRESS#{_key_part(address, 'email address')}"}, "sk": {"S": "HOLDER"}}


def _cancellation_codes(response: Mapping[str, Any]) -> list[str]:
    """Why a cancelled transaction was cancelled: one code per action, in order ("None" for an action that was fine)."""
    return [str(reason.get("Code")) for reason in response.get("CancellationReasons", [])]


def _number(value: float) -> str:
    return format(Decimal(str(round(value, 3))), "f")


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
    """The record as boto3's TypeSerializer would write it, built directly: a JSON document holds only these types."""
    # Floats become Decimals: DynamoDB numbers are decimal, written in their exact JSON digits.
    attributes = json.loads(record.model_dump_json(), parse_float=Decimal)
    return {name: _attribute(value) for name, value in attributes.items()}


def _attribute(value: object) -> AttributeValueTypeDef:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, list):
        return {"L": [_attribute(item) for item in value]}
    if isinstance(value, dict):
        return {"M": {str(name): _attribute(item) for name, item in value.items()}}
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def _record_from_item(item: dict[str, AttributeValueTypeDef]) -> DraftRecord:
    from boto3.dynamodb.types import TypeDeserializer

    deserialiser = TypeDeserializer()
    attributes = {name: deserialiser.deserialize(value) for name, value in item.items() if name not in ("pk", "sk")}
    # Numbers come back as Decimal; the model's int and float fields accept them as they are.
    return DraftRecord.model_validate(attributes)


def _profile_from_item(item: dict[str, AttributeValueTypeDef]) -> Profile:
    # Profiles saved before addresses were verified also carry "email": it is ignored, never trusted.
    optional = {name: item[name]["S"] for name in _OPTIONAL_PROFILE_FIELDS if name in item}
    return Profile(user_id=item["user_id"]["S"], pitch=item.get("pitch", {}).get("S", ""), **optional)


def _address_from_item(item: dict[str, AttributeValueTypeDef]) -> SenderAddress:
    def number(name: str) -> float | None:
        value = item.get(name)
        return None if value is None else float(value["N"])

    def text(name: str) -> str | None:
        value = item.get(name)
        return None if value is None else value["S"]

    return SenderAddress.model_validate(
        {
            "user_id": item["user_id"]["S"],
            "address": item["address"]["S"],
            "state": item["state"]["S"],
            "code_hash": text("code_hash"),
            "code_salt": text("code_salt"),
            "code_expires_at": number("code_expires_at"),
            "attempts": int(number("attempts") or 0),
            "verified_at": number("verified_at"),
            "verified_by": text("verified_by"),
        }
    )
