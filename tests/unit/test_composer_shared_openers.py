"""Saying a pursuit is shared: in the sender's own words, naming what was read, without gushing."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from shared.composer import compose_offline
from shared.models import Channel, DraftRequest

DATA = tomllib.loads((Path(__file__).parent / "data" / "shared_openers.toml").read_text(encoding="utf-8"))
REVIEW_BIOS = Path(__file__).parent / "data" / "review_bios"
PITCH = "I'm a product designer returning to work after three years at home with my kids."
INTERESTS = ["running, gardening", "swimming", "kayaking, crosswords", "crosswords", "rowing", "frisbee", "baking, cats"]


def draft(bio: str, interests: str, channel: Channel, sender: str | None = None) -> str:
    request = DraftRequest(target_bio=bio, pitch=PITCH, channel=channel, sender_interests=interests, sender_name=sender)
    return compose_offline(request).body


@pytest.mark.parametrize("channel", list(Channel))
def test_no_opener_points_at_the_profile_without_saying_what_it_read(channel: Channel) -> None:
    for bio in sorted(REVIEW_BIOS.glob("*.txt")):
        for index, interests in enumerate(INTERESTS):
            body = draft(bio.read_text(encoding="utf-8"), interests, channel, "Sam" if index % 2 else None)
            assert not [line for line in DATA["vague"] if line in body], body


@pytest.mark.parametrize("case", DATA["sender_words"], ids=lambda case: case["interests"])
@pytest.mark.parametrize("channel", list(Channel))
def test_sharing_is_claimed_in_the_senders_words(case: dict[str, object], channel: Channel) -> None:
    body = draft((REVIEW_BIOS / str(case["bio"])).read_text(encoding="utf-8"), str(case["interests"]), channel)
    assert str(case["claimed"]) in body.lower()
    assert str(case.get("names", case["claimed"])) in body.lower()
    assert not [claim for claim in case["never"] if claim in body.lower()], body  # type: ignore[attr-defined]
