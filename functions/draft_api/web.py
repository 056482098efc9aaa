"""GET /: the web form, rendered once per container from a Jinja2 template with autoescaping on.

The page carries its CSS and JavaScript inline and allows exactly those (by hash) in its
Content-Security-Policy: no CDN, no other origin, nothing injected can run. When sign-in is
configured (deployed with an AppUrl), the page signs users in at Cognito's managed login with the
OAuth 2.0 authorization code flow and PKCE, and its policy allows that one origin besides its own.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from shared.composition import Settings
from shared.models import (
    CHANNEL_SPECS,
    MAX_BIO_CHARS,
    MAX_NAME_CHARS,
    MAX_OFFER_CHARS,
    MAX_PITCH_CHARS,
    MAX_SENDER_INTERESTS_CHARS,
    Channel,
)

_HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = _HERE / "templates"
STATIC_DIR = _HERE / "static"
# The page's own sentences for failed requests (the API words the rest).
FAILURES_PATH = TEMPLATES_DIR / "failures.toml"
# What the page asks Cognito for: an ID token (which the HTTP API's JWT authorizer accepts) carrying the email.
SIGN_IN_SCOPES = "openid email"
_ORIGIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?")


@dataclass(frozen=True)
class WebPage:
    html: str
    headers: dict[str, str]


@dataclass(frozen=True)
class SignIn:
    """Where the page signs users in: Cognito's managed login domain, the app client, and the app's own URL."""

    domain_url: str
    client_id: str
    redirect_url: str

    @property
    def origin(self) -> str:
        """The domain as a CSP source."""
        return self.domain_url.rstrip("/")

    def endpoint(self, path: str) -> str:
        return f"{self.origin}{path}"


def sign_in_from(settings: Settings) -> SignIn | None:
    """The page's sign-in, or None when any part is unset (always so under `noask serve`)."""
    if not (settings.cognito_domain_url and settings.cognito_client_id and settings.app_url):
        return None
    # The domain goes into the page's CSP as a source: a value that is not a bare origin could widen the policy.
    if not _ORIGIN_URL.fullmatch(settings.cognito_domain_url):
        raise ValueError(
            "NOASK_COGNITO_DOMAIN_URL must be a scheme and host, like https://<prefix>.auth.<region>.amazoncognito.com"
        )
    return SignIn(domain_url=settings.cognito_domain_url, client_id=settings.cognito_client_id, redirect_url=settings.app_url)


def page(settings: Settings) -> WebPage:
    return render(sign_in_from(settings), settings.drafting_address)


@cache
def render(sign_in: SignIn | None, drafting_address: str = "drafts@example.com") -> WebPage:
    # Imported here: only this route renders a template.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
    from markupsafe import Markup

    css = (STATIC_DIR / "app.css").read_text(encoding="utf-8")
    script = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
    )
    html = environment.get_template("index.html.j2").render(
        css=Markup(css),  # noqa: S704 - our own stylesheet from the artifact, not user input
        script=Markup(script),  # noqa: S704 - our own script from the artifact, not user input
        channels=[(channel.value, CHANNEL_SPECS[channel]) for channel in Channel],
        default_channel=Channel.LINKEDIN_MESSAGE.value,
        limits={
            "bio": MAX_BIO_CHARS,
            "pitch": MAX_PITCH_CHARS,
            "name": MAX_NAME_CHARS,
            "interests": MAX_SENDER_INTERESTS_CHARS,
            "offer": MAX_OFFER_CHARS,
        },
        drafting_address=drafting_address,
        sign_in=sign_in,
        sign_in_scopes=SIGN_IN_SCOPES,
        client_config={
            "channels": {
                channel.value: {"label": spec.label, "maxChars": spec.max_chars, "hasSubject": spec.has_subject}
                for channel, spec in CHANNEL_SPECS.items()
            },
            "failures": page_failures(),
            "signIn": None
            if sign_in is None
            else {
                "tokenUrl": sign_in.endpoint("/oauth2/token"),
                "revokeUrl": sign_in.endpoint("/oauth2/revoke"),
                "clientId": sign_in.client_id,
                "redirectUri": sign_in.redirect_url,
            },
        },
    )
    # The sign-in service is reached by fetch (tokens) and by form (the sign-in and sign-out pages), nothing else.
    sign_in_source = "" if sign_in is None else f" {sign_in.origin}"
    policy = "; ".join(
        (
            "default-src 'none'",
            f"script-src {_source_hash(script)}",
            f"style-src {_source_hash(css)}",
            f"connect-src 'self'{sign_in_source}",
            "img-src 'self' data:",
            "base-uri 'none'",
            f"form-action 'self'{sign_in_source}",
            "frame-ancestors 'none'",
        )
    )
    headers = {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }
    return WebPage(html=html, headers=headers)


def page_failures() -> dict[str, Any]:
    """failures.toml as the page reads it: {"statuses": {"503": sentence}, "codes": {code: sentence}, "other",
    "fieldRefused", "reference", "page": {case: sentence}}, each sentence spelt out where the file names it."""
    import tomllib  # here, like jinja2: only GET / reads it

    data = tomllib.loads(FAILURES_PATH.read_text(encoding="utf-8"))
    sentences: dict[str, str] = data["sentences"]
    return {
        "statuses": {status: sentences[name] for status, name in data["statuses"].items()},
        "codes": {code: sentences[name] for code, name in data["codes"].items()},
        "other": sentences["other"],
        "fieldRefused": sentences["field_refused"],
        "reference": sentences["reference"],
        "page": {case: sentences[name] for case, name in data["page"].items()},
    }


def _source_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
