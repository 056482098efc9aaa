"""Forwarded messages found in a body by their header block, whatever the subject says.

Every client writes a forward as a block of header lines ("From: …", "Sent: …", "To: …", "Subject: …" or
"Von: …", "Gesendet: …", "差出人: …") with, for most, a separator line above it ("---------- Forwarded
message ---------", "Begin forwarded message:", an Outlook rule of underscores). The header names and
separators are data (shared/email/data/forwards.toml). A block is a forward when it names a sender and at
least one more field; a reply's quoted original is not one: header blocks inside "> " quotes count only
under an explicit forward separator (MailMate quotes its forwards), and a message whose subject says it is a
reply ("Re:", "AW:", "SV:") is read as a reply unless such a separator says otherwise. Nested forwards are
followed down to the innermost message that has text of its own.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "forwards.toml"
_MAX_LINES = 2_000
_MAX_NESTING = 12
_MIN_OWN_TEXT_LETTERS = 20
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]{0,3}>)+[ \t]?")
_RULE = re.compile(r"^[ \t]*_{8,}[ \t]*$")
_SEPARATOR_NOISE = " \t-_*=>"  # around a separator's words: "-------- Forwarded Message --------"
_ADDRESS = re.compile(r"[^\s<>\[\]()\"';,:]{1,64}@[^\s<>\[\]()\"';,:]{1,253}")


@dataclass(frozen=True)
class Forward:
    """`note`: the text above the outermost forward; `body`: the chosen forwarded message's text."""

    note: str
    body: str
    sender: str  # the "From:" value as written ("Jane Doe <jane@x.example>", "Doe, Jane [mailto:…]")
    subject: str | None
    depth: int


@dataclass(frozen=True)
class _Layout:
    header: re.Pattern[str]
    fields: dict[str, str]
    separators: frozenset[str]
    reply_separators: frozenset[str]
    reply_subject: re.Pattern[str]
    forward_subject: re.Pattern[str]


def _alternation(phrases: list[str]) -> str:
    return "|".join(re.escape(phrase) for phrase in sorted(set(phrases), key=len, reverse=True))


@cache
def _layout() -> _Layout:
    data = tomllib.loads(_DATA.read_text(encoding="utf-8"))
    fields = {name.casefold(): field for field, names in data["fields"].items() for name in names}
    names = _alternation(list({name for names in data["fields"].values() for name in names}))
    header = re.compile(rf"^[ \t]{{0,4}}\*{{0,2}}({names})\*{{0,2}}[ \t]{{0,4}}[:：]\*{{0,2}}(.*)$", re.IGNORECASE)
    prefix = r"^[ \t]{{0,8}}(?:{})[ \t]{{0,2}}(?:\[\d{{1,3}}\])?[ \t]{{0,2}}[:：]"
    return _Layout(
        header=header,
        fields=fields,
        separators=frozenset(phrase.casefold() for phrase in data["separators"]),
        reply_separators=frozenset(phrase.casefold() for phrase in data["reply_separators"]),
        reply_subject=re.compile(prefix.format(_alternation(data["reply_subject_prefixes"])), re.IGNORECASE),
        forward_subject=re.compile(prefix.format(_alternation(data["forward_subject_prefixes"])), re.IGNORECASE),
    )


def is_forward_subject(subject: str) -> bool:
    return bool(_layout().forward_subject.match(subject))


def is_reply_subject(subject: str) -> bool:
    layout = _layout()
    return bool(layout.reply_subject.match(subject)) and not layout.forward_subject.match(subject)


@dataclass(frozen=True)
class _Line:
    text: str  # without its quote markers
    quotes: int


@dataclass(frozen=True)
class _Block:
    start: int  # first line of the separator, or of the headers when there is none
    end: int  # first line after the headers
    fields: dict[str, str]
    quotes: int


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    for raw in text.split("\n")[:_MAX_LINES]:
        match = _QUOTE_PREFIX.match(raw)
        quotes = match.group(0).count(">") if match else 0
        lines.append(_Line(raw[match.end() :] if match else raw, quotes))
    return lines


def _header(line: _Line) -> tuple[str, str] | None:
    layout = _layout()
    match = layout.header.match(line.text)
    if match is None:
        return None
    return layout.fields[match.group(1).casefold()], match.group(2).strip()


def _separator_kind(line: _Line) -> str | None:
    """ "forward", "ambiguous" (Outlook's "Original Message", also above replies), "rule", or None."""
    if _RULE.match(line.text):
        return "rule"
    phrase = " ".join(line.text.strip(_SEPARATOR_NOISE).rstrip(":：").strip(_SEPARATOR_NOISE).casefold().split())
    layout = _layout()
    if phrase in layout.reply_separators:
        return "ambiguous"
    if phrase in layout.separators or phrase.startswith("forwarded message from "):
        return "forward"
    return None


def _header_run(lines: list[_Line], start: int) -> tuple[int, dict[str, str]]:
    """Header lines from `start` (one blank line between two of them is allowed): (end, fields)."""
    fields: dict[str, str] = {}
    index = start
    quotes = lines[start].quotes
    while index < len(lines):
        line = lines[index]
        found = _header(line) if line.quotes == quotes else None
        if found is not None:
            field, value = found
            if field in fields:
                break  # a header block names each field once: a second block starts here
            fields.setdefault(field, value)
            index += 1
        elif not line.text.strip() and index + 1 < len(lines) and _header(lines[index + 1]) is not None:
            index += 1
        else:
            break
    return index, fields


def _find_block(lines: list[_Line], begin: int, subject: str | None) -> _Block | None:
    """The first header block from `begin` that opens a forward (see the module's docstring)."""
    index = begin
    while index < len(lines):
        if _header(lines[index]) is None:
            index += 1
            continue
        end, fields = _header_run(lines, index)
        above = index - 1
        while above >= begin and above >= index - 2 and not lines[above].text.strip():
            above -= 1
        kind = _separator_kind(lines[above]) if above >= begin else None
        if kind and lines[index].quotes and lines[above].quotes >= lines[index].quotes:
            kind = None  # a separator quoted along with the headers belongs to a quoted reply
        if _opens_forward(fields, kind, quotes=lines[index].quotes, subject=subject):
            return _Block(start=above if kind else index, end=end, fields=fields, quotes=lines[index].quotes)
        index = max(end, index + 1)
    return None


def _opens_forward(fields: dict[str, str], kind: str | None, *, quotes: int, subject: str | None) -> bool:
    sender = fields.get("from", "")
    if not sender or len(fields) < 2:
        return False
    if not ("@" in sender or kind or len(fields) >= 3):
        return False  # "From: Lisbon" and "Date: 1980" in a bio are not a forward
    replying = bool(subject) and is_reply_subject(subject or "")
    if quotes:
        # A reply's quoted original ("> From: …") is no forward; MailMate quotes its forwards under "Forwarded message:".
        return kind == "forward" and not replying
    return kind == "forward" or not replying


def _letters(lines: list[_Line]) -> int:
    return sum(sum(char.isalpha() for char in line.text) for line in lines)


def _text(lines: list[_Line], quotes: int) -> str:
    """The lines as written, with the quote level of a quoted forward (MailMate) taken off."""
    kept: list[str] = []
    for line in lines:
        level = max(0, line.quotes - quotes)
        kept.append(("> " * level) + line.text)
    return "\n".join(kept).strip()


def find_forward(text: str, subject: str | None) -> Forward | None:
    """The forwarded message in `text`, or None. `subject` is the message's own subject (may be rewritten)."""
    lines = _lines(text.replace("\r\n", "\n").replace("\u00a0", " ").replace("\ufeff", ""))
    outer = _find_block(lines, 0, subject)
    if outer is None:
        return None
    levels = [outer]
    while len(levels) < _MAX_NESTING:
        inner = _find_block(lines, levels[-1].end, levels[-1].fields.get("subject"))
        if inner is None:
            break
        levels.append(inner)
    # The innermost message with text of its own carries the bio; the ones around it only pass it on.
    chosen = len(levels) - 1
    for depth in range(len(levels) - 1, -1, -1):
        end = levels[depth + 1].start if depth + 1 < len(levels) else len(lines)
        if _letters(lines[levels[depth].end : end]) >= _MIN_OWN_TEXT_LETTERS:
            chosen = depth
            break
    block = levels[chosen]
    body_end = levels[chosen + 1].start if chosen + 1 < len(levels) else len(lines)
    return Forward(
        note=_text(lines[: outer.start], 0),
        body=_text(lines[block.end : body_end], block.quotes),
        sender=block.fields["from"],
        subject=block.fields.get("subject"),
        depth=chosen + 1,
    )


def header_block_offset(text: str) -> int | None:
    """Where the first header block ("From: …" and another header field, quoted or not) or its separator starts."""
    lines = text.split("\n")[:_MAX_LINES]
    parsed = _lines("\n".join(lines))
    index = 0
    while index < len(parsed):
        if _header(parsed[index]) is None:
            index += 1
            continue
        end, fields = _header_run(parsed, index)
        if "from" in fields and len(fields) >= 2 and ("@" in fields["from"] or len(fields) >= 3):
            start = index - 1 if index > 0 and _separator_kind(parsed[index - 1]) else index
            return sum(len(raw) + 1 for raw in lines[:start])
        index = max(end, index + 1)
    return None


def mailbox(value: str) -> tuple[str | None, str]:
    """(address, display part) of a "From:" value: "Jane <jane@x>", "Jane [mailto:jane@x]", "jane@x", "Jane"."""
    match = _ADDRESS.search(value.replace("mailto:", " "))
    address = match.group(0).strip(".").lower() if match else None
    name = value
    if match:
        name = value.replace("mailto:", " ").replace(match.group(0), " ")
    name = re.sub(r"[<>\[\]()]", " ", name).strip().strip("\"'“”").strip()
    return address, " ".join(name.split())
