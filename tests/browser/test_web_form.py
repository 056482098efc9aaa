"""The web form in headless Chromium, against `make run`'s server: `noask serve`, started as a child process."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import (
    LOCAL_DEFAULTS,
    ServeProcess,
    noask_serve,
    process_tree,
    save_screenshot,
    still_running,
    watched_page,
)

pytestmark = [pytest.mark.browser, pytest.mark.integration]

BIO = (
    "Maya Chen leads the data platform team at Northwind Analytics, where she moved the company's reporting onto "
    "streaming pipelines. Outside work she spends most weekends trail running in the Dolomites and volunteers "
    "at a Saturday coding club for teenagers."
)
PITCH = "I'm a data engineer who builds streaming pipelines for climate researchers."


@pytest.fixture(scope="module")
def server(dynamodb_local: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    """`noask serve` on the session's DynamoDB Local (it reuses the one NOASK_DYNAMODB_ENDPOINT names), stopped
    with Ctrl-C after the module: it must exit 0 and leave none of its processes behind."""
    environment = {**LOCAL_DEFAULTS, "NOASK_DYNAMODB_ENDPOINT": dynamodb_local}
    with noask_serve(environment, tmp_path_factory.mktemp("noask-serve") / "stderr.log") as served:
        yield served
        children = process_tree(served.process.pid)
    assert served.process.returncode == 0
    assert "Stopped." in "".join(served.output)
    assert children  # its worker processes
    assert still_running(children) == {}


@pytest.fixture(scope="module")
def server_url(server: ServeProcess) -> str:
    return server.url


@pytest.fixture
def page(browser: Browser, server_url: str) -> Iterator[Page]:
    with watched_page(browser, allowed_origins=(server_url,)) as page:
        page.goto(f"{server_url}/")
        yield page


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
    save_screenshot(page, "web-form.png")

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


def test_the_local_page_has_no_sign_in(page: Page, server_url: str) -> None:
    with urllib.request.urlopen(f"{server_url}/", timeout=30) as response:
        policy = response.headers["Content-Security-Policy"]
    assert "connect-src 'self';" in policy
    assert "form-action 'self';" in policy
    assert page.evaluate("JSON.parse(document.getElementById('noask-config').textContent).signIn") is None
    expect(page.locator("#sign-in")).to_have_count(0)
    expect(page.locator("#sign-out")).to_have_count(0)
    expect(page.locator("#sign-in-unavailable")).to_be_hidden()
    expect(page.locator("#draft-form")).to_be_visible()


def test_make_run_starts_and_stops_its_own_dynamodb_local(browser: Browser, tmp_path: Path) -> None:
    # What a fresh `make run` does: no DynamoDB endpoint in the environment, so it starts DynamoDB Local itself.
    environment = {**LOCAL_DEFAULTS, "NOASK_DYNAMODB_ENDPOINT": ""}
    with noask_serve(environment, tmp_path / "stderr.log") as served:
        children = process_tree(served.process.pid)
        assert "java" in {name for name, _ in children.values()}
        with watched_page(browser, allowed_origins=(served.url,)) as page:
            page.goto(f"{served.url}/")
            expect(page.locator("#history-empty")).to_be_visible()
    assert served.process.returncode == 0
    assert "Stopped." in "".join(served.output)
    assert still_running(children) == {}
