"""GET /: the web form, rendered once per container from a Jinja2 template with autoescaping on.

The page carries its CSS and JavaScript inline and allows exactly those (by hash) in its
Content-Security-Policy: no CDN, no other origin, nothing injected can run.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from shared.models import CHANNEL_SPECS, MAX_BIO_CHARS, MAX_NAME_CHARS, MAX_PITCH_CHARS, Channel

_HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = _HERE / "templates"
STATIC_DIR = _HERE / "static"


@dataclass(frozen=True)
class WebPage:
    html: str
    headers: dict[str, str]


@cache
def page() -> WebPage:
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
        limits={"bio": MAX_BIO_CHARS, "pitch": MAX_PITCH_CHARS, "name": MAX_NAME_CHARS},
        client_config={
            "channels": {
                channel.value: {"label": spec.label, "maxChars": spec.max_chars, "hasSubject": spec.has_subject}
                for channel, spec in CHANNEL_SPECS.items()
            },
        },
    )
    policy = "; ".join(
        (
            "default-src 'none'",
            f"script-src {_source_hash(script)}",
            f"style-src {_source_hash(css)}",
            "connect-src 'self'",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'self'",
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


def _source_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
