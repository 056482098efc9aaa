"""A raw message as MIME parts, read within bounds: how deep, how many parts, how much text.

The stdlib parser recurses once per nesting level, so a message is refused (MimeTooComplex) before it
runs when a linear prescan counts far more part openings than MAX_MIME_PARTS, and after it when an
iterative walk finds more than MAX_MIME_DEPTH levels or MAX_MIME_PARTS parts. Non-text parts are never
decoded; each text part is cut before decoding.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from email import policy
from email.message import Message
from email.parser import BytesFeedParser
from html.parser import HTMLParser

from shared.text import normalise

MAX_PART_BYTES = 1_000_000  # decoded bytes kept per text part
# Enough encoded text for MAX_PART_BYTES in the bulkiest transfer encoding (quoted-printable: 3 chars a byte).
_MAX_ENCODED_CHARS = 3 * MAX_PART_BYTES + 64_000
MAX_MIME_DEPTH = 30
MAX_MIME_PARTS = 200
# Before parsing, lines that could open a part are counted: a part has at most one Content-Type line and
# one delimiter line ("--boundary"), so more of them than this means far more parts than MAX_MIME_PARTS.
# The counts also bound how deep the stdlib parser (which recurses per nesting level) can be made to go.
_PRESCAN_CONTENT_TYPES = MAX_MIME_PARTS + 1
_PRESCAN_DELIMITERS = 4 * MAX_MIME_PARTS
_CONTENT_TYPE_LINE = re.compile(rb"(?im)^content-type[ \t]*:")
_DELIMITER_LINE = re.compile(rb"(?m)^--")
_FEED_CHUNK_BYTES = 64 * 1024


class EmailRefused(ValueError):
    """A message refused before anything reads it; `reason` is a stable code for the drop."""

    reason = "refused"


class EmailTooLarge(EmailRefused):
    """The raw message is larger than SES would ever deliver."""

    reason = "too_large"


class MimeTooComplex(EmailTooLarge):
    """More MIME parts or deeper nesting than any real forward has (a subclass of EmailTooLarge: callers that
    drop oversized mail drop this too)."""

    reason = "mime_too_complex"


def parse_mime(raw: bytes) -> Message:
    _prescan(raw)
    # Fed in chunks: parsebytes() decodes and splits the whole message at once, which peaks near
    # 8x its size; chunks keep the peak under 3x (the tracemalloc test in test_email_parsing holds it).
    parser = BytesFeedParser(policy=policy.default)
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), _FEED_CHUNK_BYTES):
            parser.feed(bytes(view[start : start + _FEED_CHUNK_BYTES]))
        message = parser.close()
    except RecursionError as error:  # the prescan makes this unreachable; kept so it can never escape as a crash
        raise MimeTooComplex("the message nests its parts too deeply to read") from error
    check_mime_shape(message)
    return message


def _prescan(raw: bytes) -> None:
    """Refuse, in one linear pass and before the parser runs, a message with far too many parts."""
    content_types = sum(1 for _ in _CONTENT_TYPE_LINE.finditer(raw))
    delimiters = sum(1 for _ in _DELIMITER_LINE.finditer(raw))
    if content_types > _PRESCAN_CONTENT_TYPES or delimiters > _PRESCAN_DELIMITERS:
        raise MimeTooComplex(f"the message has more than {MAX_MIME_PARTS} MIME parts")


def check_mime_shape(message: Message) -> None:
    """Count parts and nesting without recursion; attached messages count as a level and their parts as parts."""
    stack: list[tuple[Message, int]] = [(message, 0)]
    parts = 0
    while stack:
        part, depth = stack.pop()
        parts += 1
        if depth > MAX_MIME_DEPTH:
            raise MimeTooComplex(f"the message nests MIME parts more than {MAX_MIME_DEPTH} levels deep")
        if parts > MAX_MIME_PARTS:
            raise MimeTooComplex(f"the message has more than {MAX_MIME_PARTS} MIME parts")
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend((sub, depth + 1) for sub in payload if isinstance(sub, Message))


def _leaves(message: Message) -> Iterator[Message]:
    """Non-multipart parts in order; attached messages are yielded whole, not descended into."""
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        if part.get_content_maintype() == "multipart":
            payload = part.get_payload()
            if isinstance(payload, list) and depth < MAX_MIME_DEPTH:
                stack.extend((sub, depth + 1) for sub in reversed(payload) if isinstance(sub, Message))
            continue
        yield part


def _is_attachment(part: Message) -> bool:
    return part.get_content_disposition() == "attachment" or bool(part.get_filename())


def body_and_attached_message(message: Message) -> tuple[str, Message | None, int]:
    """The message's own text (plain preferred over HTML), its first attached message, and how many parts were ignored."""
    plain: Message | None = None
    html: Message | None = None
    attached: Message | None = None
    ignored = 0
    for part in _leaves(message):
        ctype = part.get_content_type()
        if ctype == "message/rfc822" and attached is None:
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                attached = inner[0]
                continue
        if ctype == "text/plain" and plain is None and not _is_attachment(part):
            plain = part
        elif ctype == "text/html" and html is None and not _is_attachment(part):
            html = part
        elif ctype not in ("text/plain", "text/html") or _is_attachment(part):
            ignored += 1
    if plain is not None:
        text = _part_text(plain)
    elif html is not None:
        text = html_to_text(_part_text(html))
    else:
        text = ""
    return text, attached, ignored


def _part_text(part: Message) -> str:
    """The part's text, decoded with its declared charset; at most MAX_PART_BYTES of it."""
    encoded = part.get_payload()
    if not isinstance(encoded, str):
        return ""
    if len(encoded) > _MAX_ENCODED_CHARS:
        # Cut before decoding so a huge part never exists twice in memory; the stdlib decoders
        # tolerate the ragged end (partial base64 quantum or quoted-printable escape).
        part.set_payload(encoded[:_MAX_ENCODED_CHARS])
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    return decode_text(data[:MAX_PART_BYTES], part.get_content_charset())


# Labels that senders use for what is really windows-1252 (the WHATWG Encoding Standard does the same).
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp819", "ascii", "us-ascii"}


def decode_text(data: bytes, charset: str | None) -> str:
    """Decode with the declared charset; never raises. Unknown or missing charsets try UTF-8, then windows-1252."""
    label = (charset or "").strip().strip('"').lower()
    if label and label not in _WINDOWS_1252_LABELS:
        try:
            codecs.lookup(label)
            return data.decode(label, errors="replace")
        except (LookupError, ValueError):
            pass  # not a text codec Python knows: fall through to the defaults
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", errors="replace")


class _TextExtractor(HTMLParser):
    """HTML to plain text: scripts, styles and head dropped, block elements become line breaks.

    Breaks are collected, not written, until the next text: `</div><div>` is one line break, not two,
    while each `<br>` counts (two make a blank line).
    """

    _SKIP = frozenset({"script", "style", "head", "title", "noscript", "template", "svg", "object"})
    _PARAGRAPH = frozenset({"p", "blockquote", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr"})
    _LINE = frozenset({"div", "li", "tr", "section", "article", "header", "footer", "dd", "dt"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._chunks: list[str] = []
        self._pending_breaks = 0
        self._skip_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag == "pre":
            self._pre_depth += 1
        self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
        if tag != "br":
            self._break(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._break(tag)

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        text = data if self._pre_depth else re.sub(r"\s+", " ", data)
        if not text.strip():
            if not self._pending_breaks:
                self._chunks.append(text)
            return
        if self._chunks and self._pending_breaks:
            self._chunks.append("\n" * self._pending_breaks)
        self._pending_breaks = 0
        self._chunks.append(text)

    def _break(self, tag: str) -> None:
        if tag == "br":
            self._pending_breaks = min(2, self._pending_breaks + 1)
        elif tag in self._PARAGRAPH:
            self._pending_breaks = 2
        elif tag in self._LINE:
            self._pending_breaks = max(1, self._pending_breaks)

    def text(self) -> str:
        return normalise("".join(self._chunks))


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return extractor.text()
