"""The web form in headless Chromium, against the local server (real handler) on the session's DynamoDB Local."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect, sync_playwright

from shared.local.dynamodb import TEMPLATE_PATH
from shared.local.invoke import local_dynamodb_overrides
from shared.local.server import LocalApi

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = TEMPLATE_PATH.parent / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
BIO = (
    "Maya Chen leads the data platform team at Northwind Analytics, where she moved the company's reporting onto "
    "streaming pipelines. Outside work she spends most weekends trail running in the Dolomites and volunteers "
    "at a Saturday coding club for teenagers."
)
PITCH = "I'm a data engineer who builds streaming pipelines for climate researchers."


@pytest.fixture(scope="module")
def server_url(dynamodb_local: str) -> Iterator[str]:
    # A user of its own, and no model whatever the shell holds: the page drafts offline, on 127.0.0.1 only.
    overrides = {
        **local_dynamodb_overrides(dynamodb_local),
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
        "OPENAI_API_KEY_SECRET_NAME": "",
    }
    with LocalApi(host="127.0.0.1", port=0, overrides=overrides, workers=2, claims={"sub": f"browser-{uuid.uuid4().hex}"}) as api:
        api.start_in_thread()
        yield api.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.skip("Debian chromium is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, server_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    foreign: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":  # a CSP violation or a script error lands here
            problems.append(message.text)

    def on_request(request: Request) -> None:
        if not request.url.startswith(server_url):
            foreign.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", on_request)
    page.goto(f"{server_url}/")
    yield page
    context.close()
    assert problems == []
    assert foreign == []


def api_get(server_url: str, path: str) -> Any:
    with urllib.request.urlopen(f"{server_url}{path}", timeout=30) as response:
        return json.loads(response.read())


def tab_to(page: Page, element_id: str, *, limit: int = 40) -> None:
    """Press Tab until the element has focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_counters_follow_the_fields_and_the_channel(page: Page) -> None:
    expect(page.locator("#target_bio-counter")).to_have_text("0 / 8,000")
    page.fill("#target_bio", "Trail runner.")
    expect(page.locator("#target_bio-counter")).to_have_text("13 / 8,000")
    page.fill("#pitch", "é" * 10)
    expect(page.locator("#pitch-counter")).to_have_text("10 / 1,500")


def test_an_empty_field_is_reported_next_to_it(page: Page) -> None:
    page.fill("#pitch", PITCH)
    page.click("#submit")
    error = page.locator("#target_bio-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Paste their bio")
    expect(page.locator("#target_bio")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#target_bio")).to_be_focused()
    expect(page.locator("#pitch-error")).to_be_hidden()


def test_draft_explain_open_and_delete(page: Page, server_url: str) -> None:
    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    page.fill("#target_name", "Maya")
    page.fill("#sender_name", "Sam")
    page.get_by_label("LinkedIn connection note").first.check()
    page.click("#submit")

    expect(page.locator("#result")).to_be_visible(timeout=30_000)
    expect(page.locator("#progress")).to_have_text("Your draft is ready.")
    body = page.locator("#result-body").input_value()
    assert body.strip()
    expect(page.locator("#result-counter")).to_contain_text(f"{len(body)} / 200 characters")
    expect(page.locator("#result-provenance")).to_contain_text("Offline composer")
    quote = page.locator("#result-interest blockquote")
    if quote.count():
        assert quote.inner_text().strip("“”") in BIO
    expect(page.locator("#result-checks li").first).to_be_visible()
    assert page.locator("#result-checks li.failed").count() == 0

    page.click("#copy")
    expect(page.locator("#copy-status")).to_have_text("Copied to your clipboard.")

    item = page.locator(".history-item", has_text="To Maya").first
    expect(item).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-form.png"), full_page=True)

    draft_id = item.get_attribute("data-id")
    assert draft_id in [draft["id"] for draft in api_get(server_url, "/drafts")["items"]]

    page.evaluate("document.getElementById('result-body').value = ''")
    item.get_by_role("button", name="Open draft to Maya").click()
    expect(page.locator("#result-body")).to_have_value(body)

    item.get_by_role("button", name="Delete draft to Maya").click()
    item.get_by_role("button", name="Delete", exact=True).click()
    expect(page.locator(f'.history-item[data-id="{draft_id}"]')).to_have_count(0)
    expect(page.locator("#history-status")).to_have_text("Draft deleted.")
    expect(page.locator("#result")).to_be_hidden()
    assert draft_id not in [draft["id"] for draft in api_get(server_url, "/drafts")["items"]]


def test_keyboard_only_submission(page: Page, server_url: str) -> None:
    before = len(api_get(server_url, "/drafts")["items"])
    tab_to(page, "target_bio")
    page.keyboard.insert_text(BIO)
    tab_to(page, "pitch")
    page.keyboard.insert_text(PITCH)
    tab_to(page, "target_name")
    page.keyboard.type("Keyboard Kim")
    tab_to(page, "submit")
    page.keyboard.press("Enter")
    expect(page.locator("#result")).to_be_visible(timeout=30_000)
    expect(page.locator("#result-title")).to_be_focused()
    expect(page.locator(".history-item", has_text="To Keyboard Kim")).to_have_count(1)
    assert len(api_get(server_url, "/drafts")["items"]) == before + 1


def test_history_loads_more_pages(page: Page, server_url: str) -> None:
    for n in range(11):
        page.fill("#target_bio", BIO)
        page.fill("#pitch", PITCH)
        page.fill("#target_name", f"Reader {n}")
        page.keyboard.press("Control+Enter")
        expect(page.locator(".history-item", has_text=f"To Reader {n}")).to_have_count(1, timeout=30_000)
    page.reload()
    expect(page.locator(".history-item")).to_have_count(10)
    expect(page.locator("#load-more")).to_be_visible()
    page.click("#load-more")
    total = len(api_get(server_url, "/drafts?limit=50")["items"])
    expect(page.locator(".history-item")).to_have_count(min(total, 20))
