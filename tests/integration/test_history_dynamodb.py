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
from shared.history import DraftRecord, Profile, new_draft_id, utc_now_iso
from shared.local.dynamodb import local_client
from shared.models import Channel, CheckOutcome, DraftRequest, DraftResult, Rule, SharedInterest, Violation

pytestmark = pytest.mark.integration


def make_record(user_id: str, *, created: float | None = None, body: str = "Hello from the crag.") -> DraftRecord:
    request = DraftRequest(
        target_bio="Product lead. Weekends I climb in the Dolomites and bake sourdough.",
        pitch="I build route-planning tools for climbers.",
        channel=Channel.LINKEDIN_MESSAGE,
        target_name="Ana",
    )
    result = DraftResult(
        body=body,
        channel=Channel.LINKEDIN_MESSAGE,
        shared_interest=SharedInterest(topic="climbing", bio_evidence="climb in the Dolomites", found=True),
        provider="offline",
        model="offline-composer",
        prompt_version="test-1",
        attempts=0,
        checks=[CheckOutcome(rule=Rule.ASK, passed=True, explanation="Asks for nothing.")],
        repaired_violations=[Violation(rule=Rule.ASK, message="Asked for a call.", span="a quick call", start=3, end=15)],
    )
    return DraftRecord(
        id=new_draft_id(created), user_id=user_id, created_at=utc_now_iso(), source="web", request=request, result=result
    )


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
    history_store.put_profile(Profile(user_id=user, email=f"{user}@example.org", pitch="I build tools."))
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


def test_profile_round_trip_and_lookup_by_sending_address(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    user = make_user_id()
    profile = Profile(user_id=user, email=f"Jo.{user}@Example.org", pitch="I build tools.", sender_name="Jo")

    history_store.put_profile(profile)

    assert history_store.get_profile(user) == profile
    assert history_store.find_profile_by_email(f"  jo.{user}@example.ORG ") == profile
    assert history_store.find_profile_by_email(f"someone.{user}@example.org") is None
    assert history_store.get_profile(make_user_id()) is None


def test_re_registering_another_address_releases_the_old_one(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    user, newcomer = make_user_id(), make_user_id()
    old_address, new_address = f"old.{user}@example.org", f"new.{user}@example.org"
    history_store.put_profile(Profile(user_id=user, email=old_address, pitch="First pitch."))

    updated = Profile(user_id=user, email=new_address, pitch="Second pitch.")
    history_store.put_profile(updated)

    assert history_store.get_profile(user) == updated
    assert history_store.find_profile_by_email(new_address) == updated
    assert history_store.find_profile_by_email(old_address) is None
    # The released address is free for someone else.
    history_store.put_profile(Profile(user_id=newcomer, email=old_address, pitch="Mine now."))
    assert history_store.find_profile_by_email(old_address) == Profile(user_id=newcomer, email=old_address, pitch="Mine now.")


def test_an_address_registered_by_another_user_is_refused_and_nothing_changes(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    holder, claimant = make_user_id(), make_user_id()
    address = f"shared.{holder}@example.org"
    holder_profile = Profile(user_id=holder, email=address, pitch="Holder pitch.")
    history_store.put_profile(holder_profile)
    claimant_profile = Profile(user_id=claimant, email=f"own.{claimant}@example.org", pitch="Claimant pitch.")
    history_store.put_profile(claimant_profile)

    with pytest.raises(ValueError, match="already registered"):
        history_store.put_profile(Profile(user_id=claimant, email=address.upper(), pitch="Taking it."))

    assert history_store.find_profile_by_email(address) == holder_profile
    assert history_store.get_profile(claimant) == claimant_profile
    assert history_store.find_profile_by_email(claimant_profile.email) == claimant_profile


def test_updating_a_profile_with_the_same_address_keeps_the_lookup(
    history_store: DynamoDBHistoryStore, make_user_id: Callable[[], str]
) -> None:
    user = make_user_id()
    address = f"same.{user}@example.org"
    history_store.put_profile(Profile(user_id=user, email=address, pitch="Old pitch.", sender_name="Jo"))

    history_store.put_profile(Profile(user_id=user, email=address, pitch="New pitch."))

    assert history_store.find_profile_by_email(address) == Profile(user_id=user, email=address, pitch="New pitch.")


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
