"""The composer never retells a contact or a clause that hands one over ("find me on insta: samclimbs")."""

from __future__ import annotations

import re

import pytest

from shared.composer import compose_offline
from shared.guardrails.accounts import handle_data, platform_names
from shared.models import Channel, DraftRequest

PITCH = "I build scheduling tools for small clinics."
CONTACT_CLAUSES = [
    "I climb most weekends, find me on insta",
    "I run marathons; follow my training on Strava",
    "I bake sourdough and you can reach me on discord",
    "Keen cyclist, my strava is where the rides go",
]
PLATFORM = re.compile(r"(?i)\b(?:" + "|".join(re.escape(name) for name in platform_names() - {"x"}) + r")\b")


def drafts(bio: str) -> list[str]:
    return [compose_offline(DraftRequest(target_bio=bio, pitch=PITCH, channel=channel)).body for channel in Channel]


@pytest.mark.parametrize(("line", "handle"), handle_data()["examples"])
def test_a_bare_handle_in_the_bio_is_never_told(line: str, handle: str) -> None:
    for body in drafts(f"Product designer in Leeds. I bake sourdough every Sunday. {line}"):
        assert handle not in body.lower(), body
        assert not PLATFORM.search(body), body
        assert "find you" not in body


@pytest.mark.parametrize("clause", CONTACT_CLAUSES)
def test_a_clause_that_hands_over_a_way_to_reach_them_is_left_out(clause: str) -> None:
    for body in drafts(f"Product designer in Leeds. {clause}."):
        assert not PLATFORM.search(body), body
        assert not re.search(r"(?i)\b(?:find|follow|reach) you\b", body), body
