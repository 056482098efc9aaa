"""What a new user meets first: a phone-width screen, a paste longer than a field takes, a server that fails, a phone
with no keyboard. Against `noask serve`, with some answers replaced where a state is hard to reach for real."""

from __future__ import annotations

import json
import re
import tomllib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect

from functions.draft_api.web import FAILURES_PATH
from tests.browser.harness import save_screenshot, watched_page

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PHONE = {"viewport": {"width": 390, "height": 844}}
# An unbroken word and an address as long as a field takes, to push any box that cannot wrap off the screen.
LONG_WORD = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft" * 2
LONG_ADDRESS = f"maximilian.alexander.von-humboldt.{uuid.uuid4().hex}@faculty-of-engineering.example-university.edu"
BIO = (
    f"Maya Chen leads the data platform team at Northwind Analytics. Her motto: {LONG_WORD}. Outside work she spends "
    f"most weekends trail running in the Dolomites. Reach her at {LONG_ADDRESS} or https://example.org/{LONG_WORD}."
)
PITCH = "I'm a data engineer who builds streaming pipelines for climate researchers."
FAILED_REQUEST = "Failed to load resource"
# Words of the validation library and of programs; none may reach a person.
NOT_FOR_PEOPLE = re.compile(
    r"(?i:target_bio|sender_\w+|String should|Field required|Input should|Value error|Traceback|undefined|\bnull\b|"
    r"\[object|<html|server answered)|Internal Server Error|Service Unavailable|Forbidden|Too Many Requests|Bad Gateway"
)


def stored_draft(number: int, *, body: str, name: str | None) -> dict[str, Any]:
    request: dict[str, Any] = {"target_bio": BIO, "pitch": PITCH, "channel": "linkedin_message"}
    if name:
        request["target_name"] = name
    return {
        "id": f"0190a1b2c3d4aa11bb22cc33dd{number:02d}", "created_at": "2026-12-04T10:00:00.000Z", "source": "web",
        "request": request, "body": body, "subject": None, "channel": "linkedin_message",
        "shared_interest": {"topic": "trail running", "bio_evidence": f"{LONG_WORD} trail running in the Dolomites",
                            "found": True, "shared_with_sender": True},
        "provider": "offline", "model": "offline-composer", "prompt_version": "test", "attempts": 0,
        "checks": [{"rule": "ask", "passed": True, "explanation": f"Asks for nothing {LONG_WORD}."}],
        "repaired_violations": [], "fallback_reason": None,
    }  # fmt: skip


DRAFTS = [
    stored_draft(1, body=f"Hi Maya, {LONG_WORD} is quite a motto. I build pipelines.", name="Maya"),
    stored_draft(2, body=f"Hello, write to {LONG_ADDRESS} any time.", name=LONG_ADDRESS[:120]),
    stored_draft(3, body="Hi, fellow trail runner here.", name=None),
]
HISTORY_LIST = re.compile(r"/drafts(\?.*)?$")
ONE_DRAFT = re.compile(r"/drafts/[0-9a-f]+$")


def serve_history(page: Page, drafts: list[dict[str, Any]], *, more: bool) -> None:
    """GET /drafts answers with these drafts (and a next page when `more`); GET /drafts/{id} with the one asked for."""

    def history(route: Route, request: Request) -> None:
        if request.method != "GET":
            route.continue_()
            return
        route.fulfill(json={"items": drafts, "cursor": "next-page" if more else None})

    def one(route: Route, request: Request) -> None:
        found = [draft for draft in drafts if request.url.endswith(draft["id"])]
        if request.method != "GET" or not found:
            route.continue_()
            return
        route.fulfill(json=found[0])

    page.route(HISTORY_LIST, history)
    page.route(ONE_DRAFT, one)


def overflow(page: Page) -> dict[str, Any]:
    """How wide the document is against the window, and every visible element reaching past the window's edge."""
    measured: dict[str, Any] = page.evaluate(
        """() => {
            const width = window.innerWidth;
            const outside = [];
            for (const node of document.querySelectorAll("body *")) {
                const box = node.getBoundingClientRect();
                if (box.width > 0 && box.right > width + 0.5) {
                    outside.push(`${node.tagName}#${node.id}.${node.className} ends at ${Math.round(box.right)}`);
                }
            }
            return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, outside };
        }"""
    )
    return measured


def assert_no_sideways_scroll(page: Page, state: str) -> None:
    measured = overflow(page)
    assert measured["innerWidth"] == 390, measured
    assert measured["scrollWidth"] <= measured["innerWidth"], (state, measured)
    assert measured["outside"] == [], (state, measured)


@pytest.fixture
def phone_page(browser: Browser, server_url: str) -> Iterator[Page]:
    # The refused draft below is answered 422, which the browser logs as a failed request.
    with watched_page(browser, allowed_origins=(server_url,), expected_errors=("status of 422",), **PHONE) as page:
        yield page


def test_at_390_px_nothing_scrolls_sideways(phone_page: Page, server_url: str) -> None:
    page = phone_page
    serve_history(page, [], more=False)
    page.goto(f"{server_url}/")
    expect(page.locator("#history-empty")).to_be_visible()
    assert_no_sideways_scroll(page, "empty")

    page.unroute(HISTORY_LIST)
    page.unroute(ONE_DRAFT)
    serve_history(page, DRAFTS, more=True)
    page.reload()
    expect(page.locator(".history-item")).to_have_count(len(DRAFTS))
    load_more = page.locator("#load-more")
    expect(load_more).to_be_visible()
    load_more.scroll_into_view_if_needed()
    box = load_more.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    assert_no_sideways_scroll(page, "with drafts")

    page.locator(".history-item").nth(1).get_by_role("button", name=re.compile("^Open")).click()
    expect(page.locator("#result-body")).to_have_value(DRAFTS[1]["body"])
    expect(page.locator("#result-interest blockquote")).to_contain_text(LONG_WORD)
    assert_no_sideways_scroll(page, "a draft open")

    # A pitch that only asks is refused for real; the bio is full of long words.
    page.fill("#target_bio", BIO)
    page.fill("#pitch", "Could we hop on a quick call next week?")
    page.click("#submit")
    expect(page.locator("#form-error")).to_be_visible(timeout=30_000)
    assert_no_sideways_scroll(page, "error shown")

    page.fill("#new-address", LONG_ADDRESS)
    page.click("#add-address")
    pending = page.locator(f'.address-item[data-address="{LONG_ADDRESS}"]')
    expect(pending).to_contain_text("Waiting for its code")
    expect(page.locator("#profile-status")).to_contain_text(LONG_ADDRESS)
    page.fill("#profile-sender_interests", LONG_WORD)
    assert_no_sideways_scroll(page, "profile with a pending address")
    save_screenshot(page, "web-form-390px.png")
    pending.get_by_role("button", name=f"Remove {LONG_ADDRESS}").click()
    expect(pending).to_have_count(0)


# ---- limits ------------------------------------------------------------------------------------


@pytest.fixture
def page(browser: Browser, server_url: str) -> Iterator[Page]:
    with watched_page(browser, allowed_origins=(server_url,), expected_errors=(FAILED_REQUEST,)) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.goto(f"{server_url}/")
        yield page


def paste(page: Page, selector: str, text: str) -> None:
    """A real Ctrl+V of `text` into the field."""
    page.evaluate("(text) => navigator.clipboard.writeText(text)", text)
    page.focus(selector)
    page.keyboard.press("Control+V")


def drafts_posted(page: Page) -> Callable[[], int]:
    posted: list[str] = []
    page.on("request", lambda request: posted.append(request.url) if request.method == "POST" else None)
    return lambda: len(posted)


def test_a_paste_over_the_limit_is_kept_whole_and_explained(page: Page) -> None:
    posts = drafts_posted(page)
    pasted = ("Trail runner and data engineer. " * 300)[:9_214]
    paste(page, "#target_bio", pasted)
    bio = page.locator("#target_bio")
    # Compared by length and ends: a failed comparison of 9,214 characters would fill the report.
    assert len(bio.input_value()) == len(pasted)
    assert bio.input_value()[-40:] == pasted[-40:]
    error = page.locator("#target_bio-error")
    expect(error).to_have_text(
        "Your paste was 9,214 characters; the bio field takes at most 8,000. "
        "Nothing was cut: shorten it by 1,214 characters to draft."
    )
    expect(bio).to_have_attribute("aria-invalid", "true")
    # Screen readers hear it too, from a status region.
    expect(page.locator("#limit-status")).to_have_text(error.inner_text())
    expect(page.locator("#target_bio-counter")).to_have_text("9,214 / 8,000")
    expect(page.locator("#target_bio-counter")).to_have_class(re.compile("is-over"))

    page.fill("#pitch", PITCH)
    page.click("#submit")
    expect(error).to_contain_text("shorten it by 1,214 characters")
    expect(bio).to_be_focused()
    assert posts() == 0

    # What the form sends is trimmed: a trailing newline does not count against the limit.
    bio.fill("x" * 8_000 + "\n")
    expect(error).to_be_hidden()
    expect(page.locator("#target_bio-counter")).to_have_text("8,000 / 8,000")
    expect(bio).not_to_have_attribute("aria-invalid", "true")


def test_typing_past_the_limit_is_kept_and_explained(page: Page) -> None:
    page.fill("#pitch", "p" * 1_500)
    page.focus("#pitch")
    page.keyboard.press("End")
    page.keyboard.type("abc")
    assert page.locator("#pitch").input_value()[-5:] == "ppabc"
    expect(page.locator("#pitch-error")).to_have_text(
        "The pitch field has 1,503 characters; it takes at most 1,500. Shorten it by 3 characters to draft."
    )
    # The same for the profile's defaults (emptied once the saved profile is in: another test may have saved an offer
    # for this local user).
    page.wait_for_load_state("networkidle")
    page.fill("#profile-offer", "")
    paste(page, "#profile-offer", "o" * 320)
    assert len(page.locator("#profile-offer").input_value()) == 320
    expect(page.locator("#profile-offer-error")).to_have_text(
        "Your paste was 320 characters; the offer field takes at most 300. Nothing was cut: shorten it by 20 characters to save."
    )
    page.click("#save-profile")
    expect(page.locator("#profile-offer")).to_be_focused()
    expect(page.locator("#profile-status")).not_to_have_text("Defaults saved.")


def test_the_saved_profile_arriving_late_keeps_what_was_typed(browser: Browser, server_url: str) -> None:
    with watched_page(browser, allowed_origins=(server_url,), expected_errors=(FAILED_REQUEST,)) as page:
        held: list[Route] = []
        page.route(
            re.compile(r"/profile$"),
            lambda route: held.append(route) if route.request.method == "GET" else route.continue_(),
        )
        with page.expect_request(lambda request: request.url.endswith("/profile") and request.method == "GET"):
            page.goto(f"{server_url}/")
        page.fill("#profile-offer", "my checklist for usability sessions")
        saved = {"pitch": "Saved pitch.", "sender_name": "Sam", "sender_interests": "", "offer": "Saved offer", "addresses": []}
        with page.expect_response(lambda response: response.url.endswith("/profile")):
            held[0].fulfill(json=saved)
        expect(page.locator("#profile-pitch")).to_have_value("Saved pitch.")
        expect(page.locator("#profile-offer")).to_have_value("my checklist for usability sessions")


# ---- errors ------------------------------------------------------------------------------------


def test_a_refused_field_is_explained_in_the_server_s_sentence(page: Page) -> None:
    # The page stops an over-long bio itself, so the request is lengthened on its way: the server's answer is real.
    def lengthen(route: Route, request: Request) -> None:
        body = {**json.loads(request.post_data or "{}"), "target_bio": "Trail runner, " * 700 + "end."}
        route.continue_(post_data=json.dumps(body))

    page.route(HISTORY_LIST, lengthen)
    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    page.click("#submit")
    error = page.locator("#target_bio-error")
    expect(error).to_have_text("Their bio is too long: 9,804 characters, at most 8,000.", timeout=30_000)
    expect(page.locator("#target_bio")).to_be_focused()


def answer(status: int, *, body: str, content_type: str = "application/json") -> Callable[[Route], None]:
    return lambda route: route.fulfill(status=status, body=body, content_type=content_type)


def envelope(code: str, message: str, **extra: str) -> str:
    return json.dumps({"error": {"code": code, "message": message, **extra}})


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        # API Gateway's own answers carry no error envelope.
        (answer(503, body='{"message":"Service Unavailable"}'), "noask took too long to answer"),
        (answer(504, body='{"message":"Endpoint request timed out"}'), "noask took too long to answer"),
        (answer(429, body='{"message":"Too Many Requests"}'), "Too many requests at once"),
        (answer(403, body='{"message":"Forbidden"}'), "not allowed"),
        (answer(502, body="<html><body>Bad Gateway</body></html>", content_type="text/html"), "Something went wrong on our side"),
        (answer(500, body="Internal Server Error", content_type="text/plain"), "Something went wrong on our side"),
        (answer(500, body=envelope("internal_error", "Something went wrong on our side. Quote this id.",
                                   correlation_id="c0ffee-1234")), "c0ffee-1234"),
        (answer(429, body=envelope("quota_exceeded", "You have used all 20 drafts for today. The quota resets at midnight UTC.")),
         "You have used all 20 drafts for today"),
        (answer(409, body=envelope("request_in_progress", "A request with this Idempotency-Key is still being drafted.")),
         "still being drafted"),
        (answer(413, body=envelope("body_too_large", "")), "too large"),
        (answer(404, body="{}"), "not found"),
        # An older or foreign server's wording is not shown as it is.
        (answer(422, body=envelope("validation_error", "target_bio: String should have at most 8000 characters",
                                   field="target_bio")), "could not accept what is in “Their bio”"),
        (answer(422, body=envelope("validation_error", "pitch: Field required", field="pitch")),
         "could not accept what is in “Your pitch”"),
        (answer(400, body='{"detail":"bad"}'), "could not read"),
        (answer(418, body="not json at all", content_type="text/plain"), "Something went wrong"),
        (lambda route: route.abort("connectionrefused"), "Could not reach noask"),
    ],
)  # fmt: skip
def test_every_failure_reads_as_a_sentence(page: Page, reply: Callable[[Route], None], says: str) -> None:
    page.route(HISTORY_LIST, lambda route, request: reply(route) if request.method == "POST" else route.continue_())
    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    page.click("#submit")
    shown = page.locator("#form-error:visible, .field-error:visible").first
    expect(shown).to_be_visible()
    text = shown.inner_text()
    assert says.lower() in text.lower(), text
    assert not NOT_FOR_PEOPLE.search(text), text
    assert text.rstrip().endswith((".", ")")), text
    expect(page.locator("#submit")).to_be_enabled()


FAILURES: dict[str, Any] = tomllib.loads(FAILURES_PATH.read_text(encoding="utf-8"))


def failure_sentence(status: int) -> str:
    return str(FAILURES["sentences"][FAILURES["statuses"][str(status)]])


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        (lambda route: route.abort("internetdisconnected"), 0),
        (answer(502, body="", content_type="text/plain"), 502),
        (answer(500, body=""), 500),
    ],
)
def test_a_failure_with_no_message_shows_the_data_s_sentence(page: Page, reply: Callable[[Route], None], status: int) -> None:
    page.route(HISTORY_LIST, lambda route, request: reply(route) if request.method == "POST" else route.continue_())
    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    page.click("#submit")
    error = page.locator("#form-error")
    expect(error).to_have_text(failure_sentence(status))
    # Focus moves to it and it is an alert: a screen reader reads it out.
    expect(error).to_be_focused()
    expect(error).to_have_attribute("role", "alert")


# ---- keyboard hint -----------------------------------------------------------------------------


PHONE_DEVICE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
# A tablet with a keyboard case but no trackpad: to the stylesheet it is a touch screen like a phone.
TABLET_DEVICE: dict[str, Any] = {"viewport": {"width": 1024, "height": 1366}, "has_touch": True, "is_mobile": True}


def test_the_shortcut_hint_shows_only_where_there_is_a_keyboard(browser: Browser, server_url: str) -> None:
    with watched_page(browser, allowed_origins=(server_url,)) as desktop:
        desktop.goto(f"{server_url}/")
        assert desktop.evaluate("matchMedia('(any-pointer: fine)').matches")
        expect(desktop.locator(".shortcut")).to_be_visible()
        expect(desktop.locator(".shortcut")).to_have_text("or press Ctrl + Enter")
    with watched_page(browser, allowed_origins=(server_url,), **PHONE_DEVICE) as phone:
        phone.goto(f"{server_url}/")
        assert phone.evaluate("matchMedia('(hover: none) and (pointer: coarse)').matches")
        expect(phone.locator("#draft-form")).to_be_visible()
        expect(phone.locator(".shortcut")).to_be_hidden()
        # Typing on the on-screen keyboard sends characters only: still no hint.
        phone.locator("#pitch").tap()
        phone.keyboard.type("Hello, I build pipelines.")
        phone.keyboard.press("Backspace")
        expect(phone.locator(".shortcut")).to_be_hidden()
    with watched_page(browser, allowed_origins=(server_url,), **TABLET_DEVICE) as tablet:
        tablet.goto(f"{server_url}/")
        assert not tablet.evaluate("matchMedia('(any-pointer: fine), (any-hover: hover)').matches")
        expect(tablet.locator(".shortcut")).to_be_hidden()
        tablet.locator("#target_bio").tap()
        tablet.keyboard.press("Tab")
        expect(tablet.locator(".shortcut")).to_be_visible()
        expect(tablet.locator("#pitch")).to_be_focused()
    mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
    with watched_page(browser, allowed_origins=(server_url,), user_agent=mac) as on_a_mac:
        on_a_mac.goto(f"{server_url}/")
        expect(on_a_mac.locator(".shortcut")).to_have_text("or press ⌘ + Enter")
        on_a_mac.fill("#target_bio", BIO)
        on_a_mac.fill("#pitch", PITCH)
        on_a_mac.keyboard.press("Meta+Enter")
        expect(on_a_mac.locator("#result")).to_be_visible(timeout=30_000)


# ---- leaving and coming back, slow answers, impatient clicks -----------------------------------


def test_coming_back_to_the_page_keeps_everything_typed_and_counts_it(page: Page, server_url: str) -> None:
    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    page.fill("#target_name", "Maya")
    page.fill("#offer", "my checklist for usability sessions")
    email = page.locator('input[name="channel"]').last
    email.check()
    channel = email.get_attribute("value")
    page.get_by_role("link", name="API").click()
    page.wait_for_url(re.compile(r"/openapi\.json$"))
    page.go_back()
    page.wait_for_url(f"{server_url}/")
    expect(page.locator("#target_name")).to_have_value("Maya")
    expect(page.locator("#offer")).to_have_value("my checklist for usability sessions")
    expect(page.locator("#pitch")).to_have_value(PITCH)
    assert page.locator("#target_bio").input_value() == BIO
    expect(page.locator(f'input[name="channel"][value="{channel}"]')).to_be_checked()
    # The counters count what came back, not the empty fields the page first loaded with.
    expect(page.locator("#target_bio-counter")).to_have_text(f"{len(BIO):,} / 8,000")
    expect(page.locator("#pitch-counter")).to_have_text(f"{len(PITCH)} / 1,500")
    expect(page.locator("#target_name-counter")).to_have_text("4 / 120")


def test_a_slow_draft_says_so_then_gives_up_and_the_retry_drafts_once(browser: Browser, server_url: str) -> None:
    with watched_page(browser, allowed_origins=(server_url,), expected_errors=(FAILED_REQUEST,)) as page:
        page.clock.install()
        keys: list[str | None] = []

        def hold_the_first(route: Route, request: Request) -> None:
            if request.method != "POST":
                route.continue_()
                return
            keys.append(request.headers.get("idempotency-key"))
            if len(keys) > 1:
                route.continue_()  # the first never answers

        page.route(HISTORY_LIST, hold_the_first)
        page.goto(f"{server_url}/")
        page.fill("#target_bio", BIO)
        page.fill("#pitch", PITCH)
        page.click("#submit")
        progress = page.locator("#progress")
        expect(progress).to_have_text("Drafting: reading the bio for an interest you share…")
        page.clock.run_for(9_000)
        expect(progress).to_have_text(re.compile("^Still drafting"))
        expect(page.locator("#submit")).to_be_disabled()
        page.clock.run_for(32_000)
        error = page.locator("#form-error")
        expect(error).to_have_text(str(FAILURES["sentences"][FAILURES["page"]["timed_out"]]))
        expect(error).to_be_focused()
        expect(progress).to_have_text("")
        # Trying again sends the same request under the same key: if the first was drafted after all, it is not drafted twice.
        page.click("#submit")
        expect(page.locator("#result")).to_be_visible(timeout=30_000)
        assert len(keys) == 2
        assert keys[0] is not None
        assert keys[0] == keys[1]


def test_a_double_click_drafts_once(page: Page) -> None:
    posts = drafts_posted(page)
    page.wait_for_load_state("networkidle")  # the history has loaded
    before = page.locator(".history-item").count()
    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    page.dblclick("#submit")
    expect(page.locator("#result")).to_be_visible(timeout=30_000)
    expect(page.locator("#progress")).to_have_text("Your draft is ready.")
    assert posts() == 1
    expect(page.locator(".history-item")).to_have_count(before + 1)


def test_a_double_click_on_add_address_mails_one_code(page: Page) -> None:
    added: list[str] = []
    page.on("request", lambda request: added.append(request.url) if request.method == "POST" else None)
    address = f"double.{uuid.uuid4().hex[:8]}@example.org"
    page.fill("#new-address", address)
    page.dblclick("#add-address")
    expect(page.locator(f'.address-item[data-address="{address}"]')).to_contain_text("Waiting for its code")
    page.wait_for_load_state("networkidle")
    assert len(added) == 1, added
    page.locator(f'.address-item[data-address="{address}"]').get_by_role("button", name=f"Remove {address}").click()
    expect(page.locator(f'.address-item[data-address="{address}"]')).to_have_count(0)


def test_load_more_by_keyboard_moves_focus_to_the_first_draft_it_loaded(browser: Browser, server_url: str) -> None:
    first_page = [stored_draft(number, body=f"Draft number {number}.", name=f"Reader {number}") for number in range(10)]
    last_page = [stored_draft(number, body=f"Draft number {number}.", name=f"Reader {number}") for number in (10, 11)]

    def history(route: Route, request: Request) -> None:
        if request.method != "GET":
            route.continue_()
            return
        later = "cursor=" in request.url
        route.fulfill(json={"items": last_page if later else first_page, "cursor": None if later else "next-page"})

    with watched_page(browser, allowed_origins=(server_url,)) as page:
        page.route(HISTORY_LIST, history)
        page.goto(f"{server_url}/")
        expect(page.locator(".history-item")).to_have_count(10)
        page.focus("#load-more")
        page.keyboard.press("Enter")
        expect(page.locator(".history-item")).to_have_count(12)
        # The button hides with the last page in; focus is on the first draft it brought, not lost to the page.
        expect(page.locator("#load-more")).to_be_hidden()
        expect(page.get_by_role("button", name="Open draft to Reader 10")).to_be_focused()


BROKEN_WORDS = """() => {
    const broken = [];
    for (const head of document.querySelectorAll(".field-head")) {
        if (!head.getClientRects().length) continue;
        const walker = document.createTreeWalker(head, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.textContent.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                if (range.getClientRects().length > 1) broken.push(match[0]);
            }
        }
    }
    return broken;
}"""


def test_at_390_px_no_label_or_counter_is_broken_mid_word(phone_page: Page, server_url: str) -> None:
    page = phone_page
    page.goto(f"{server_url}/")
    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    page.click("#submit")
    # The draft's counter is the longest: "46 words · 269 / 1,900 characters" beside "Message".
    expect(page.locator("#result-counter")).to_contain_text("words", timeout=30_000)
    assert page.evaluate(BROKEN_WORDS) == []
    assert_no_sideways_scroll(page, "a draft shown")


def test_coming_back_to_the_page_shows_the_draft_as_it_was_edited(page: Page, server_url: str) -> None:
    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    page.click("#submit")
    body = page.locator("#result-body")
    expect(body).not_to_have_value("", timeout=30_000)
    edited = body.input_value() + "\n\nP.S. Edited by hand."
    body.fill(edited)
    counter = page.locator("#result-counter").inner_text()
    page.get_by_role("link", name="API").click()
    page.wait_for_url(re.compile(r"/openapi\.json$"))
    page.go_back()
    page.wait_for_url(f"{server_url}/")
    expect(page.locator("#result")).to_be_visible()
    expect(body).to_have_value(edited)
    expect(page.locator("#result-counter")).to_have_text(counter)
    # The history is fresh, not the browser's cached answer from before the draft: the draft is listed, and open.
    expect(page.locator(".history-item.is-open")).to_have_count(1)


def test_a_refused_default_is_focused_so_its_message_is_read_out(page: Page) -> None:
    sentence = "Your pitch is too long: 1,600 characters, at most 1,500."
    page.route(
        re.compile(r"/profile$"),
        lambda route, request: (
            answer(422, body=envelope("validation_error", sentence, field="pitch"))(route)
            if request.method == "PUT"
            else route.continue_()
        ),
    )
    page.wait_for_load_state("networkidle")
    page.fill("#profile-pitch", PITCH)
    page.click("#save-profile")
    expect(page.locator("#profile-pitch-error")).to_have_text(sentence)
    expect(page.locator("#profile-pitch")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#profile-pitch")).to_be_focused()


def test_a_kept_draft_the_page_cannot_read_is_dropped_and_the_page_still_loads(page: Page, server_url: str) -> None:
    # As an older version of the page might have kept it: a draft without its checks or interest.
    kept = {"draft": {"id": "0190a1b2c3d4aa11bb22cc33ddff", "channel": "email", "body": "Hi."}, "subject": "", "body": "Hi."}
    # Planted before the page's script runs (leaving the page would overwrite it otherwise).
    page.add_init_script(f"sessionStorage.setItem('noask.shown', {json.dumps(json.dumps(kept))})")
    page.reload()
    expect(page.locator("#result-empty")).to_be_visible()
    expect(page.locator("#history-list .history-item, #history-empty").first).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('noask.shown')") is None
