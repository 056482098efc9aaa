"""A stored draft built to order, for the history store's tests."""

from __future__ import annotations

from shared.history import DraftRecord, new_draft_id, utc_now_iso
from shared.models import Channel, CheckOutcome, DraftRequest, DraftResult, Rule, SharedInterest, Violation


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
