"""The DynamoDB history store against DynamoDB Local, with the tables created from template.yaml."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from shared.adapters.dynamodb_history import DynamoDBHistoryStore
from shared.history import Profile, new_draft_id
from shared.local.dynamodb import local_client
from shared.usecases.sender_addresses import SenderAddress
from tests.support.records import make_record

pytestmark = pytest.mark.integration


def test_a_stored_draft_reads_back_unchanged(history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]) -> None:
    user = make_user_id()
    record = make_record(user)

    history_store.put_draft(record)

    assert history_store.get_draft(user, record.id) == record


def test_a_draft_is_invisible_to_other_users_and_unknown_ids_are_none(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    owner, stranger = make_user_id(), make_user_id()
    record = make_record(owner)
    history_store.put_draft(record)

    assert history_store.get_draft(stranger, record.id) is None
    assert history_store.get_draft(owner, new_draft_id()) is None
    assert history_store.get_draft(owner, "x" * 5_000) is None
    assert history_store.get_draft(owner, "") is None


def test_history_pages_newest_first_until_a_page_without_cursor(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    user = make_user_id()
    start = time.time() - 1_000
    records = [make_record(user, created=start + second, body=f"Draft number {second}.") for second in range(7)]
    for record in records:
        history_store.put_draft(record)

    pages = []
    cursor = None
    while True:
        page = history_store.list_drafts(user, limit=3, cursor=cursor)
        pages.append([item.id for item in page.items])
        cursor = page.cursor
        if cursor is None:
            break

    newest_first = [record.id for record in reversed(records)]
    assert pages == [newest_first[0:3], newest_first[3:6], newest_first[6:7]]


def test_a_full_last_page_has_no_cursor(history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]) -> None:
    user = make_user_id()
    for second in range(4):
        history_store.put_draft(make_record(user, created=time.time() + second))

    first = history_store.list_drafts(user, limit=2)
    assert first.cursor is not None
    last = history_store.list_drafts(user, limit=2, cursor=first.cursor)
    assert len(last.items) == 2
    assert last.cursor is None


def test_listing_shows_only_drafts_not_the_profile_or_quota(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    user = make_user_id()
    record = make_record(user)
    history_store.put_draft(record)
    history_store.put_profile(Profile(user_id=user, pitch="I build tools."))
    assert history_store.take_daily_quota(user, "2030-01-02", 5)

    page = history_store.list_drafts(user, limit=10)

    assert [item.id for item in page.items] == [record.id]
    assert page.cursor is None


def test_an_empty_history_is_an_empty_page(history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]) -> None:
    page = history_store.list_drafts(make_user_id(), limit=5)
    assert page.items == []
    assert page.cursor is None


def _cursor(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        _cursor(["a", "list"]),
        _cursor({"pk": "USER#someone-else", "sk": "DRAFT#0000"}),
        _cursor({"sk": "DRAFT#0000"}),
    ],
)
def test_a_cursor_the_store_did_not_issue_is_refused(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str], cursor: str
) -> None:
    with pytest.raises(ValueError, match="cursor"):
        history_store.list_drafts(make_user_id(), limit=2, cursor=cursor)


def test_another_users_cursor_is_refused_and_non_draft_keys_too(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    owner, stranger = make_user_id(), make_user_id()
    for second in range(3):
        history_store.put_draft(make_record(owner, created=time.time() + second))
    cursor = history_store.list_drafts(owner, limit=1).cursor
    assert cursor is not None

    with pytest.raises(ValueError, match="cursor"):
        history_store.list_drafts(stranger, limit=1, cursor=cursor)
    with pytest.raises(ValueError, match="cursor"):
        history_store.list_drafts(owner, limit=1, cursor=_cursor({"pk": f"USER#{owner}", "sk": "PROFILE"}))


def test_limit_below_one_is_refused(history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]) -> None:
    with pytest.raises(ValueError, match="limit"):
        history_store.list_drafts(make_user_id(), limit=0)


def test_delete_removes_only_the_owners_draft_and_reports_it(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    owner, stranger = make_user_id(), make_user_id()
    record = make_record(owner)
    history_store.put_draft(record)

    assert history_store.delete_draft(stranger, record.id) is False
    assert history_store.get_draft(owner, record.id) == record

    assert history_store.delete_draft(owner, record.id) is True
    assert history_store.get_draft(owner, record.id) is None
    assert history_store.delete_draft(owner, record.id) is False
    assert history_store.delete_draft(owner, "") is False


def test_quota_racing_threads_get_exactly_the_limit(history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]) -> None:
    user = make_user_id()
    with ThreadPoolExecutor(max_workers=20) as pool:
        granted = list(pool.map(lambda _: history_store.take_daily_quota(user, "2030-03-04", 5), range(20)))

    assert granted.count(True) == 5
    # Another day, and another user, count from zero.
    assert history_store.take_daily_quota(user, "2030-03-05", 5) is True
    assert history_store.take_daily_quota(make_user_id(), "2030-03-04", 5) is True


def test_quota_counter_expires_two_days_after_its_day(
    dynamodb_local: str, history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    user = make_user_id()
    assert history_store.take_daily_quota(user, "2030-03-04", 2) is True
    assert history_store.take_daily_quota(user, "2030-03-04", 2) is True
    assert history_store.take_daily_quota(user, "2030-03-04", 2) is False

    item = local_client(dynamodb_local).get_item(
        TableName=history_store.table_name, Key={"pk": {"S": f"USER#{user}"}, "sk": {"S": "QUOTA#2030-03-04"}}
    )["Item"]
    assert item["count"] == {"N": "2"}
    assert int(item["expires_at"]["N"]) == int(datetime(2030, 3, 7, tzinfo=UTC).timestamp())


def test_quota_refuses_a_bad_day_and_grants_nothing_at_limit_zero(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    user = make_user_id()
    with pytest.raises(ValueError, match="isoformat"):
        history_store.take_daily_quota(user, "tomorrow", 5)
    assert history_store.take_daily_quota(user, "2030-03-04", 0) is False


def quota_count(dynamodb_local: str, store: DynamoDBHistoryStore, user: str, day: str) -> int:
    item = (
        local_client(dynamodb_local)
        .get_item(TableName=store.table_name, Key={"pk": {"S": f"USER#{user}"}, "sk": {"S": f"QUOTA#{day}"}}, ConsistentRead=True)
        .get("Item")
    )
    return 0 if item is None else int(item["count"]["N"])


def test_a_draft_within_the_quota_is_counted_and_stored_in_one_write(
    dynamodb_local: str, history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    user = make_user_id()
    record = make_record(user)

    assert history_store.put_draft_within_quota(record, day="2030-03-04", limit=2) is True

    assert history_store.get_draft(user, record.id) == record
    assert quota_count(dynamodb_local, history_store, user, "2030-03-04") == 1
    # It counts against the same quota as take_daily_quota, which the model path uses.
    assert history_store.take_daily_quota(user, "2030-03-04", 2) is True
    assert history_store.put_draft_within_quota(make_record(user), day="2030-03-04", limit=2) is False


def test_the_same_draft_written_again_is_counted_once(
    dynamodb_local: str, history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    """A retried call (botocore retries a timed-out request with the same parameters) is applied once."""
    user = make_user_id()
    record = make_record(user)

    assert history_store.put_draft_within_quota(record, day="2030-03-04", limit=5) is True
    assert history_store.put_draft_within_quota(record, day="2030-03-04", limit=5) is True

    assert quota_count(dynamodb_local, history_store, user, "2030-03-04") == 1
    assert [item.id for item in history_store.list_drafts(user, limit=5).items] == [record.id]


def test_a_spent_quota_stores_no_draft_and_counts_nothing_more(
    dynamodb_local: str, history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    user = make_user_id()
    assert history_store.take_daily_quota(user, "2030-03-04", 1) is True
    record = make_record(user)

    assert history_store.put_draft_within_quota(record, day="2030-03-04", limit=1) is False

    assert history_store.get_draft(user, record.id) is None
    assert history_store.list_drafts(user, limit=5).items == []
    assert quota_count(dynamodb_local, history_store, user, "2030-03-04") == 1
    assert history_store.put_draft_within_quota(record, day="2030-03-04", limit=0) is False
    with pytest.raises(ValueError, match="isoformat"):
        history_store.put_draft_within_quota(record, day="tomorrow", limit=5)


def test_drafts_racing_for_the_quota_store_exactly_the_limit(
    dynamodb_local: str, history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    """Concurrent transactions on one counter conflict in DynamoDB; none of them fails the request for it."""
    user = make_user_id()
    records = [make_record(user, body=f"Hello number {index}.") for index in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        stored = list(pool.map(lambda record: history_store.put_draft_within_quota(record, day="2030-03-04", limit=5), records))

    assert stored.count(True) == 5
    kept = {record.id for record, was_stored in zip(records, stored, strict=True) if was_stored}
    assert {record.id for record in history_store.list_drafts(user, limit=50).items} == kept
    assert quota_count(dynamodb_local, history_store, user, "2030-03-04") == 5


def test_profile_defaults_round_trip_and_a_profile_alone_makes_no_address_usable(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    user = make_user_id()
    profile = Profile(user_id=user, pitch="I build tools.", sender_name="Jo", sender_interests="chess", offer="my notes")

    history_store.put_profile(profile.model_copy(update={"email": f"jo.{user}@example.org"}))

    assert history_store.get_profile(user) == profile
    assert history_store.find_profile_by_email(f"jo.{user}@example.org") is None
    assert history_store.get_profile(make_user_id()) is None


def confirm(store: DynamoDBHistoryStore, user: str, address: str, code_hash: str | None = None) -> str:
    return store.confirm_address(user, address, verified_at=time.time(), verified_by="code", code_hash=code_hash)


def pending(user: str, address: str, code_hash: str = "a" * 64) -> SenderAddress:
    return SenderAddress(
        user_id=user,
        address=address,
        state="pending",
        code_hash=code_hash,
        code_salt="00" * 16,
        code_expires_at=time.time() + 900,
    )


def test_a_verified_address_finds_its_holders_profile(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    user = make_user_id()
    address = f"jo.{user}@example.org".lower()
    history_store.put_profile(Profile(user_id=user, pitch="I build tools."))
    history_store.put_claim(pending(user, address), expires_at=time.time() + 3600)
    assert history_store.find_profile_by_email(address) is None

    assert confirm(history_store, user, address, "a" * 64) == "verified"

    found = history_store.find_profile_by_email(f"  JO.{user}@example.ORG ")
    assert found == Profile(user_id=user, email=address, pitch="I build tools.")
    [claim] = history_store.list_addresses(user)
    assert (claim.state, claim.code_hash, claim.verified_by) == ("verified", None, "code")


def test_the_first_to_verify_holds_the_address_and_a_code_works_once(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    first, second = make_user_id(), make_user_id()
    address = f"shared.{first}@example.org".lower()
    for user in (first, second):
        history_store.put_claim(pending(user, address), expires_at=time.time() + 3600)

    assert confirm(history_store, first, address, "a" * 64) == "verified"
    assert confirm(history_store, first, address, "a" * 64) == "stale"  # the code was consumed
    assert confirm(history_store, second, address, "a" * 64) == "taken"
    assert history_store.address_holder(address) == first
    [still_pending] = history_store.list_addresses(second)
    assert still_pending.state == "pending"

    # A verified address is never turned back into a pending claim.
    history_store.put_claim(pending(first, address, "b" * 64), expires_at=time.time() + 3600)
    [kept] = history_store.list_addresses(first)
    assert kept.state == "verified"


def test_racing_verifications_leave_exactly_one_holder(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    users = [make_user_id() for _ in range(8)]
    address = f"race.{users[0]}@example.org".lower()
    for user in users:
        history_store.put_claim(pending(user, address), expires_at=time.time() + 3600)
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda user: confirm(history_store, user, address, "a" * 64), users))

    assert outcomes.count("verified") == 1
    assert history_store.address_holder(address) == users[outcomes.index("verified")]


def test_tries_are_counted_atomically_up_to_the_limit_and_only_for_the_current_code(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    user = make_user_id()
    address = f"count.{user}@example.org".lower()
    history_store.put_claim(pending(user, address), expires_at=time.time() + 3600)
    assert history_store.take_attempt(user, address, "c" * 64, 5) is False  # an older code: not counted
    with ThreadPoolExecutor(max_workers=10) as pool:
        granted = list(pool.map(lambda _: history_store.take_attempt(user, address, "a" * 64, 5), range(10)))
    assert granted.count(True) == 5
    claim = history_store.get_address(user, address)
    assert claim is not None
    assert claim.attempts == 5


def test_releasing_frees_the_address_for_someone_else_but_not_anothers(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    holder, other = make_user_id(), make_user_id()
    address = f"free.{holder}@example.org".lower()
    history_store.put_claim(pending(holder, address), expires_at=time.time() + 3600)
    history_store.put_claim(pending(other, address), expires_at=time.time() + 3600)
    assert confirm(history_store, holder, address) == "verified"

    assert history_store.release_address(other, address) is True  # only the other's own claim goes
    assert history_store.address_holder(address) == holder
    assert history_store.release_address(holder, address) is True
    assert history_store.address_holder(address) is None
    assert history_store.find_profile_by_email(address) is None
    assert history_store.release_address(holder, address) is False


def test_code_allowances_count_to_their_limit(history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]) -> None:
    counter = f"codes-user#{make_user_id()}"
    granted = [history_store.take_allowance(counter, "2030-01-01T10", 3, expires_at=time.time() + 7200) for _ in range(5)]
    assert granted == [True, True, True, False, False]
    assert history_store.take_allowance(counter, "2030-01-01T11", 3, expires_at=time.time() + 7200) is True
    # The longest address there is still names a counter of its own.
    longest = f"codes-address#{'a' * 64}@{'b' * 185}.example"
    assert history_store.take_allowance(longest, "2030-01-01T10", 1, expires_at=time.time() + 7200) is True


def test_profiles_saved_before_verification_existed_are_read_without_their_address(
    dynamodb_local: str, history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    user = make_user_id()
    client = local_client(dynamodb_local)
    address = f"old.{user}@example.org"
    client.put_item(
        TableName=history_store.table_name,
        Item={"pk": {"S": f"USER#{user}"}, "sk": {"S": "PROFILE"}, "user_id": {"S": user}, "email": {"S": address},
              "email_key": {"S": address}, "pitch": {"S": "Old pitch."}},
    )  # fmt: skip
    client.put_item(
        TableName=history_store.table_name, Item={"pk": {"S": f"SENDER#{address}"}, "sk": {"S": "SENDER"}, "user_id": {"S": user}}
    )

    assert history_store.get_profile(user) == Profile(user_id=user, pitch="Old pitch.")
    # The old, declared-only sender item makes nothing usable.
    assert history_store.find_profile_by_email(address) is None


def test_the_composition_root_builds_a_store_on_dynamodb_local(
    dynamodb_environment: str, make_user_id: Callable[[], str]
) -> None:
    from shared import composition

    store = composition.history_store()
    user = make_user_id()
    record = make_record(user)
    store.put_draft(record)

    assert store.get_draft(user, record.id) == record
    assert composition.history_store() is store
