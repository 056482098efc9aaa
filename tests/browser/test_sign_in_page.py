"""The page's sign-in settings as the handler renders them: from the environment, escaped, and in the CSP."""

from __future__ import annotations

import json
import re

import pytest

from functions.draft_api.web import SignIn, render, sign_in_from
from shared.composition import Settings

DOMAIN = "https://noask-1a2b3c4d5e6f.auth.eu-west-1.amazoncognito.com"
APP_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/"
CONFIG_BLOCK = re.compile(r'<script type="application/json" id="noask-config">(.*?)</script>', re.DOTALL)


def settings(**environment: str) -> Settings:
    return Settings.from_environ(environment)


def test_sign_in_needs_the_domain_the_client_and_the_app_url() -> None:
    complete = {"NOASK_COGNITO_DOMAIN_URL": DOMAIN, "NOASK_COGNITO_CLIENT_ID": "client123", "NOASK_APP_URL": APP_URL}
    assert sign_in_from(settings(**complete)) == SignIn(domain_url=DOMAIN, client_id="client123", redirect_url=APP_URL)
    for missing in complete:
        # The template declares every variable, so an unset one arrives as "".
        assert sign_in_from(settings(**{**complete, missing: ""})) is None


@pytest.mark.parametrize(
    "domain_url",
    [f"{DOMAIN}; script-src *", f"{DOMAIN}/oauth2", "javascript:alert(1)", f"{DOMAIN} https://evil.example"],
)
def test_a_domain_that_is_not_a_bare_origin_is_refused(domain_url: str) -> None:
    configured = settings(NOASK_COGNITO_DOMAIN_URL=domain_url, NOASK_COGNITO_CLIENT_ID="client123", NOASK_APP_URL=APP_URL)
    with pytest.raises(ValueError, match="NOASK_COGNITO_DOMAIN_URL"):
        sign_in_from(configured)


def test_the_policy_allows_the_sign_in_origin_for_fetch_and_forms_only() -> None:
    page = render(SignIn(domain_url=f"{DOMAIN}/", client_id="client123", redirect_url=APP_URL))
    directives = dict(directive.split(" ", 1) for directive in page.headers["Content-Security-Policy"].split("; "))
    assert directives["connect-src"] == f"'self' {DOMAIN}"
    assert directives["form-action"] == f"'self' {DOMAIN}"
    assert DOMAIN not in directives["script-src"] + directives["style-src"] + directives["img-src"]

    local = dict(directive.split(" ", 1) for directive in render(None).headers["Content-Security-Policy"].split("; "))
    assert local["connect-src"] == local["form-action"] == "'self'"


def test_sign_in_settings_are_escaped_in_the_page() -> None:
    client_id = "</script><script>alert(1)</script>"
    redirect_url = 'https://app.example/?a=1&b="><img src=x onerror=alert(2)>'
    html = render(SignIn(domain_url=DOMAIN, client_id=client_id, redirect_url=redirect_url)).html

    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    match = CONFIG_BLOCK.search(html)
    assert match is not None
    config = json.loads(match.group(1))
    assert config["signIn"] == {
        "tokenUrl": f"{DOMAIN}/oauth2/token",
        "revokeUrl": f"{DOMAIN}/oauth2/revoke",
        "clientId": client_id,
        "redirectUri": redirect_url,
    }
    assert f'action="{DOMAIN}/oauth2/authorize"' in html
    assert f'action="{DOMAIN}/logout"' in html


def test_without_sign_in_the_page_has_no_sign_in_form() -> None:
    html = render(None).html
    match = CONFIG_BLOCK.search(html)
    assert match is not None
    assert json.loads(match.group(1))["signIn"] is None
    assert 'id="sign-in-form"' not in html
    assert 'id="sign-out-form"' not in html
