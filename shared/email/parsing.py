"""Parse a raw inbound email into what the drafting path needs: who sent it, their note, and the bio.

The forwarded part is found by `email-forward-parser` (Gmail, Outlook, Apple Mail, Thunderbird,
Yahoo and more, in many languages). Everything here is bounded: the raw message is refused above
SES's 40 MB limit, non-text parts are never decoded, each text part is cut before decoding and
again before any regular expression sees it, and the bio ends at `MAX_BIO_CHARS`.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from email import policy
from email.headerregistry import Address
from email.message import Message
from email.parser import BytesFeedParser
from html.parser import HTMLParser

from emailforwardparser import forward_parser
from pydantic import BaseModel, ConfigDict

from shared.email.forwards import find_forward, is_forward_subject, mailbox
from shared.email.salutations import strip_salutations
from shared.email.trimming import trim_quotes_and_signature
from shared.models import MAX_BIO_CHARS, MAX_OFFER_CHARS, MAX_SENDER_INTERESTS_CHARS, Channel
from shared.target_name import display_name, name_target, written_in_first_person
from shared.text import normalise

MAX_RAW_EMAIL_BYTES = 40 * 1024 * 1024  # SES receiving's own limit
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
# The forward parser's patterns backtrack on long lines (cost grows with the square of the line
# length), so it sees only the head of the body, wrapped: forward headers are short lines near the
# top, and the bio it yields is cut to MAX_BIO_CHARS anyway.
_FORWARD_SCAN_CHARS = 32_000
_MAX_LINE_CHARS = 400


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


class TrustHeaders(BaseModel):
    """The header values that trust and loop decisions rest on, exactly as received (unfolded)."""

    model_config = ConfigDict(frozen=True)

    authentication_results: tuple[str, ...] = ()
    spam_verdicts: tuple[str, ...] = ()
    virus_verdicts: tuple[str, ...] = ()
    auto_submitted: tuple[str, ...] = ()
    precedence: tuple[str, ...] = ()
    return_path: str | None = None
    list_headers: tuple[str, ...] = ()  # names of the RFC 2369/2919 list headers present
    autoreply: bool = False
    content_type: str = "text/plain"


class ParsedEmail(BaseModel):
    """One inbound message, reduced to what the email path uses. Attachments are counted, never kept."""

    model_config = ConfigDict(frozen=True)

    sender: str
    sender_domain: str
    subject: str
    message_id: str | None
    references: tuple[str, ...] = ()
    note: str = ""
    pitch: str | None = None
    sender_interests: str | None = None
    offer: str | None = None
    channel: Channel | None = None
    channel_problem: str | None = None
    forwarded: bool = False
    forwarded_from: str | None = None
    target_name: str | None = None
    target_rule: str | None = None  # which rule of shared.target_name named the target
    bio: str = ""
    bio_truncated: bool = False
    attachments_ignored: int = 0
    trust: TrustHeaders = TrustHeaders()


def parse_email(raw: bytes) -> ParsedEmail:
    if len(raw) > MAX_RAW_EMAIL_BYTES:
        raise EmailTooLarge(f"message is {len(raw)} bytes; the limit is {MAX_RAW_EMAIL_BYTES}")
    message = _parse_mime(raw)
    _check_mime_shape(message)
    sender = _single_sender(message)
    subject = _one_line(_header(message, "Subject") or "")
    body, attached, ignored = _body_and_attached_message(message)
    if attached is not None:
        # "Forward as attachment" (Outlook, Gmail for several messages): the attached message is the forward.
        forwarded = True
        note = body
        forwarded_body, _, _ = _body_and_attached_message(attached)
        forwarded_from, sender_name = _mailbox(attached)
    else:
        forwarded, note, forwarded_body, forwarded_from, sender_name = _split_forward(body, subject)
    if not forwarded:
        # Not a forward: the whole body is the bio, but leading `pitch:`/`channel:` lines still count.
        note, forwarded_body = _leading_directives(body)
    directives = _directives(trim_quotes_and_signature(note))
    bio, bio_truncated = _bounded_bio(strip_salutations(trim_quotes_and_signature(forwarded_body)))
    target = name_target(bio, forwarded_from=sender_name if forwarded else None, own_writing=written_in_first_person(bio))
    return ParsedEmail(
        sender=sender,
        sender_domain=sender.rpartition("@")[2],
        subject=subject,
        message_id=_message_id(_header(message, "Message-ID")),
        references=tuple(_message_ids(_header(message, "References") or "")),
        note=directives.note,
        pitch=directives.pitch,
        sender_interests=directives.sender_interests,
        offer=directives.offer,
        channel=directives.channel,
        channel_problem=directives.channel_problem,
        forwarded=forwarded,
        forwarded_from=forwarded_from,
        target_name=target.name if target else None,
        target_rule=target.rule if target else None,
        bio=bio,
        bio_truncated=bio_truncated,
        attachments_ignored=ignored,
        trust=_trust_headers(message),
    )


def _parse_mime(raw: bytes) -> Message:
    _prescan(raw)
    # Fed in chunks: parsebytes() decodes and splits the whole message at once, which peaks near
    # 8x its size; chunks keep the peak under 3x (the tracemalloc test in test_email_parsing holds it).
    parser = BytesFeedParser(policy=policy.default)
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), _FEED_CHUNK_BYTES):
            parser.feed(bytes(view[start : start + _FEED_CHUNK_BYTES]))
        return parser.close()
    except RecursionError as error:  # the prescan makes this unreachable; kept so it can never escape as a crash
        raise MimeTooComplex("the message nests its parts too deeply to read") from error


def _prescan(raw: bytes) -> None:
    """Refuse, in one linear pass and before the parser runs, a message with far too many parts."""
    content_types = sum(1 for _ in _CONTENT_TYPE_LINE.finditer(raw))
    delimiters = sum(1 for _ in _DELIMITER_LINE.finditer(raw))
    if content_types > _PRESCAN_CONTENT_TYPES or delimiters > _PRESCAN_DELIMITERS:
        raise MimeTooComplex(f"the message has more than {MAX_MIME_PARTS} MIME parts")


def _check_mime_shape(message: Message) -> None:
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


# --- headers -----------------------------------------------------------------------------------


def _header(message: Message, name: str) -> str | None:
    try:
        value = message.get(name)
    except Exception:  # the stdlib header parser raises assorted errors on malformed input
        return None
    return None if value is None else str(value)


def _all_headers(message: Message, name: str) -> tuple[str, ...]:
    """Every copy of a header, raw and unfolded: read without the header parser, so none can be lost to a parse error."""
    wanted = name.lower()
    return tuple(_one_line(str(value)) for key, value in message.raw_items() if key.lower() == wanted)


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _from_addresses(message: Message) -> tuple[Address, ...]:
    try:
        addresses: tuple[Address, ...] = getattr(message.get("From"), "addresses", ())
        return addresses
    except Exception:  # as in _header
        return ()


def _single_sender(message: Message) -> str:
    """The From address, lower-cased; empty unless there is exactly one well-formed address."""
    addresses = _from_addresses(message)
    if len(addresses) != 1:
        return ""
    address = addresses[0].addr_spec.strip().lower()
    local, at, domain = address.rpartition("@")
    return address if local and at and "." in domain else ""


def _mailbox(message: Message) -> tuple[str | None, str | None]:
    """The first From address and display name of an attached message."""
    addresses = _from_addresses(message)
    if not addresses:
        return None, None
    return addresses[0].addr_spec.lower() or None, _one_line(addresses[0].display_name) or None


_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")


def _message_ids(value: str) -> list[str]:
    return _MESSAGE_ID.findall(value)[-20:]


def _message_id(value: str | None) -> str | None:
    ids = _message_ids(value or "")
    return ids[0] if ids else None


# Any of these marks mailing-list mail (RFC 2369, RFC 2919), whichever ones a list server chose to add.
_LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Post", "List-Help", "List-Subscribe", "List-Owner", "List-Archive")


def _trust_headers(message: Message) -> TrustHeaders:
    return TrustHeaders(
        authentication_results=_all_headers(message, "Authentication-Results"),
        spam_verdicts=_all_headers(message, "X-SES-Spam-Verdict"),
        virus_verdicts=_all_headers(message, "X-SES-Virus-Verdict"),
        auto_submitted=_all_headers(message, "Auto-Submitted"),
        precedence=_all_headers(message, "Precedence"),
        return_path=_header(message, "Return-Path"),
        list_headers=tuple(name for name in _LIST_HEADERS if name in message),
        autoreply=any(_header(message, name) is not None for name in ("X-Autoreply", "X-Autorespond")),
        content_type=message.get_content_type(),
    )


# --- body --------------------------------------------------------------------------------------


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


def _body_and_attached_message(message: Message) -> tuple[str, Message | None, int]:
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


# --- forwards, notes and directives ------------------------------------------------------------

# "⸮" is a printable character, so the parser's own clean-up keeps it.
_HIDDEN_ENCODED_WORD = "=\u2e2e"


def _wrap_long_lines(text: str) -> str:
    if all(len(line) <= _MAX_LINE_CHARS for line in text.split("\n")):
        return text
    wrapped: list[str] = []
    for line in text.split("\n"):
        while len(line) > _MAX_LINE_CHARS:
            cut = line.rfind(" ", 0, _MAX_LINE_CHARS)
            cut = cut if cut > 0 else _MAX_LINE_CHARS
            wrapped.append(line[:cut])
            line = line[cut:].lstrip()
        wrapped.append(line)
    return "\n".join(wrapped)


def _forwarded_metadata(text: str, subject: str | None) -> forward_parser.ForwardMetadata | None:
    try:
        return forward_parser.get_forwarded_metadata(text, subject)
    except Exception:  # its index arithmetic fails on some malformed bodies (IndexError): then it is no forward
        return None


def _split_forward(body: str, subject: str) -> tuple[bool, str, str, str | None, str | None]:
    """(forwarded, note above the forward, forwarded body, original sender address, original sender name).

    Our reader (shared.email.forwards) finds header blocks whatever the subject says; the library is asked
    only when ours finds none and the subject says "forward", for layouts ours does not know.
    """
    found = find_forward(body[:_FORWARD_SCAN_CHARS], subject)
    if found is not None:
        address, name = mailbox(found.sender)
        return True, found.note, found.body, address, display_name(name) if name else None
    if not is_forward_subject(subject):
        return False, "", body, None, None
    return _library_forward(body, subject)


def _library_forward(body: str, subject: str) -> tuple[bool, str, str, str | None, str | None]:
    text = _wrap_long_lines(body[:_FORWARD_SCAN_CHARS].replace("\r\n", "\n"))
    # The forward parser runs RFC 2047 decoding over text that is already decoded, and raises when an
    # encoded word ("=?utf-8?q?…?=") meets non-ASCII text; hide "=?" from it and restore it afterwards.
    text, subject = text.replace("=?", _HIDDEN_ENCODED_WORD), subject.replace("=?", _HIDDEN_ENCODED_WORD)
    found = _forwarded_metadata(text, subject)
    if found is None or not found.forwarded or not found.email.body:
        return False, "", body, None, None
    author = found.email.from_
    note, forwarded_body, address, name = (
        value.replace(_HIDDEN_ENCODED_WORD, "=?") for value in (found.message, found.email.body, author.address, author.name)
    )
    return True, note, forwarded_body, address.lower() or None, _one_line(name) or None


_DIRECTIVE = re.compile(r"^[ \t*]*(pitch|channel|interests|offer)[ \t]*:[ \t]*(.*)$", re.IGNORECASE)
# Note lines are untrusted like the bio, and bounded like DraftRequest's fields.
_DIRECTIVE_LIMITS = {"interests": MAX_SENDER_INTERESTS_CHARS, "offer": MAX_OFFER_CHARS}


def _leading_directives(body: str) -> tuple[str, str]:
    """Split `pitch:`/`channel:` lines at the very top of a non-forward from the rest, which is the bio."""
    lines = body.replace("\r\n", "\n").lstrip("\n").split("\n")
    count = 0
    while count < len(lines) and _DIRECTIVE.match(lines[count]):
        count += 1
    return "\n".join(lines[:count]), "\n".join(lines[count:])


_CHANNEL_ALIASES = {
    "linkedin": Channel.LINKEDIN_MESSAGE,
    "note": Channel.LINKEDIN_NOTE,
    "connection_note": Channel.LINKEDIN_NOTE,
    "premium": Channel.LINKEDIN_NOTE_PREMIUM,
    "mail": Channel.EMAIL,
    "e_mail": Channel.EMAIL,
}


def parse_channel(value: str) -> Channel | None:
    """A channel from how people write it: "linkedin_note", "LinkedIn note", "email", "e-mail"."""
    key = re.sub(r"[\s\-]+", "_", value.strip().strip(".").lower())
    try:
        return Channel(key)
    except ValueError:
        return _CHANNEL_ALIASES.get(key)


class Directives(BaseModel):
    """What the note above a forward says: its own text and the `pitch:`/`interests:`/`offer:`/`channel:` lines."""

    model_config = ConfigDict(frozen=True)

    note: str = ""
    pitch: str | None = None
    sender_interests: str | None = None
    offer: str | None = None
    channel: Channel | None = None
    channel_problem: str | None = None


def _directives(note: str) -> Directives:
    kept: list[str] = []
    values: dict[str, str] = {}
    channel: Channel | None = None
    problem: str | None = None
    for line in note.split("\n"):
        match = _DIRECTIVE.match(line)
        if not match:
            kept.append(line)
            continue
        name, value = match.group(1).lower(), match.group(2).strip().strip("*").strip()
        if name != "channel":
            if value:
                values[name] = _bounded_words(value, _DIRECTIVE_LIMITS.get(name))
        elif value:
            channel = parse_channel(value)
            if channel is None:
                allowed = ", ".join(c.value for c in Channel)
                problem = f"'{value[:60]}' is not a channel; use one of: {allowed}."
    return Directives(
        note=normalise("\n".join(kept)),
        pitch=values.get("pitch"),
        sender_interests=values.get("interests"),
        offer=values.get("offer"),
        channel=channel,
        channel_problem=problem,
    )


def _bounded_words(value: str, limit: int | None) -> str:
    """At most `limit` characters, cut at a word boundary."""
    if limit is None or len(value) <= limit:
        return value
    cut = value.rfind(" ", 0, limit + 1)
    return value[: cut if cut > 0 else limit].rstrip(" ,;")


# --- trimming and bounding ---------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’)\]]*(?=\s)|\n\n")


def _bounded_bio(text: str) -> tuple[str, bool]:
    """At most MAX_BIO_CHARS, cut after the last whole sentence that fits (or the last word when none does)."""
    text = normalise(text)
    if len(text) <= MAX_BIO_CHARS:
        return text, False
    head = text[:MAX_BIO_CHARS]
    ends = [match.end() for match in _SENTENCE_END.finditer(head)]
    cut = ends[-1] if ends and ends[-1] >= MAX_BIO_CHARS // 2 else head.rfind(" ")
    return head[: cut if cut > 0 else MAX_BIO_CHARS].rstrip(), True
