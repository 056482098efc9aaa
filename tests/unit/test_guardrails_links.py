"""Links and contacts: every obfuscation family is caught on the text as written; ordinary text is left alone."""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path
from typing import Any

import pytest

from shared.guardrails.links import contacts, find_foreign_links
from shared.models import Rule

_DATA = tomllib.loads((Path(__file__).parents[1] / "data" / "links" / "contacts.toml").read_text(encoding="utf-8"))
CATCH: list[dict[str, Any]] = _DATA["catch"]
CLEAN: list[dict[str, Any]] = _DATA["clean"]
PITCH = "I'm a data engineer moving into climate tech."


@pytest.mark.parametrize("case", CATCH, ids=[case["span"] for case in CATCH])
def test_each_family_is_caught_with_its_span_as_written(case: dict[str, Any]) -> None:
    text = case["text"]
    violation = find_foreign_links(text, allowed_sources=PITCH)[0]
    assert violation.rule is Rule.FOREIGN_LINK
    assert violation.span == case["span"]
    assert violation.start is not None
    assert text[violation.start : violation.end] == case["span"]
    assert f"Adds {case['kind']} you did not give" in violation.message


@pytest.mark.parametrize("case", CLEAN, ids=[case["text"][:40] for case in CLEAN])
def test_ordinary_text_has_no_links(case: dict[str, Any]) -> None:
    assert find_foreign_links(case["text"], allowed_sources="") == []


@pytest.mark.parametrize(
    ("pitch", "draft"),
    [
        ("Portfolio: https://www.sam.dev/work/", "My work: sam dot dev slash work"),
        ("Portfolio: https://www.sam.dev/work/", "See sam.dev for more."),
        ("Write to sam@sam.dev", "I'm at sam [at] sam [dot] dev."),
        ("Call +44 20 7946 0958", "My number is +44 (0)20 7946 0958? no: +442079460958."),
        ("My site is ｓａｍ．ｄｅｖ", "See sam.dev."),
        ("My demo: [demo](https://sam.dev/demo)", "The [demo](https://sam.dev/demo) is live."),
    ],
)
def test_what_the_sender_gave_is_allowed_in_any_spelling(pitch: str, draft: str) -> None:
    assert find_foreign_links(draft, allowed_sources=pitch) == []


def test_images_and_markup_are_never_allowed_even_when_the_sender_wrote_them() -> None:
    pitch = "![me](https://sam.dev/me.png) <b>Sam</b>"
    kinds = [violation.message.split(" you ")[0] for violation in find_foreign_links(pitch, allowed_sources=pitch)]
    assert kinds == ["Adds an image", "Adds HTML markup", "Adds HTML markup"]


def test_an_address_is_reported_once() -> None:
    assert [contact.kind for contact in contacts("Mail anna [at] example [dot] com or anna@example.com")] == [
        "email",
        "email",
    ]


def test_adversarial_shapes_are_read_in_one_pass() -> None:
    for shape in ("a." * 4000, "a-" * 4000, "1." * 4000, "a" * 8000, "[.]" * 2000, " dot a" * 1000, "1 " * 4000, ":" * 8000):
        contacts(shape)


def test_thousands_of_contacts_are_each_found_once_in_order() -> None:
    text = "<b>x</b>" * 1_000
    found = contacts(text)
    assert len(found) == 2_000
    assert all(first.end <= second.start for first, second in itertools.pairwise(found))


def test_a_contact_inside_one_already_found_is_not_found_again() -> None:
    # The markdown link holds a URL that the URL finder also sees: one contact, the link as written.
    text = "See [my site](https://sam.dev/work) and https://sam.dev/talks too."
    assert [text[found.start : found.end] for found in contacts(text)] == [
        "[my site](https://sam.dev/work)",
        "https://sam.dev/talks",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "That race was the turning point in my running.",
        "Match point at the club final, and then cake.",
        "Boiling point is lower at altitude.",
        "El punto es que me encanta correr por el monte.",
        "Desde mi punto de vista, el trail es lo mejor.",
        "Je brode au point de croix le soir.",
        "Faço ponto de cruz aos domingos.",
        "Der Punkt ist, dass ich gern laufe.",
    ],
)
def test_point_and_punto_in_prose_are_words_not_spelled_dots(text: str) -> None:
    assert contacts(text) == ()


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("My site: samclimbs punto com, come and see.", "samclimbs punto com"),
        ("Mail anna punkt de", "anna punkt de"),
        ("Find me at sam dot me.", "sam dot me"),
        ("See example dot de/jobs for roles.", "example dot de/jobs"),
    ],
)
def test_a_spelled_domain_counts_under_a_generic_ending_or_at_the_end_of_its_sentence(text: str, written: str) -> None:
    assert [text[found.start : found.end] for found in contacts(text)] == [written]
