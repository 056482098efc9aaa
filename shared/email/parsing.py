"""Parse a raw inbound email into what the drafting path needs: who sent it, their note, and the bio.

The forwarded part is found by its header block (shared.email.forwards), with `email-forward-parser`
asked only for layouts that reader does not know; MIME is read within bounds (shared.email.mime); the
bio is trimmed (shared.email.trimming, shared.email.salutations) and its person named
(shared.target_name). Everything is bounded: the raw message is refused above SES's 40 MB limit, and
the bio ends at `MAX_BIO_CHARS`.
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.message import Message

from emailforwardparser import forward_parser
from pydantic import BaseModel, ConfigDict

from shared.email.forwards import find_forward, is_forward_subject, mailbox
from shared.email.mime import (
    MAX_MIME_DEPTH,
    MAX_MIME_PARTS,
    MAX_PART_BYTES,
    EmailRefused,
    EmailTooLarge,
    MimeTooComplex,
    body_and_attached_message,
    decode_text,
    html_to_text,
    parse_mime,
)
from shared.email.salutations import strip_salutations
from shared.email.trimming import trim_quotes_and_signature
from shared.models import MAX_BIO_CHARS, MAX_OFFER_CHARS, MAX_SENDER_INTERESTS_CHARS, Channel
from shared.target_name import display_name, name_target, written_in_first_person
from shared.text import normalise

__all__ = [
    "MAX_MIME_DEPTH",
    "MAX_MIME_PARTS",
    "MAX_PART_BYTES",
    "MAX_RAW_EMAIL_BYTES",
    "EmailRefused",
    "EmailTooLarge",
    "MimeTooComplex",
    "ParsedEmail",
    "TrustHeaders",
    "decode_text",
    "html_to_text",
    "parse_channel",
    "parse_email",
    "trim_quotes_and_signature",
]

MAX_RAW_EMAIL_BYTES = 40 * 1024 * 1024  # SES receiving's own limit
# The forward parser's patterns backtrack on long lines (cost grows with the square of the line
# length), so it sees only the head of the body, wrapped: forward headers are short lines near the
# top, and the bio it yields is cut to MAX_BIO_CHARS anyway.
_FORWARD_SCAN_CHARS = 32_000
_MAX_LINE_CHARS = 400


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
    message = parse_mime(raw)
    sender = _single_sender(message)
    subject = _one_line(_header(message, "Subject") or "")
    body, attached, ignored = body_and_attached_message(message)
    if attached is not None:
        # "Forward as attachment" (Outlook, Gmail for several messages): the attached message is the forward.
        forwarded = True
        note = body
        forwarded_body, _, _ = body_and_attached_message(attached)
        forwarded_from, sender_name = _mailbox(attached)
    else:
        forwarded, note, forwarded_body, forwarded_from, sender_name = _split_forward(body, subject)
    if not forwarded:
        # Not a forward: the whole body is the bio, but leading `pitch:`/`channel:` lines still count.
        note, forwarded_body = _leading_directives(body)
    directives = _directives(trim_quotes_and_signature(note))
    signer = sender_name if forwarded else None
    # The bio keeps at most MAX_BIO_CHARS: trimming reads a bounded head of the text, not up to MAX_PART_BYTES of it.
    head = forwarded_body[:_FORWARD_SCAN_CHARS]
    bio, bio_truncated = _bounded_bio(strip_salutations(trim_quotes_and_signature(head), signer=signer))
    target = name_target(bio, forwarded_from=signer, own_writing=written_in_first_person(bio))
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
