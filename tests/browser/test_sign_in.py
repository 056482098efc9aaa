"""Deployed sign-in, end to end in Chromium: the page, Cognito's managed login (a fake on 127.0.0.1) and an API
that, like API Gateway's JWT authorizer, refuses every authorized route without a valid ID token."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from shared.local.invoke import local_dynamodb_overrides
from shared.local.server import HttpResponse, LocalApi, match_route
from tests.browser.harness import LOCAL_DEFAULTS, save_screenshot, watched_page
from tests.support.fake_oauth import FakeCognito, TokenRequest

pytestmark = [pytest.mark.browser, pytest.mark.integration]

BIO = (
    "Priya Nair runs developer relations at Lumen Labs. Outside work she restores old road bikes and rides "
    "the Alpine passes every summer."
)
PITCH = "I'm a backend engineer who builds payment APIs for small online shops."
SIGNED_OUT = "Sign in to draft messages and keep them in your history."
SESSION_ENDED = "Your session has ended. Sign in again to carry on: what you typed is kept."
UNAUTHORIZED = HttpResponse(HTTPStatus.UNAUTHORIZED, [("Content-Type", "application/json")], b'{"message":"Unauthorized"}')


@dataclass
class AuthorizingGateway:
    """API Gateway in front of the local API: a route with the JWT authorizer answers 401, as API Gateway does,
    unless the request carries `Authorization: Bearer <an ID token the fake Cognito signed>`."""

    cognito: FakeCognito
    server: ThreadingHTTPServer
    api: LocalApi | None = None
    accepted_tokens: list[str] = field(default_factory=list)
    refused: int = 0

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def answer(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> HttpResponse:
        assert self.api is not None
        found = match_route(self.api.routes, method, urlsplit(target).path)
        if found is not None and found[0].authorized:
            scheme, _, token = next((value for name, value in headers if name.lower() == "authorization"), "").partition(" ")
            if scheme.lower() != "bearer" or self.cognito.verify(token.strip()) is None:
                self.refused += 1
                return UNAUTHORIZED
            self.accepted_tokens.append(token.strip())
        # The local API hands the handler the signed-in user's claims, as the authorizer would.
        return self.api.answer(method, target, headers, body)


def _gateway_handler(gateway: AuthorizingGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            response = gateway.answer(self.command, self.path, list(self.headers.items()), body)
            self.send_response(response.status)
            for name, value in response.headers:
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            try:
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the browser left the page mid-request (a sign-in redirect does that)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def cognito() -> Iterator[FakeCognito]:
    with FakeCognito() as server:
        yield server


@contextmanager
def authorizing_stack(dynamodb_local: str, cognito: FakeCognito, *, sign_in: bool) -> Iterator[AuthorizingGateway]:
    """The gateway on a free port in front of a local API whose page signs in at `cognito`, or has no sign-in."""
    # The gateway listens first: its URL is the app's URL, which the page's sign-in settings need.
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    gateway = AuthorizingGateway(cognito, server)
    server.RequestHandlerClass = _gateway_handler(gateway)
    app_url = f"{gateway.url}/"
    cognito.app_urls.add(app_url)
    sign_in_settings = {"NOASK_COGNITO_DOMAIN_URL": cognito.url, "NOASK_COGNITO_CLIENT_ID": cognito.client_id}
    overrides = {**local_dynamodb_overrides(dynamodb_local), **LOCAL_DEFAULTS, **(sign_in_settings if sign_in else {})}
    with LocalApi(port=0, overrides={**overrides, "NOASK_APP_URL": app_url}, workers=2, claims=cognito.claims) as api:
        gateway.api = api
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="jwt-gateway", daemon=True)
        thread.start()
        try:
            yield gateway
        finally:
            server.shutdown()
            thread.join()
            server.server_close()


@pytest.fixture(scope="module")
def gateway(dynamodb_local: str, cognito: FakeCognito) -> Iterator[AuthorizingGateway]:
    with authorizing_stack(dynamodb_local, cognito, sign_in=True) as gateway:
        yield gateway


@pytest.fixture
def page(browser: Browser, gateway: AuthorizingGateway, cognito: FakeCognito) -> Iterator[Page]:
    with watched_page(browser, allowed_origins=(gateway.url, cognito.url)) as page:
        yield page


def session_of(page: Page) -> dict[str, Any] | None:
    session: dict[str, Any] | None = page.evaluate("JSON.parse(sessionStorage.getItem('noask.session'))")
    return session


def sign_in(page: Page, gateway: AuthorizingGateway, cognito: FakeCognito) -> dict[str, Any]:
    page.goto(f"{gateway.url}/")
    # The page loads the history, then the profile: once the profile is in, it has no call left to make, and
    # a test that then ages the token knows which calls see the aged one.
    with page.expect_response(lambda response: response.url == f"{gateway.url}/profile"):
        page.click("#sign-in")
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {cognito.email}")
    session = session_of(page)
    assert session is not None
    return session


def test_sign_in_round_trip_then_draft_with_the_id_token(page: Page, gateway: AuthorizingGateway, cognito: FakeCognito) -> None:
    token_requests, refused = len(cognito.token_requests), gateway.refused
    response = page.goto(f"{gateway.url}/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert f"connect-src 'self' {cognito.url};" in policy
    assert f"form-action 'self' {cognito.url};" in policy

    expect(page.locator("#signed-out")).to_be_visible()
    expect(page.locator("#sign-in-message")).to_have_text(SIGNED_OUT)
    expect(page.locator("#app")).to_be_hidden()
    save_screenshot(page, "sign-in.png")
    assert gateway.refused == refused  # signed out, the page calls no API

    page.click("#sign-in")
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {cognito.email}")
    # The code and state are gone from the address bar; the code was traded once, with its PKCE verifier.
    assert urlsplit(page.url).query == ""
    assert cognito.token_requests[token_requests:] == [TokenRequest("authorization_code", granted=True)]
    session = session_of(page)
    assert session is not None
    assert cognito.verify(session["idToken"]) is not None
    assert session["refreshToken"]
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate("sessionStorage.getItem('noask.signIn')") is None

    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    page.fill("#target_name", "Priya")
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible(timeout=30_000)
    expect(page.locator(".history-item", has_text="To Priya").first).to_be_visible()
    save_screenshot(page, "signed-in.png")
    assert gateway.refused == refused
    assert set(gateway.accepted_tokens[-2:]) == {session["idToken"]}


def test_a_state_the_page_did_not_send_is_refused(page: Page, gateway: AuthorizingGateway, cognito: FakeCognito) -> None:
    token_requests = len(cognito.token_requests)
    page.goto(f"{gateway.url}/?code=stolen-code&state=forged")
    expect(page.locator("#sign-in-message")).to_contain_text("did not start on this page")
    expect(page.locator("#signed-in")).to_be_hidden()
    assert urlsplit(page.url).query == ""
    assert cognito.token_requests[token_requests:] == []
    assert session_of(page) is None


def test_an_expired_token_is_refreshed_before_the_call(page: Page, gateway: AuthorizingGateway, cognito: FakeCognito) -> None:
    session = sign_in(page, gateway, cognito)
    page.evaluate(
        "() => { const s = JSON.parse(sessionStorage.getItem('noask.session')); s.expiresAt = 0;"
        " sessionStorage.setItem('noask.session', JSON.stringify(s)); }"
    )
    token_requests, refused = len(cognito.token_requests), gateway.refused
    page.reload()
    # The history has loaded: its first entry, or the note that there is none, is showing.
    expect(page.locator("#history-list .history-item, #history-empty").first).to_be_visible()
    expect(page.locator("#history-status")).to_have_text("")
    assert cognito.token_requests[token_requests:] == [TokenRequest("refresh_token", granted=True)]
    refreshed = session_of(page)
    assert refreshed is not None
    assert refreshed["idToken"] != session["idToken"]
    assert refreshed["refreshToken"] == session["refreshToken"]
    assert gateway.accepted_tokens[-1] == refreshed["idToken"]
    assert gateway.refused == refused


def test_a_refused_token_brings_the_sign_in_prompt_and_keeps_the_typing(
    browser: Browser, gateway: AuthorizingGateway, cognito: FakeCognito
) -> None:
    # Chromium logs the refused call itself as a console error; any other error still fails the test.
    with watched_page(browser, allowed_origins=(gateway.url, cognito.url), expected_errors=("401 (Unauthorized)",)) as page:
        sign_in_again_keeps_the_typing(page, gateway, cognito)


def sign_in_again_keeps_the_typing(page: Page, gateway: AuthorizingGateway, cognito: FakeCognito) -> None:
    sign_in(page, gateway, cognito)
    page.fill("#target_bio", BIO)
    page.fill("#pitch", PITCH)
    # A token the authorizer no longer accepts, though the page thinks it is still fresh.
    page.evaluate(
        "() => { const s = JSON.parse(sessionStorage.getItem('noask.session')); s.idToken = 'revoked.or.forged';"
        " sessionStorage.setItem('noask.session', JSON.stringify(s)); }"
    )
    refused = gateway.refused
    page.click("#submit")
    expect(page.locator("#signed-out")).to_be_visible()
    expect(page.locator("#sign-in-message")).to_have_text(SESSION_ENDED)
    expect(page.locator("#sign-in-title")).to_be_focused()
    expect(page.locator("#form-error")).to_be_hidden()
    assert gateway.refused == refused + 1

    page.click("#sign-in")
    expect(page.locator("#signed-in")).to_be_visible()
    expect(page.locator("#target_bio")).to_have_value(BIO)
    expect(page.locator("#pitch")).to_have_value(PITCH)
    expect(page.locator("#pitch-counter")).to_have_text(f"{len(PITCH)} / 1,500")
    page.click("#submit")
    expect(page.locator("#result")).to_be_visible(timeout=30_000)


def test_a_reload_while_signed_out_keeps_the_typing_for_the_sign_in(
    browser: Browser, gateway: AuthorizingGateway, cognito: FakeCognito
) -> None:
    with watched_page(browser, allowed_origins=(gateway.url, cognito.url), expected_errors=("401 (Unauthorized)",)) as page:
        sign_in(page, gateway, cognito)
        page.fill("#target_bio", BIO)
        page.fill("#pitch", PITCH)
        page.evaluate(
            "() => { const s = JSON.parse(sessionStorage.getItem('noask.session')); s.idToken = 'revoked.or.forged';"
            " sessionStorage.setItem('noask.session', JSON.stringify(s)); }"
        )
        page.click("#submit")
        expect(page.locator("#sign-in-message")).to_have_text(SESSION_ENDED)
        # Reloaded while signed out, the page shows an empty, hidden form: leaving it again must not wipe the typing.
        page.evaluate("sessionStorage.removeItem('noask.session')")
        page.reload()
        expect(page.locator("#sign-in-message")).to_have_text(SIGNED_OUT)
        page.click("#sign-in")
        expect(page.locator("#signed-in")).to_be_visible()
        expect(page.locator("#target_bio")).to_have_value(BIO)
        expect(page.locator("#pitch-counter")).to_have_text(f"{len(PITCH)} / 1,500")


def test_sign_out_revokes_the_refresh_token_and_ends_the_session(
    page: Page, gateway: AuthorizingGateway, cognito: FakeCognito
) -> None:
    session = sign_in(page, gateway, cognito)
    page.fill("#target_bio", BIO)
    page.click("#sign-out")
    expect(page.locator("#signed-out")).to_be_visible()
    expect(page.locator("#sign-in-message")).to_have_text(SIGNED_OUT)
    assert session_of(page) is None
    # Nothing typed is left behind for the next person at this browser.
    assert page.evaluate("sessionStorage.getItem('noask.form')") is None
    assert cognito.is_revoked(session["refreshToken"])
    assert urlsplit(page.url).path == "/"


def test_the_sign_in_request_carries_pkce_and_no_secret(page: Page, gateway: AuthorizingGateway, cognito: FakeCognito) -> None:
    page.goto(f"{gateway.url}/")
    with page.expect_request(lambda request: request.url.startswith(f"{cognito.url}/oauth2/authorize")) as started:
        page.click("#sign-in")
    query = dict(parse_qsl(urlsplit(started.value.url).query))
    assert query["response_type"] == "code"
    assert query["client_id"] == cognito.client_id
    assert query["redirect_uri"] == f"{gateway.url}/"
    assert query["scope"] == "openid email"
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43  # base64url of a SHA-256 digest, unpadded
    assert len(query["state"]) >= 22  # 16 random bytes
    assert "code_verifier" not in query
    expect(page.locator("#signed-in")).to_be_visible()
    # Back on the page, the verifier was used once and dropped.
    assert page.evaluate("sessionStorage.getItem('noask.signIn')") is None


def test_a_deployment_without_sign_in_says_so(browser: Browser, dynamodb_local: str, cognito: FakeCognito) -> None:
    # Deployed with an empty AppUrl: the authorizer is there, the page has no sign-in to offer.
    with (
        authorizing_stack(dynamodb_local, cognito, sign_in=False) as gateway,
        watched_page(browser, allowed_origins=(gateway.url,), expected_errors=("401 (Unauthorized)",)) as page,
    ):
        response = page.goto(f"{gateway.url}/")
        assert response is not None
        assert cognito.url not in response.headers["content-security-policy"]
        expect(page.locator("#sign-in-unavailable")).to_be_visible()
        expect(page.locator("#sign-in-unavailable")).to_contain_text("AppUrl")
        expect(page.locator("#app")).to_be_hidden()
        expect(page.locator("#sign-in")).to_have_count(0)
        assert gateway.refused == 1
