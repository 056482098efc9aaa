"""The web form in headless Chromium, against `make run`'s server: `noask serve`, started as a child process."""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import (
    LOCAL_DEFAULTS,
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


def test_interests_and_offer_are_sent_and_remembered_for_the_next_draft(page: Page, server_url: str) -> None:
    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    page.fill("#target_name", "Remembered Rae")
    page.fill("#sender_interests", "trail running, chess")
    page.fill("#offer", "my checklist for pipeline reviews")
    expect(page.locator("#offer-counter")).to_have_text("33 / 300")
    page.click("#submit")
    expect(page.locator(".history-item", has_text="To Remembered Rae")).to_have_count(1, timeout=30_000)
    stored = next(
        item for item in api_get(server_url, "/drafts")["items"] if item["request"].get("target_name") == "Remembered Rae"
    )
    assert stored["request"]["sender_interests"] == "trail running, chess"
    assert stored["request"]["offer"] == "my checklist for pipeline reviews"

    page.reload()
    expect(page.locator("#sender_interests")).to_have_value("trail running, chess")
    expect(page.locator("#offer")).to_have_value("my checklist for pipeline reviews")
    expect(page.locator("#target_bio")).to_have_value("")


def test_a_shared_interest_is_shown_as_you_both_and_the_bio_names_its_person(page: Page, server_url: str) -> None:
    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    page.fill("#sender_interests", "trail running")
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible(timeout=30_000)
    expect(page.locator("#result-overlap")).to_have_text("You both: trail running")
    [draft] = api_get(server_url, "/drafts?limit=1")["items"]
    assert draft["shared_interest"]["shared_with_sender"] is True
    # No name was typed: the bio's own "Maya Chen leads ..." names the person the draft greets.
    assert draft["request"]["target_name"] == "Maya Chen"
    assert "Maya" in page.locator("#result-body").input_value()


def test_a_shown_overlap_reads_you_both_next_to_the_quote(page: Page) -> None:
    """The page's side alone: a draft whose shared interest the sender shares, as the API returns it."""
    draft: dict[str, Any] = {
        "id": "0190a1b2c3d4aa11bb22cc33dd44", "created_at": "2026-12-04T10:00:00.000Z", "source": "web",
        "request": {"target_bio": BIO, "pitch": PITCH, "channel": "linkedin_message", "sender_interests": "trail running"},
        "body": "Hi Maya, fellow trail runner here.", "subject": None, "channel": "linkedin_message",
        "shared_interest": {"topic": "trail running", "bio_evidence": "trail running in the Dolomites", "found": True,
                            "shared_with_sender": True},
        "provider": "offline", "model": "offline-composer", "prompt_version": "test", "attempts": 0,
        "checks": [], "repaired_violations": [], "fallback_reason": None,
    }  # fmt: skip
    page.route("**/drafts", lambda route: route.fulfill(status=201, content_type="application/json", body=json.dumps(draft))
               if route.request.method == "POST" else route.continue_())  # fmt: skip
    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    page.click("#submit")
    expect(page.locator("#result-interest blockquote")).to_have_text("“trail running in the Dolomites”")
    expect(page.locator("#result-overlap")).to_have_text("You both: trail running")


def code_for(serve_log: Path, address: str) -> str:
    """The code `noask serve` wrote to its log instead of mailing it (the newest for this address)."""
    for _ in range(100):
        found = re.findall(rf"To: {re.escape(address)}\nSubject: Your noask code: ([0-9]{{6}})", serve_log.read_text())
        if found:
            return str(found[-1])
        time.sleep(0.1)
    raise AssertionError(f"no code for {address} in the log")


def test_the_profile_adds_verifies_and_removes_an_address_and_saves_defaults(
    browser: Browser, server_url: str, serve_log: Path
) -> None:
    # The wrong code below is answered 422, which the browser logs as a failed request.
    with watched_page(browser, allowed_origins=(server_url,), expected_errors=("status of 422",)) as page:
        page.goto(f"{server_url}/")
        verify_an_address_and_save_defaults(page, server_url, serve_log)


def verify_an_address_and_save_defaults(page: Page, server_url: str, serve_log: Path) -> None:
    address = f"sam.{uuid.uuid4().hex[:8]}@example.org"
    page.fill("#new-address", address)
    page.click("#add-address")
    item = page.locator(f'.address-item[data-address="{address}"]')
    expect(item).to_contain_text("Waiting for its code")
    code_box = item.get_by_label(f"Code sent to {address}")
    expect(code_box).to_be_focused()
    code_box.fill("12")
    item.get_by_role("button", name="Verify").click()
    expect(item.locator(".field-error")).to_have_text("The code is the six digits in the email we sent.")
    code = code_for(serve_log, address)
    code_box.fill("000000" if code != "000000" else "111111")
    item.get_by_role("button", name="Verify").click()
    expect(item.locator(".field-error")).to_contain_text("not the one we sent")
    # Pasted with the words and the space around it, as a mail app copies it: only the digits count.
    code_box.fill(f" Your noask code: {code[:3]} {code[3:]}\n")
    item.get_by_role("button", name="Verify").click()
    expect(item).to_contain_text("Verified")
    expect(page.locator("#profile-status")).to_have_text(f"{address} is verified: mail from it is drafted for you.")
    # The code's field went with its form: focus is not left on nothing.
    expect(page.locator("#new-address")).to_be_focused()

    page.fill("#profile-pitch", PITCH)
    page.fill("#profile-sender_interests", "trail running, chess")
    page.fill("#profile-offer", "my checklist")
    page.click("#save-profile")
    expect(page.locator("#profile-status")).to_have_text("Defaults saved.")
    profile = api_get(server_url, "/profile")
    assert (profile["pitch"], profile["sender_interests"], profile["offer"]) == (PITCH, "trail running, chess", "my checklist")
    assert {"email": address, "state": "verified", "verified_by": "code", "code_expires_at": None} in profile["addresses"]
    save_screenshot(page, "web-form-profile.png")

    page.reload()
    expect(page.locator("#profile-offer")).to_have_value("my checklist")
    page.locator(f'.address-item[data-address="{address}"]').get_by_role("button", name=f"Remove {address}").click()
    expect(page.locator(f'.address-item[data-address="{address}"]')).to_have_count(0)
