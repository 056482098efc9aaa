"""Every text of the page, in light and dark colour schemes, at 390 px and on a desktop, in each state a new user
meets (empty form, errors shown, a draft shown, history listed), meets WCAG AA contrast, computed from the
browser's computed styles: 4.5:1 for body text, 3:1 for large text, icons, control borders and the focus ring."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from functions.draft_api.web import SignIn, render
from tests.browser.harness import watched_page
from tests.browser.test_form_first_hour import BIO, DRAFTS, HISTORY_LIST, PITCH, stored_draft

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
# A draft that shows every part of the result card: a fallback notice, a failed check, a repair, an overlap.
SHOWN = {
    **stored_draft(9, body="Hi Maya, fellow trail runner here. I build streaming pipelines.", name="Maya"),
    "fallback_reason": "model_unavailable: timed out",
    "checks": [
        {"rule": "ask", "passed": True, "explanation": "Asks for nothing."},
        {"rule": "length", "passed": False, "explanation": "Longer than the channel takes."},
    ],
    "repaired_violations": [{"rule": "ask", "message": "A request for a call was taken out."}],
}
PROFILE = {
    "pitch": PITCH,
    "sender_name": "Sam",
    "sender_interests": "trail running",
    "offer": "",
    "addresses": [
        {"email": "sam@example.com", "state": "verified", "verified_by": "sign_in", "code_expires_at": None},
        {"email": "sam@work.example", "state": "pending", "verified_by": None, "code_expires_at": "2026-12-05T10:00:00Z"},
    ],
}

# Run in the page: every visible text, icon, control border and focus ring, its contrast and the ratio WCAG asks of it.
MEASURE = (Path(__file__).with_name("contrast.js")).read_text(encoding="utf-8")


def measure(page: Page) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate(MEASURE)
    return found


def too_low(found: list[dict[str, Any]]) -> list[str]:
    return [
        f"{item['kind']} {item['element']} {item['text']!r}: {item['ratio']} < {item['need']}"
        for item in found
        if item["ratio"] < item["need"]
    ]


def lowest(found: list[dict[str, Any]]) -> dict[str, float]:
    by_kind: dict[str, float] = {}
    for item in found:
        by_kind[item["kind"]] = min(by_kind.get(item["kind"], 99.0), item["ratio"])
    return by_kind


SCHEMES = [(scheme, size) for scheme in ("light", "dark") for size in SIZES]


@pytest.fixture(params=SCHEMES, ids=[f"{scheme}-{size}" for scheme, size in SCHEMES])
def styled_page(request: pytest.FixtureRequest, browser: Browser, server_url: str) -> Iterator[Page]:
    scheme, size = request.param
    # The refused draft below is answered 503 (and a caller the API does not know 401): the browser logs both.
    failures = ("status of 503", "status of 401")
    with watched_page(
        browser, allowed_origins=(server_url,), expected_errors=failures, color_scheme=scheme, viewport=SIZES[size]
    ) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        yield page


def answer_history(page: Page, drafts: list[dict[str, Any]]) -> None:
    def history(route: Route) -> None:
        request = route.request
        if request.method == "GET":
            route.fulfill(json={"items": drafts, "cursor": "next" if drafts else None})
        elif "fail" in (request.post_data or ""):
            route.fulfill(status=503, body='{"message":"Service Unavailable"}', content_type="application/json")
        else:
            route.fulfill(status=201, json=SHOWN)

    page.route(HISTORY_LIST, history)
    page.route(re.compile(r"/profile$"), lambda route: route.fulfill(json=PROFILE))


def test_every_text_meets_aa_contrast_in_every_state(styled_page: Page, server_url: str) -> None:
    page = styled_page
    problems: dict[str, list[str]] = {}
    figures: dict[str, dict[str, float]] = {}

    def check(state: str) -> None:
        found = measure(page)
        assert {item["kind"] for item in found} >= {"text", "focus"}, state
        problems[state] = too_low(found)
        figures[state] = lowest(found)

    answer_history(page, [])
    page.goto(f"{server_url}/")
    expect(page.locator("#history-empty")).to_be_visible()
    expect(page.locator(".address-item")).to_have_count(2)
    # The scheme took: a dark page has a dark background.
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert (background == "rgb(21, 25, 27)") == dark, background
    check("empty form")

    page.click("#submit")
    expect(page.locator("#target_bio-error")).to_be_visible()
    page.fill("#pitch", "p" * 1_501)
    expect(page.locator("#pitch-counter")).to_have_class(re.compile("is-over"))
    check("field errors")

    page.fill("#target_bio", BIO)
    page.fill("#pitch", "fail")
    page.click("#submit")
    expect(page.locator("#form-error")).to_be_visible()
    check("error shown")

    page.unroute(HISTORY_LIST)
    answer_history(page, DRAFTS)
    page.reload()
    expect(page.locator(".history-item")).to_have_count(len(DRAFTS))
    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible()
    expect(page.locator("#progress")).to_have_text("Your draft is ready.")
    page.click("#copy")
    expect(page.locator("#copy-status")).to_have_text("Copied to your clipboard.")
    page.locator(".history-item").nth(1).get_by_role("button", name=re.compile("^Delete")).click()
    expect(page.locator(".confirm-text")).to_be_visible()
    check("draft shown, history listed")

    print(figures)  # the lowest ratio of each kind, per state, for the report
    # Each problem once, with the first state it showed in.
    distinct = {problem: state for state, found in reversed(problems.items()) for problem in found}
    assert sorted(f"{problem} ({state})" for problem, state in distinct.items()) == []


def test_the_sign_in_prompts_meet_aa_contrast(styled_page: Page, server_url: str) -> None:
    page = styled_page
    # A deployment with sign-in, signed out: the page as the handler renders it, served from the local origin.
    signed_out = render(SignIn(domain_url="https://noask.auth.example.com", client_id="client123", redirect_url=f"{server_url}/"))
    page.route(f"{server_url}/", lambda route: route.fulfill(body=signed_out.html, content_type="text/html"))
    page.goto(f"{server_url}/")
    expect(page.locator("#signed-out")).to_be_visible()
    found = measure(page)
    page.unroute(f"{server_url}/")

    # A deployment without sign-in, where the API does not know the caller: the banner that says so.
    page.route(HISTORY_LIST, lambda route: route.fulfill(status=401, json={"error": {"code": "unauthenticated", "message": "x"}}))
    page.goto(f"{server_url}/")
    expect(page.locator("#sign-in-unavailable")).to_be_visible()
    found += measure(page)
    print(lowest(found))
    assert sorted(set(too_low(found))) == []
