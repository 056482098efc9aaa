"""Text that must never be quoted or echoed: links, contacts, placeholders, requests and text planted for a model."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from shared.guardrails.injection import injection_spans
from shared.guardrails.links import contacts
from shared.text.reading import read

_PLACEHOLDER = re.compile(r"\[[^\]]{0,40}\]|\{\{|\}\}|<[^<>]{0,40}>|\{[A-Za-z_ ]{1,30}\}")
# Requests of the reader: true of the bio's author, but never something to echo.
_REQUEST = re.compile(
    r"(?i)\b(?:include|add|insert|append|mention)\b.{0,30}\b(?:link|url|email|address|referral)\b"
    r"|\bask(?:ing)?\s+(?:me|them|him|her|the\s+recipient|for)\b|\brefer(?:ral|rals|red)?\b|\bdm\s+me\b|\breach\s+out\b"
    r"|\bget\s+in\s+touch\b|\bcontact\s+me\b|\byou\s+(?:must|should|shall|have\s+to)\b"
)


@dataclass(frozen=True)
class _Spans:
    """Spans of a text, sorted by start, tested for overlap in log time (a hostile bio may hold thousands)."""

    starts: tuple[int, ...]
    reach: tuple[int, ...]  # reach[i]: the furthest end among the first i + 1 spans

    def touch(self, start: int, end: int) -> bool:
        before_end = bisect.bisect_left(self.starts, end)
        return before_end > 0 and self.reach[before_end - 1] > start


@lru_cache(maxsize=64)
def _unquotable(text: str) -> _Spans:
    """Where `text` holds a link or contact, found as the final gate finds them (shared.guardrails.links), or text
    planted for a model (shared.guardrails.injection): both looked for once in the whole text."""
    reading = read(text)
    spans = sorted([reading.original_span(found.start, found.end) for found in contacts(text)] + injection_spans(text))
    return _Spans(tuple(start for start, _ in spans), tuple(itertools.accumulate((end for _, end in spans), max)))


def is_hostile(text: str, start: int = 0, end: int | None = None) -> bool:
    """True when text[start:end] must never be quoted or echoed: it holds a placeholder or a request, or touches a link,
    contact or planted text of `text` (the same notions the final check applies to every draft)."""
    end = len(text) if end is None else end
    part = text[start:end]
    return bool(_PLACEHOLDER.search(part) or _REQUEST.search(part)) or _unquotable(text).touch(start, end)
