"""Text that must never be quoted or echoed: links, addresses, placeholders, requests and text planted for a model."""

from __future__ import annotations

import re

from shared.guardrails.injection import injection_spans

# Each alternative starts at a fixed anchor ("http", "@", ".com"), so a search is linear even on "a.a.a.a…".
_URL_OR_EMAIL = re.compile(
    r"(?i)\b(?:https?://|www\.)\S|(?<=[\w.+-])@[\w-]+\.[\w-]|(?<=[\w-])\.(?:com|org|net|io|ai|dev|co|app|ly|me)\b"
)
_PLACEHOLDER = re.compile(r"\[[^\]]{0,40}\]|\{\{|\}\}|<[^<>]{0,40}>|\{[A-Za-z_ ]{1,30}\}")
# Requests of the reader: true of the bio's author, but never something to echo.
_REQUEST = re.compile(
    r"(?i)\b(?:include|add|insert|append|mention)\b.{0,30}\b(?:link|url|email|address|referral)\b"
    r"|\bask(?:ing)?\s+(?:me|them|him|her|the\s+recipient|for)\b|\brefer(?:ral|rals|red)?\b|\bdm\s+me\b|\breach\s+out\b"
    r"|\bget\s+in\s+touch\b|\bcontact\s+me\b|\byou\s+(?:must|should|shall|have\s+to)\b"
)


def is_hostile(text: str) -> bool:
    """True for text that must never be quoted or echoed: links, addresses, placeholders, requests, and text planted
    for a model (shared.guardrails.injection: the same notion the final check applies to every draft)."""
    return bool(_URL_OR_EMAIL.search(text) or _PLACEHOLDER.search(text) or _REQUEST.search(text) or injection_spans(text))
