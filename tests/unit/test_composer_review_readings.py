"""Bios a reader found misread: the hook is the pursuit the sender shares, titles are no names, a trustee's charity is
a cause, a hockey dad is a parent and a cat is no pastime."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.composer import OfflineDraft, compose_offline
from shared.models import Channel, DraftRequest

DATA = tomllib.loads((Path(__file__).parent / "data" / "review_readings.toml").read_text(encoding="utf-8"))
REVIEW_BIOS = Path(__file__).parent / "data" / "review_bios"
PITCH = "I'm a marketing manager moving into product management after five years running growth experiments."


def compose(bio: str, channel: Channel = Channel.LINKEDIN_MESSAGE, interests: str | None = None) -> OfflineDraft:
    text = (REVIEW_BIOS / bio).read_text(encoding="utf-8")
    return compose_offline(DraftRequest(target_bio=text, pitch=PITCH, channel=channel, sender_interests=interests))


@pytest.mark.parametrize("case", DATA["overlaps"], ids=lambda case: f"{case['bio']}-{case['interests']}")
@pytest.mark.parametrize("channel", list(Channel))
def test_the_pursuit_the_sender_shares_is_the_hook(case: dict[str, str], channel: Channel) -> None:
    draft = compose(case["bio"], channel, case["interests"])
    assert draft.shared_interest.shared_with_sender
    assert draft.shared_interest.topic == case["topic"]


@pytest.mark.parametrize("case", DATA["told"], ids=lambda case: f"{case['bio']}-{case.get('interests')}")
@pytest.mark.parametrize("channel", list(Channel))
def test_a_pursuit_is_told_as_the_bio_means_it(case: dict[str, Any], channel: Channel) -> None:
    draft = compose(case["bio"], channel, case.get("interests"))
    text = f"{draft.subject or ''}\n{draft.body}".lower()
    assert case["says"] in text, text
    assert not [phrase for phrase in case["never"] if phrase in text], text
