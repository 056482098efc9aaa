"""The one draft use case on in-memory ports: quota first, the bio names its person, one dated record stored."""

from __future__ import annotations

import pytest

from shared.composition import PROMPTS_DIR
from shared.models import DraftRequest, DraftResult
from shared.prompts import PromptLibrary
from shared.service import DraftingService
from shared.usecases.create_draft import CreateDraft, DraftQuotaSpent
from shared.usecases.deadline import API_GATEWAY_LIMIT_SECONDS, Deadline, Reserve
from tests.support.emails import MemoryHistory

NOW = 1_800_000_000.5  # 2027-01-15T08:00:00.500Z
BIO = "Ines Duarte runs a small design studio in Lisbon and swims in the Atlantic every morning before work."
PITCH = "I design accessible booking flows for small hotels."


class Drafter:
    def __init__(self) -> None:
        self.service = DraftingService(None, PromptLibrary(PROMPTS_DIR))
        self.requests: list[DraftRequest] = []

    def draft(self, request: DraftRequest, *, deadline: Deadline | float) -> DraftResult:
        self.requests.append(request)
        return self.service.draft(request, deadline=deadline)


def use_case(history: MemoryHistory | None, *, quota: int = 5) -> tuple[CreateDraft, Drafter]:
    drafter = Drafter()
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


def test_a_spent_quota_drafts_nothing_and_says_when_it_resets() -> None:
    history = MemoryHistory(quota_used=2)
    create, drafter = use_case(history, quota=2)
    with pytest.raises(DraftQuotaSpent) as spent:
        create(DraftRequest(target_bio=BIO, pitch=PITCH), user_id="u1", source="web", deadline=Deadline.after(30))
    assert spent.value.limit == 2
    assert spent.value.retry_after == 16 * 3600 - 1  # from 08:00:00.5 to midnight
    assert drafter.requests == []
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
