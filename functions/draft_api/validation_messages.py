"""Validation errors as sentences a person can act on: "Their bio is too long: 9,000 characters, at most 8,000."

The words live in validation_messages.toml; this module only picks the sentence for each error and fills it in.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_DATA = Path(__file__).with_name("validation_messages.toml")
# Where Powertools says a value came from; the rest of a location is the field's own path.
_SOURCES = frozenset({"body", "query", "header", "path", "cookie"})
# An unknown field's name is quoted back; a hostile one may be thousands of characters long.
_MOST_QUOTED_CHARS = 40


@dataclass(frozen=True)
class Wording:
    labels: Mapping[str, str]
    sentences: Mapping[str, str]
    field_sentences: Mapping[str, Mapping[str, str]]
    kinds: Mapping[str, str]
    unnamed: Mapping[str, str]
    most_told: int
    more: str
    plural: frozenset[str]


@cache
def wording() -> Wording:
    # Loaded on the first refused request only: a cold start never pays for it.
    data = tomllib.loads(_DATA.read_text(encoding="utf-8"))
    return Wording(
        labels=data["labels"],
        sentences=data["sentences"],
        field_sentences=data["field_sentences"],
        kinds=data["kinds"],
        unnamed=data["unnamed"],
        most_told=data["more"]["most_told"],
        more=data["more"]["sentence"],
        plural=frozenset(data["plural"]["labels"]),
    )


def field_name(location: Sequence[Any]) -> str | None:
    """("body", "target_bio") -> "target_bio"; ("query", "limit") -> "limit"; ("body",) -> None."""
    parts = [str(part) for part in location if part not in _SOURCES]
    return ".".join(parts) or None


def sentence(error: Mapping[str, Any]) -> str:
    """One pydantic error (a dict of `ValidationError.errors()`, input included) as a sentence."""
    words = wording()
    name = field_name(error.get("loc", ())) or ""
    kind = words.kinds.get(str(error.get("type")), "invalid")
    context = error.get("ctx") or {}
    value = error.get("input")
    actual = len(value) if isinstance(value, str | list | dict) else None
    # The value is measured before whitespace is stripped, so a one-character minimum means it was blank.
    if kind == "too_short" and context.get("min_length", 1) <= 1:
        kind = "empty"
    label = words.labels.get(name)
    if kind == "unknown_field":
        # A name no model declares is the caller's own, so quoting it back names nothing of ours.
        return words.sentences["unknown_field"].format(name=_shortened(name))
    if label is None:
        return words.unnamed.get(kind, words.unnamed["other"])
    template = words.field_sentences.get(name, {}).get(kind) or words.sentences[kind]
    limit = next((context[key] for key in ("max_length", "min_length", "ge", "le", "gt", "lt") if key in context), None)
    values = {
        "Field": label,
        "is": "are" if name in words.plural else "is",
        "actual": _number(actual),
        "limit": _number(limit),
        "choices": str(context.get("expected", "")).replace("'", ""),
    }
    return template.format(**values)


def sentences(errors: Sequence[Mapping[str, Any]]) -> str:
    """The errors' sentences, each once and in order, as one message; past the first few, only how many more."""
    words = wording()
    told = list(dict.fromkeys(sentence(error) for error in errors))
    if len(told) <= words.most_told:
        return " ".join(told)
    more = len(told) - words.most_told
    return " ".join([*told[: words.most_told], words.more.format(count=f"{more:,}")])


def _shortened(name: str, most: int = _MOST_QUOTED_CHARS) -> str:
    return name if len(name) <= most else name[: most - 1] + "…"


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)
