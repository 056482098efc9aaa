"""A forwarded letter's greeting, lead-in and sign-off, taken off the bio it carries.

"Hi Sam, as promised, here's a little about Ines: Ines Duarte runs … Cheers, Tom" passes on a bio about
Ines; "Hi Sam," and the lead-in ending in ":" are the forwarder talking to Sam, and "Cheers, Tom" is
their sign-off. Phrases are data (shared/email/data/salutations.toml); only the first and the last few
lines are looked at.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "salutations.toml"
_MAX_LEAD_IN_CHARS = 200
_MAX_SIGN_OFF_LINE_CHARS = 40
_MAX_LINES_AFTER_SIGN_OFF = 4
_LONE_NAME = re.compile(r"^[^\W\d_][\w'’.-]{0,30}(?: [^\W\d_][\w'’.-]{0,30}){0,2}$")


def _alternation(phrases: list[str]) -> str:
    return "|".join(re.escape(phrase) for phrase in sorted(phrases, key=len, reverse=True))


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    data = tomllib.loads(_DATA.read_text(encoding="utf-8"))
    # "Hi Sam," / "Dear Dr. Mensah:" / "Hola Sam!": the greeting word, up to 40 characters of names, then , ! or :
    greeting = re.compile(rf"^(?:{_alternation(data['greetings'])})\b[^\n,!:;.]{{0,40}}[,!:]?[ \t]*", re.IGNORECASE)
    # "Cheers," / "Cheers, Tom" / "Best regards" on a short line of its own.
    sign_offs = _alternation(data["sign_offs"])
    sign_off = re.compile(rf"^(?:{sign_offs})\b[ \t]{{0,3}}[,!.]?(?:[ \t]{{0,3}}[^\W\d_][^\n]{{0,30}})?$", re.IGNORECASE)
    return greeting, sign_off


def after_greeting(text: str) -> str | None:
    """The text after a leading greeting ("Hi Sam," / "Hola Marta:"), or None when it opens with none."""
    greeting, _ = _patterns()
    stripped = text.lstrip()
    first_line = stripped.split("\n", 1)[0].rstrip()
    match = greeting.match(first_line)
    if match is None or (match.end() < len(first_line) and not match.group(0).rstrip().endswith((",", "!", ":"))):
        return None  # "Hillary Chen runs …" is a name, not "Hi"; a greeting needs its own line or punctuation
    return stripped[match.end() :]


def _strip_opening(lines: list[str]) -> list[str]:
    rest_of_text = after_greeting("\n".join(lines))
    if rest_of_text is None:
        return lines
    lines = rest_of_text.split("\n")
    while lines and not lines[0].strip():
        lines = lines[1:]
    if lines:
        # The forwarder's lead-in: "As promised, here's a little about Ines:" (alone, or before the bio on its line).
        first = lines[0].strip()
        colon = first.find(":")
        if 0 < colon < _MAX_LEAD_IN_CHARS:
            tail = first[colon + 1 :].strip()
            if not tail:
                lines = lines[1:]
            elif tail[0].isupper() and first[:colon].count(" ") >= 2:
                lines = [tail, *lines[1:]]
    return lines


def _strip_closing(lines: list[str], signer: str | None) -> list[str]:
    _, sign_off = _patterns()
    filled = [index for index, line in enumerate(lines) if line.strip()]
    for index in reversed(filled[-(_MAX_LINES_AFTER_SIGN_OFF + 1) :]):
        line = lines[index].strip()
        if len(line) <= _MAX_SIGN_OFF_LINE_CHARS and sign_off.match(line) and index > filled[0]:
            return lines[:index]
    # "…on Tuesdays.\n\nTomás": the sender's name alone after a blank line is their signature.
    last = lines[filled[-1]].strip() if filled else ""
    signed = bool(signer) and bool(last) and last.split()[0].casefold() in (signer or "").casefold().split()
    if len(filled) >= 2 and signed and _LONE_NAME.match(last) and not lines[filled[-1] - 1].strip():
        return lines[: filled[-1]]
    return lines


def strip_salutations(text: str, *, signer: str | None = None) -> str:
    """The letter's text without its greeting, the forwarder's lead-in and its sign-off (and `signer`'s name
    alone on the last line, when the letter's sender is known)."""
    lines = _strip_closing(_strip_opening(text.split("\n")), signer)
    return "\n".join(lines).strip()
