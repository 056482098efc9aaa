"""Forwards from every client and language, as sent and with the subject rewritten ("bio for you").

The fixtures are written by tests/support/forward_fixtures.py; each one runs both ways and must give the
bio (without a single header line, signature or footer), the person it is about, and the note.
"""

from __future__ import annotations

import json
import re
from email import policy
from email.parser import BytesParser
from typing import Any

import pytest

from shared.email.forwards import find_forward, is_reply_subject, mailbox
from shared.email.parsing import parse_email
from tests.support.emails import ses_message
from tests.support.forward_fixtures import CLIENTS, FORWARDS_DIR, LANGUAGES, fixtures

EXPECTED: dict[str, dict[str, Any]] = json.loads((FORWARDS_DIR / "expected.json").read_text(encoding="utf-8"))
REWRITTEN_SUBJECT = "bio for you"
CASES = [
    pytest.param(name, mode, id=f"{name}-{mode}")
    for name, expected in sorted(EXPECTED.items())
    for mode in ("as_sent", "rewritten")
    if mode == "as_sent" or expected.get("rewritten_subject", True)
]


def with_subject(raw: bytes, subject: str) -> bytes:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    del message["Subject"]
    message["Subject"] = subject
    return message.as_bytes()


def test_the_fixture_files_are_what_the_generator_writes() -> None:
    generated = fixtures()
    assert sorted(EXPECTED) == sorted(generated)
    for name, (raw, expectation) in generated.items():
        assert (FORWARDS_DIR / f"{name}.eml").read_bytes() == raw, (
            f"regenerate: python -m tests.support.forward_fixtures ({name})"
        )
        assert EXPECTED[name] == expectation


def test_every_client_and_at_least_ten_languages_are_covered() -> None:
    clients = {name.rpartition("_")[0] for name in EXPECTED if not name.startswith(("case_", "reply_"))}
    languages = {name.rpartition("_")[2] for name in EXPECTED}
    assert clients == set(CLIENTS)
    assert len(languages) >= 10
    assert len(LANGUAGES) >= 10


@pytest.mark.parametrize(("name", "mode"), CASES)
def test_forward_fixture(name: str, mode: str) -> None:
    expected = EXPECTED[name]
    raw = (FORWARDS_DIR / f"{name}.eml").read_bytes()
    parsed = parse_email(raw if mode == "as_sent" else with_subject(raw, REWRITTEN_SUBJECT))

    assert parsed.forwarded is expected["forwarded"]
    for field in ("forwarded_from", "target_name", "target_rule", "note", "pitch"):
        if field in expected:
            assert getattr(parsed, field) == expected[field], field
    for text in expected.get("bio_has", []):
        assert text in parsed.bio
    for text in expected.get("bio_lacks", []):
        assert text not in parsed.bio, text
    for label in expected.get("header_labels", []):
        assert not re.search(rf"(?m)^\W{{0,3}}{re.escape(label)}\s*:", parsed.bio), label


@pytest.mark.parametrize(
    ("subject", "reply"),
    [
        ("Re: Intro", True),
        ("AW: Intro", True),
        ("SV: Intro", True),
        ("RE[2]: Intro", True),
        ("回复：Intro", True),
        ("Fwd: Intro", False),
        ("FW: Re: Intro", False),
        ("bio for you", False),
        ("Regarding Ana", False),
    ],
)
def test_reply_subjects(subject: str, reply: bool) -> None:
    assert is_reply_subject(subject) is reply


def test_a_bio_with_from_and_date_lines_is_not_a_forward() -> None:
    assert find_forward("From: Lisbon, Portugal\nDate of birth: 1980\nI make pottery.", None) is None
    assert find_forward("From: Lisbon\nDate: 1980\n\nI make pottery.", None) is None


def test_a_header_block_under_a_reply_attribution_is_not_a_forward_even_unquoted_separator_below() -> None:
    text = "Sounds good.\n\nOn Tue, Mar 4, 2025 Tom <tom@x.example> wrote:\n> From: A <a@b.example>\n> Subject: x\n>\n> hi"
    assert find_forward(text, "bio for you") is None


@pytest.mark.parametrize(
    ("value", "address", "name"),
    [
        ("Jane Doe <jane@x.example>", "jane@x.example", "Jane Doe"),
        ("Jane Doe [mailto:Jane@X.example]", "jane@x.example", "Jane Doe"),
        ('"Doe, Jane" <jane@x.example>', "jane@x.example", "Doe, Jane"),
        ("jane@x.example", "jane@x.example", ""),
        ("Jane Doe", None, "Jane Doe"),
        ("**Jane Doe** <mailto:jane@x.example>", "jane@x.example", "**Jane Doe**"),
    ],
)
def test_mailbox_values(value: str, address: str | None, name: str) -> None:
    assert mailbox(value) == (address, name)


def test_hostile_bodies_are_read_line_by_line_without_blowing_up() -> None:
    # Thousands of header-looking lines, quoted separators and a very long line: one pass over a bounded number of lines.
    block = "> " + "-" * 50 + " Forwarded message " + "-" * 50 + "\nFrom: a@b.example\nTo: c@d.example\n\n"
    found = find_forward(block * 3_000 + "x " * 20_000, None)
    assert found is not None
    assert found.depth <= 12


OUTLOOK_2019_ATTRIBUTION = (
    'Here you go.\n\nOn Thursday, October 28, 2021 12:46 PM, "John Doe" <john.doe@acme.example> wrote:\n\nI sail.\n'
)


def test_the_library_still_reads_layouts_ours_does_not_when_the_subject_says_forward() -> None:
    # Outlook 2019 desktop can forward under an "On …, "Name" <address> wrote:" line: the library knows it.
    parsed = parse_email(ses_message(subject="FW: Intro", body=OUTLOOK_2019_ATTRIBUTION))
    assert parsed.forwarded
    assert parsed.bio == "I sail."


@pytest.mark.parametrize("subject", ["Re: Intro", "bio for you"])
def test_an_attribution_line_without_a_forward_subject_is_a_reply(subject: str) -> None:
    parsed = parse_email(ses_message(subject=subject, body=OUTLOOK_2019_ATTRIBUTION))
    assert not parsed.forwarded
    assert parsed.bio == "Here you go."
