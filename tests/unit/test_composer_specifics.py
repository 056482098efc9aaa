"""A bio with no pursuit opens with something specific it says, never its job title told back; else a plain hello."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.composer import compose_offline
from shared.composer.retell import Reteller
from shared.composer.specifics import cue_clause, what_they_do
from shared.composer.wording import variants
from shared.interests import sentences
from shared.models import Channel, DraftRequest
from tests.eval.metrics import load_corpus

DATA = Path(__file__).parents[2] / "shared" / "composer" / "data" / "specifics.toml"
EXAMPLES: list[dict[str, Any]] = tomllib.loads(DATA.read_text("utf-8"))["example"]
PITCH = "I build scheduling tools for small clinics."
# A job told back: "you're a supply chain analyst", "you are CFO of ...", "you're VP Growth", "you're head of ...".
JOB_TOLD_BACK = re.compile(
    r"(?i)\byou(?:'re| are) (?:an? |the )?(?:[\w-]+ ){0,3}"
    r"(?:analyst|manager|engineer|director|head|cfo|ceo|cto|vp|lead|accountant|consultant)\b"
)


def opening(body: str) -> str:
    return body.split("\n\n")[1]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example["bio"][:40])
def test_each_example_opens_as_its_data_says(example: dict[str, Any]) -> None:
    bio = example["bio"]
    found = what_they_do(bio, sentences(bio), lambda start, end: True, Reteller(bio, None), 120)
    assert (found or "") == example["clause"]
    body = compose_offline(DraftRequest(target_bio=bio, pitch=PITCH, channel=Channel.LINKEDIN_MESSAGE)).body
    if example["clause"]:
        assert example["clause"] in opening(body), body
    else:
        assert opening(body).startswith(variants("openers", "hello")), body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She speaks about her team's on-call rotations.", None),  # a pronoun would need retelling
        ("Chartered, focused on growth.", None),  # one word, not a name
        ("Specialising in transfer pricing since 2014.", None),  # dates a career
        ("PASSIONATE ABOUT PHOTOGRAPHY AND CLASSIC CARS.", None),  # shouting
        ("Writes about hiring and leadership.", None),  # work topics are no opener
        ("Speaker at KubeCon", "you've spoken at KubeCon"),
    ],
)
def test_cue_clauses_refuse_what_would_read_badly(text: str, expected: str | None) -> None:
    assert cue_clause(text, 120) == expected


def bios_without_a_pursuit() -> list[str]:
    files = Path(__file__).parents[1] / "data" / "bios"
    named = [(files / f"{name}.txt").read_text("utf-8") for name in ("no_hobbies", "one_liner_work", "work_only_false_hits")]
    return named + [entry.bio for entry in load_corpus() if not entry.hobbies] + [example["bio"] for example in EXAMPLES]


@pytest.mark.parametrize("channel", list(Channel), ids=lambda channel: channel.value)
def test_no_draft_tells_a_job_title_back(channel: Channel) -> None:
    for bio in bios_without_a_pursuit():
        draft = compose_offline(DraftRequest(target_bio=bio, pitch=PITCH, channel=channel, target_name="Sam Lee"))
        assert not JOB_TOLD_BACK.search(draft.body), draft.body
        assert draft.violations == [], draft.body
