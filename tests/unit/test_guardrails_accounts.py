"""Handles, bank and wallet accounts, spelled numbers and loose links: found, keyed so the sender's own pass."""

from __future__ import annotations

import pytest

from shared.guardrails.accounts import find_accounts, handle_data
from shared.guardrails.links import contacts, find_foreign_links
from shared.text.reading import read


@pytest.mark.parametrize(
    ("text", "kind", "key"),
    [
        ("Find me on insta @sam.climbs", "handle", "handle:sam.climbs"),
        ("My handle is samclimbs on telegram.", "handle", "handle:samclimbs"),
        ("Snap me at samclimbs99", "handle", "handle:samclimbs99"),
        ("github slash samclimbs", "handle", "handle:samclimbs"),
        ("My IBAN is GB33 BUKB 2020 1555 5555 55, thanks", "account", "GB33BUKB20201555555555"),
        ("IBAN GB29 NWBK 6016 1331 9268 19", "account", "GB29NWBK60161331926819"),
        ("Call me on oh seven seven double oh nine hundred one two three.", "phone", "07700900123"),
        ("Text 555-0134 any time.", "phone", "5550134"),
        ("Reach me via samroutes at gmail, it's the easiest.", "email", "samroutes@gmail"),
        ("It's bit ly slash sam-cv", "link", "bit.ly/sam-cv"),
        ("My Telegram: t dot me slash samroutes", "link", "t.me/samroutes"),
        ("www samclimbs com", "link", "samclimbs.com"),
    ],
)
def test_each_form_is_found_with_its_key(text: str, kind: str, key: str) -> None:
    assert [(contact.kind, contact.key) for contact in contacts(text)] == [(kind, key)]


@pytest.mark.parametrize(
    "text",
    [
        "See you @10am at the crag, said my coach.",
        "My Instagram is mostly dogs.",
        "IG: 10k followers and counting",
        "Zoom is at 5.30 on Thursday",
        "My friend at gmail says hi",
        "It was a great day. Net result: two summits.",
        "The www is full of climbing videos.",
        "I paid $5 on cash app for the raffle.",
        "The 2019-2020 season was our best.",
        "GB33 BUKB 2020 1555 5555 56 is one digit off a real IBAN.",
    ],
)
def test_ordinary_lines_hold_none(text: str) -> None:
    assert contacts(text) == ()


def test_what_the_sender_gave_may_appear_whoever_spells_it() -> None:
    pitch = "I post route notes on insta @Sam.Climbs; club fees to GB33BUKB20201555555555."
    draft = "My notes are on insta @sam.climbs, and fees go to GB33 BUKB 2020 1555 5555 55."
    assert find_foreign_links(draft, allowed_sources=pitch) == []
    assert find_foreign_links(draft, allowed_sources="") != []


@pytest.mark.parametrize(("text", "handle"), handle_data()["examples"])
def test_a_bare_handle_after_a_platform_is_found(text: str, handle: str) -> None:
    assert {(contact.kind, contact.key) for contact in contacts(text)} == {("handle", f"handle:{handle}")}


@pytest.mark.parametrize("text", handle_data()["near_misses"])
def test_prose_after_a_platform_names_no_one(text: str) -> None:
    assert contacts(text) == ()


@pytest.mark.parametrize(
    "unit", ["gb29 ", "gb29 1234 ", "@a1", "insta: a1 ", "ig is 5.30 ", "insta: abc ", "on x as abc ", "x:x:", "on ig as "]
)
def test_hostile_shapes_that_name_no_one_hold_nothing(unit: str) -> None:
    # Each shape repeats a near-candidate 8,000 characters long: every retry must end without a find.
    assert list(find_accounts(read((unit * 8000)[:8000]))) == []
