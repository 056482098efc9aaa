"""The sender's offer is in the draft, or the result says plainly why not: it is never dropped in silence."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest

from shared.composer import compose_offline
from shared.composer.pitch import offer_left_out
from shared.models import Channel, DraftRequest, Rule
from shared.prompts import PromptLibrary
from shared.service import DraftingService

PROMPTS = PromptLibrary(Path(__file__).resolve().parents[2] / "prompts")
DATA = tomllib.loads((Path(__file__).parent / "data" / "offers.toml").read_text(encoding="utf-8"))
BIO = (
    "I'm a UX research lead at a public-sector digital agency, and I've been doing research with citizens for about "
    "twelve years. I took two years out when my twins were born and came back through a returnship programme. These "
    "days most of my free time goes on the twins, sea kayaking when I can get a babysitter, and an embarrassing number "
    "of crossword puzzles."
)
PITCH = (
    "I'm an ICU nurse of ten years retraining as a UX researcher, focused on clinical software that nurses actually like using."
)


def request(offer: str, channel: Channel = Channel.EMAIL) -> DraftRequest:
    return DraftRequest(target_bio=BIO, pitch=PITCH, channel=channel, offer=offer, sender_name="Jo", target_name="Fiona")


@pytest.mark.parametrize("case", DATA["carried"], ids=lambda case: case["offer"][:30])
@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.LINKEDIN_MESSAGE])
def test_an_offer_naming_its_own_facts_is_in_the_draft(case: dict[str, str], channel: Channel) -> None:
    draft = compose_offline(request(case["offer"], channel))
    assert not draft.violations
    assert draft.left_out_of_offer is None
    core = case["offer"].removeprefix("I'd be happy to send ")
    assert core in draft.body


@pytest.mark.parametrize("case", DATA["left_out"], ids=lambda case: case["reason"])
def test_an_offer_left_out_says_why(case: dict[str, str]) -> None:
    draft = compose_offline(request(case["offer"]))
    assert case["offer"] not in draft.body
    assert draft.left_out_of_offer == offer_left_out(case["offer"], case["reason"])


def test_a_note_too_short_for_the_offer_says_so() -> None:
    offer = "my reading list on clinical UX, built over ten years of nursing shifts and evenings"
    draft = compose_offline(request(offer, Channel.LINKEDIN_NOTE))
    assert "reading list" not in draft.body
    assert draft.left_out_of_offer == offer_left_out(offer, "no_room")


def test_the_service_reports_the_offer_left_out_as_a_failed_check() -> None:
    result = DraftingService(None, PROMPTS).draft(request("Can we hop on a call?"), deadline=time.monotonic() + 10)
    pitch_check = next(check for check in result.checks if check.rule is Rule.MISSING_PITCH)
    assert not pitch_check.passed
    assert "Your offer “Can we hop on a call?” was left out" in pitch_check.explanation
