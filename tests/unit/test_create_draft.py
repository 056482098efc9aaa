"""The one draft use case on in-memory ports: the quota before any model call, one write without a model, the bio
names its person, one dated record stored."""

from __future__ import annotations

import pytest

from shared.composition import PROMPTS_DIR
from shared.history import DraftRecord
from shared.models import DraftRequest, DraftResult
from shared.prompts import PromptLibrary
from shared.service import DraftingService, UnsafeDraftError
from shared.usecases.create_draft import CreateDraft, DraftQuotaSpent
from shared.usecases.deadline import API_GATEWAY_LIMIT_SECONDS, Deadline, Reserve
from tests.support.emails import MemoryHistory

NOW = 1_800_000_000.5  # 2027-01-15T08:00:00.500Z
BIO = "Ines Duarte runs a small design studio in Lisbon and swims in the Atlantic every morning before work."
PITCH = "I design accessible booking flows for small hotels."


class Drafter:
    """The offline drafting service, counting its calls; `calls_model` says it stands for a model-backed one."""

    def __init__(self, *, calls_model: bool = False) -> None:
        self.service = DraftingService(None, PromptLibrary(PROMPTS_DIR))
        self.requests: list[DraftRequest] = []
        self.calls_model = calls_model

    def draft(self, request: DraftRequest, *, deadline: Deadline | float) -> DraftResult:
        self.requests.append(request)
        return self.service.draft(request, deadline=deadline)


class UnsafeDrafter(Drafter):
    def draft(self, request: DraftRequest, *, deadline: Deadline | float) -> DraftResult:
        self.requests.append(request)
        raise UnsafeDraftError("even the offline draft asked for something")


class CountingHistory(MemoryHistory):
    """The in-memory store, counting its writes: each method is one round trip to a real store."""

    def __init__(self, *, quota_used: int = 0) -> None:
        super().__init__(quota_used=quota_used)
        self.writes: list[str] = []

    def take_daily_quota(self, user_id: str, day: str, limit: int) -> bool:
        self.writes.append("take_daily_quota")
        return super().take_daily_quota(user_id, day, limit)

    def put_draft(self, record: DraftRecord) -> None:
        self.writes.append("put_draft")
        super().put_draft(record)

    def put_draft_within_quota(self, record: DraftRecord, *, day: str, limit: int) -> bool:
        self.writes.append("put_draft_within_quota")
        used = self.quota.get((record.user_id, day), self._quota_used)
        if used >= limit:
            return False
        self.quota[(record.user_id, day)] = used + 1
        self.drafts[(record.user_id, record.id)] = record
        return True


def use_case(history: MemoryHistory | None, *, quota: int = 5, drafter: Drafter | None = None) -> tuple[CreateDraft, Drafter]:
    drafter = drafter or Drafter()
    return CreateDraft(drafter, history, daily_quota=quota, clock=lambda: NOW), drafter


def test_a_draft_is_stored_once_dated_now_and_counted_for_today() -> None:
    history = MemoryHistory()
    create, _ = use_case(history)
    record = create(DraftRequest(target_bio=BIO, pitch=PITCH), user_id="u1", source="web", deadline=Deadline.after(30))
    assert record.created_at == "2027-01-15T08:00:00.500Z"
    assert history.drafts == {("u1", record.id): record}
    assert history.quota == {("u1", "2027-01-15"): 1}
    assert record.id.startswith(f"{int(NOW * 1000):012x}")


def test_the_time_of_receipt_dates_the_draft_and_picks_the_quota_day() -> None:
    history = MemoryHistory()
    create, _ = use_case(history)
    record = create(
        DraftRequest(target_bio=BIO, pitch=PITCH),
        user_id="u1",
        source="email",
        deadline=Deadline.after(30),
        received_at=1_741_079_702.5,
        draft_id="stable-id",
    )
    assert (record.id, record.created_at) == ("stable-id", "2025-03-04T09:15:02.500Z")
    assert ("u1", "2025-03-04") in history.quota


@pytest.mark.parametrize("calls_model", [False, True], ids=["offline", "model"])
def test_a_spent_quota_stores_nothing_and_says_when_it_resets(calls_model: bool) -> None:
    history = MemoryHistory(quota_used=2)
    create, _ = use_case(history, quota=2, drafter=Drafter(calls_model=calls_model))
    with pytest.raises(DraftQuotaSpent) as spent:
        create(DraftRequest(target_bio=BIO, pitch=PITCH), user_id="u1", source="web", deadline=Deadline.after(30))
    assert spent.value.limit == 2
    assert spent.value.retry_after == 16 * 3600 - 1  # from 08:00:00.5 to midnight
    assert history.drafts == {}
    assert history.quota.get(("u1", "2027-01-15"), 2) == 2


def test_with_a_model_the_quota_is_taken_before_the_model_is_called() -> None:
    history = CountingHistory(quota_used=2)
    create, drafter = use_case(history, quota=2, drafter=Drafter(calls_model=True))
    with pytest.raises(DraftQuotaSpent):
        create(DraftRequest(target_bio=BIO, pitch=PITCH), user_id="u1", source="web", deadline=Deadline.after(30))
    assert drafter.requests == []
    assert history.writes == ["take_daily_quota"]

    history = CountingHistory()
    create, drafter = use_case(history, drafter=Drafter(calls_model=True))
    record = create(DraftRequest(target_bio=BIO, pitch=PITCH), user_id="u1", source="web", deadline=Deadline.after(30))
    assert history.writes == ["take_daily_quota", "put_draft"]
    assert history.drafts == {("u1", record.id): record}


def test_without_a_model_the_draft_is_counted_and_stored_in_one_write() -> None:
    history = CountingHistory()
    create, _ = use_case(history)
    record = create(DraftRequest(target_bio=BIO, pitch=PITCH), user_id="u1", source="web", deadline=Deadline.after(30))
    assert history.writes == ["put_draft_within_quota"]
    assert history.drafts == {("u1", record.id): record}
    assert history.quota == {("u1", "2027-01-15"): 1}


def test_a_failed_draft_still_costs_one_draft_of_the_day() -> None:
    history = CountingHistory()
    create, _ = use_case(history, drafter=UnsafeDrafter())
    with pytest.raises(UnsafeDraftError):
        create(DraftRequest(target_bio=BIO, pitch=PITCH), user_id="u1", source="web", deadline=Deadline.after(30))
    assert history.quota == {("u1", "2027-01-15"): 1}
    assert history.drafts == {}


def test_a_failed_draft_with_the_quota_spent_says_the_quota_is_spent() -> None:
    history = CountingHistory(quota_used=2)
    create, _ = use_case(history, quota=2, drafter=UnsafeDrafter())
    with pytest.raises(DraftQuotaSpent):
        create(DraftRequest(target_bio=BIO, pitch=PITCH), user_id="u1", source="web", deadline=Deadline.after(30))
    assert history.drafts == {}


def test_the_bio_names_its_person_when_no_name_is_given_and_a_given_name_wins() -> None:
    create, drafter = use_case(None)
    named = create(DraftRequest(target_bio=BIO, pitch=PITCH), user_id="cli", source="cli", deadline=Deadline.after(30))
    assert named.request.target_name == "Ines Duarte"
    assert drafter.requests[-1].target_name == "Ines Duarte"
    given = create(
        DraftRequest(target_bio=BIO, pitch=PITCH, target_name="Ines"), user_id="cli", source="cli", deadline=Deadline.after(30)
    )
    assert given.request.target_name == "Ines"
    first_person = create(
        DraftRequest(target_bio="I run a design studio in Lisbon and swim every morning.", pitch=PITCH),
        user_id="cli",
        source="cli",
        deadline=Deadline.after(30),
    )
    assert first_person.request.target_name is None


def test_without_a_store_nothing_is_counted_or_kept() -> None:
    create, _ = use_case(None, quota=0)
    record = create(DraftRequest(target_bio=BIO, pitch=PITCH), user_id="cli", source="cli", deadline=Deadline.after(30))
    assert record.result.body


def test_one_deadline_keeps_each_named_reserve() -> None:
    clock = iter([100.0, 100.0, 100.0]).__next__
    api = Deadline.for_api(300_000, clock=clock)  # the Lambda has 300 s: API Gateway's limit wins
    assert api.ends_at == 100.0 + API_GATEWAY_LIMIT_SECONDS - api.reserves[Reserve.RESPONSE]
    assert api.before(Reserve.OFFLINE_DRAFT) == api.ends_at - api.reserves[Reserve.OFFLINE_DRAFT]
    email = Deadline.for_email(60_000, clock=clock)
    assert email.ends_at == 100.0 + 60 - email.reserves[Reserve.REPLY]
    late = Deadline(ends_at=100.0 + 2.5, clock=lambda: 100.0)
    assert not late.allows(Reserve.MODEL_CALL, keeping=(Reserve.OFFLINE_DRAFT,))
    assert Deadline(ends_at=100.0 + 3.5, clock=lambda: 100.0).allows(Reserve.MODEL_CALL, keeping=(Reserve.OFFLINE_DRAFT,))
