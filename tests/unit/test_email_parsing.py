"""parse_email on messages shaped like the ones real clients send, and on the ones that try to break it."""

from __future__ import annotations

import os
import random
import tracemalloc
from email.message import EmailMessage, Message
from typing import Any

import pytest

from shared.email.parsing import (
    MAX_MIME_DEPTH,
    MAX_MIME_PARTS,
    MAX_PART_BYTES,
    MAX_RAW_EMAIL_BYTES,
    EmailTooLarge,
    MimeTooComplex,
    decode_text,
    html_to_text,
    parse_channel,
    parse_email,
    trim_quotes_and_signature,
)
from shared.models import MAX_BIO_CHARS, MAX_OFFER_CHARS, MAX_SENDER_INTERESTS_CHARS, Channel
from tests.support.emails import REGISTERED_ADDRESS, sample, sample_names, ses_message

# sample → what a reader of that message would say it contains.
FORWARD_HEADER = "---------- Forwarded message ---------\nFrom: A <a@b.example>\nSubject: Hi\nTo: <alex@fabrikam.example>\n\n"
FORWARDS: dict[str, dict[str, Any]] = {
    "gmail_forward_en": {
        "forwarded_from": "maya.lindqvist@northwind.example",
        "target_name": "Maya Lindqvist",
        "note": "Could you draft something for Maya? She runs the data platform meetup.",
        "pitch": "I build open-source data quality tools and write about testing pipelines.",
        "channel": Channel.EMAIL,
        "bio_has": ["I lead the\ndata platform team at Northwind", "training for my first ultramarathon"],
        # the quoted earlier reply and the signature are trimmed
        "bio_lacks": ["great talk on lineage", "Head of Data Platform", "wrote:"],
    },
    "outlook_desktop_forward_en": {
        "forwarded_from": "daniel.okafor@contoso.example",
        "target_name": "Daniel Okafor",
        "channel": Channel.LINKEDIN_NOTE,
        # windows-1252 quoted-printable: curly apostrophes and dashes survive
        "bio_has": ["I’m the engineering manager for payments infrastructure", "woodworking with hand tools – and I coach"],
        "bio_lacks": ["Sent: Monday", "-----Original Message-----"],
    },
    "outlook_web_forward_en": {
        "forwarded_from": "priya.raman@adventure-works.example",
        "target_name": "Priya Raman",
        "note": "Another one for you. Use my usual pitch please.",
        "pitch": None,
        "channel": None,
        "bio_has": ["I host a small podcast about the history of computing"],
        "bio_lacks": ["________", "Get Outlook"],
    },
    "apple_mail_forward_en": {
        "forwarded_from": "tomas.herrera@litware.example",
        "target_name": "Tomás Herrera",
        "note": "For the climbing gym person.",
        "pitch": "I'm a product designer moving into developer tools.",
        "bio_has": ["I've been bouldering for about six years"],
        "bio_lacks": ["Sent from my iPhone", "> "],
    },
    "thunderbird_forward_en": {
        "forwarded_from": "sofia.marchetti@tailspin.example",
        "target_name": "Sofia Marchetti",
        "note": "Draft a LinkedIn message for Sofia please.",
        "bio_has": ["doing astrophotography"],
        "bio_lacks": ["Forwarded Message"],
    },
    "thunderbird_forward_de": {
        "forwarded_from": "jonas.weber@beispiel-werke.example",
        "target_name": "Jonas Weber",
        "note": "Hallo, bitte einen Entwurf für Jonas.",
        "channel": Channel.LINKEDIN_MESSAGE,
        # iso-8859-1 quoted-printable
        "bio_has": ["schön, dass wir uns beim Meetup kennengelernt haben", "segle ich am Starnberger See"],
        "bio_lacks": ["Teamleiter Plattform", "Betreff"],
    },
    "thunderbird_forward_fr": {
        "forwarded_from": "camille.dubois@exemple-conseil.example",
        "target_name": "Camille Dubois",
        "pitch": "Je conçois des outils d’observabilité pour les équipes SRE.",
        # windows-1252 base64
        "bio_has": ["Ravie d’avoir échangé avec vous", "randonnée dans le Vercors"],
        "bio_lacks": ["Message transféré", "Sujet"],
    },
    "outlook_web_forward_es_html_only": {
        "forwarded_from": "lucia.fernandez@ejemplo-datos.example",
        "target_name": "Lucía Fernández",
        "note": "Hola, un borrador para Lucía por favor.",
        "channel": Channel.LINKEDIN_NOTE_PREMIUM,
        # HTML only, iso-8859-1 quoted-printable with entities
        "bio_has": ["Soy analista de datos en Ejemplo Datos", "juego al pádel tres veces por semana"],
        "bio_lacks": ["alert", "<p>", "&aacute;", "margin-top"],
    },
    "gmail_forward_attachments": {
        "forwarded_from": "noor.haddad@woodgrove.example",
        "bio_has": ["I run a local chess club on Wednesday evenings"],
        "bio_lacks": ["ATTACHMENT-ONLY TEXT", "PDF"],
    },
    "outlook_forward_as_attachment": {
        "forwarded_from": "grace.liu@fourthcoffee.example",
        "target_name": "Grace Liu",
        "note": "Speaker bio attached as an email.",
        "channel": Channel.EMAIL,
        "bio_has": ["kept the same sourdough starter alive for eight years"],
        "bio_lacks": ["creation-date"],
    },
}


@pytest.mark.parametrize("name", sorted(FORWARDS))
def test_forwards_from_real_clients_yield_note_original_sender_and_bio(name: str) -> None:
    expected = FORWARDS[name]
    parsed = parse_email(sample(name))

    assert parsed.forwarded
    assert parsed.sender == REGISTERED_ADDRESS
    for field in ("forwarded_from", "target_name", "note", "pitch", "channel"):
        if field in expected:
            assert getattr(parsed, field) == expected[field], field
    for text in expected["bio_has"]:
        assert text in parsed.bio
    for text in expected["bio_lacks"]:
        assert text not in parsed.bio


def test_every_sample_is_covered_by_a_parsing_expectation() -> None:
    not_forwards = {"pasted_bio_en", "pasted_bio_ja_shift_jis", "auto_reply", "bounce", "spoofed_sender", "unknown_sender"}
    assert set(sample_names()) == set(FORWARDS) | not_forwards


def test_a_message_that_is_not_a_forward_is_all_bio_without_its_signature() -> None:
    parsed = parse_email(sample("pasted_bio_en"))

    assert not parsed.forwarded
    assert parsed.forwarded_from is None
    assert parsed.bio.startswith("Ravi Patel - Engineering Manager at Proseware")
    assert "I'm a beekeeper with three hives" in parsed.bio
    assert "Developer Experience" not in parsed.bio


def test_shift_jis_base64_bio_with_leading_directives() -> None:
    parsed = parse_email(sample("pasted_bio_ja_shift_jis"))

    assert parsed.subject == "佐藤花子さんのプロフィール"
    assert parsed.channel is Channel.LINKEDIN_NOTE
    assert parsed.pitch == "開発者向けのデータ品質ツールを作っています。"
    assert parsed.bio.startswith("佐藤 花子")
    assert "山登りと写真撮影が趣味" in parsed.bio
    assert "channel" not in parsed.bio


def test_attachments_are_counted_and_never_read() -> None:
    parsed = parse_email(sample("gmail_forward_attachments"))

    assert parsed.attachments_ignored == 3
    assert "ATTACHMENT-ONLY" not in parsed.note + parsed.bio


def test_headers_for_threading_and_trust_are_kept() -> None:
    parsed = parse_email(sample("outlook_desktop_forward_en"))

    assert parsed.message_id == "<DB9PR10MB5432A1B2C3D4E5F6A7B8C9D0E1F2@DB9PR10MB5432.EURPRD10.PROD.OUTLOOK.COM>"
    assert parsed.references == ("<AS8PR10MB6789F0E1D2C3B4A5968778695A4B@AS8PR10MB6789.EURPRD10.PROD.OUTLOOK.COM>",)
    assert parsed.trust.authentication_results[0].startswith("amazonses.com; spf=pass")
    assert parsed.trust.spam_verdicts == ("PASS",)
    assert parsed.trust.return_path == f"<{REGISTERED_ADDRESS}>"


def test_sender_is_lower_cased_and_must_be_a_single_address() -> None:
    assert parse_email(ses_message(sender="Alex <Alex.Kim@Fabrikam.EXAMPLE>")).sender == REGISTERED_ADDRESS
    assert parse_email(ses_message(sender="a@fabrikam.example, b@fabrikam.example")).sender == ""
    assert parse_email(ses_message(sender="not an address")).sender == ""


@pytest.mark.parametrize(
    ("line", "channel"),
    [
        ("channel: linkedin_note", Channel.LINKEDIN_NOTE),
        ("Channel: LinkedIn note", Channel.LINKEDIN_NOTE),
        ("CHANNEL:email", Channel.EMAIL),
        ("channel: e-mail", Channel.EMAIL),
        ("channel: linkedin-note-premium", Channel.LINKEDIN_NOTE_PREMIUM),
    ],
)
def test_channel_line_is_case_insensitive_and_forgiving(line: str, channel: Channel) -> None:
    parsed = parse_email(ses_message(body=f"{line}\n\n{FORWARD_HEADER}I love chess."))

    assert parsed.channel is channel
    assert parsed.channel_problem is None
    assert "channel" not in parsed.note.lower()


def test_an_unknown_channel_is_reported_not_guessed() -> None:
    parsed = parse_email(ses_message(body=f"channel: carrier pigeon\n\n{FORWARD_HEADER}Hi."))

    assert parsed.channel is None
    assert parsed.channel_problem is not None
    assert "carrier pigeon" in parsed.channel_problem
    assert parse_channel("fax") is None


def test_pitch_line_is_case_insensitive_and_kept_out_of_the_note() -> None:
    body = (
        "Thanks!\nPITCH:   I teach SQL to analysts.  \n\n---------- Forwarded message ---------\nFrom: A <a@b.example>\n\nI sail."
    )
    parsed = parse_email(ses_message(body=body))

    assert parsed.pitch == "I teach SQL to analysts."
    assert parsed.note == "Thanks!"


def test_a_forward_found_in_the_body_even_when_the_subject_was_rewritten() -> None:
    parsed = parse_email(ses_message(subject="Maya's bio"))

    assert parsed.forwarded
    assert parsed.forwarded_from == "maya.lindqvist@northwind.example"
    assert parsed.note == "Please draft this one."


def test_outlook_original_message_separator_without_fw_subject() -> None:
    body = (
        "See below.\n\n-----Original Message-----\nFrom: Daniel Okafor <daniel@contoso.example>\n"
        "Sent: Monday, March 3, 2025 4:05 PM\nTo: Alex <alex@fabrikam.example>\nSubject: Hi\n\nI build furniture."
    )
    parsed = parse_email(ses_message(subject="Daniel", body=body))

    assert parsed.forwarded
    assert parsed.forwarded_from == "daniel@contoso.example"
    assert parsed.bio == "I build furniture."
    assert parsed.note == "See below."


# ---- trimming ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        "-- \nJane Doe\nVP Engineering",
        "--\nJane",
        "Sent from my iPhone",
        "Von meinem iPhone gesendet",
        "Envoyé de mon iPad",
        "Enviado desde mi Android",
        "Get Outlook for Android<https://aka.ms/AAb9ysg>",
        "On Tue, Mar 4, 2025 at 9:12 AM Jane Doe <jane@x.example> wrote:\n> earlier text\n> more",
        "On Tue, Mar 4, 2025 at 9:12 AM Jane Doe <\njane@x.example> wrote:\n> wrapped attribution",
        "Am Di., 4. März 2025 um 09:12 Uhr schrieb Jane <jane@x.example>:\n> alt",
        "Le mar. 4 mars 2025 à 09:12, Jane <jane@x.example> a écrit :\n> ancien",
        "El mar, 4 mar 2025 a las 9:12, Jane (<jane@x.example>) escribió:\n> antiguo",
    ],
)
def test_signatures_and_quoted_replies_are_trimmed(tail: str) -> None:
    assert trim_quotes_and_signature(f"I love chess and sailing.\n\n{tail}\n") == "I love chess and sailing."


def test_quoted_lines_are_dropped_wherever_they_are() -> None:
    assert trim_quotes_and_signature("First.\n> quoted\n>> deeper\nLast.") == "First.\nLast."


# ---- HTML and charsets -------------------------------------------------------------------------


def test_html_to_text_drops_scripts_and_styles_keeps_paragraphs_and_unescapes() -> None:
    html = (
        "<html><head><title>t</title><style>p{color:red}</style></head><body>"
        "<script>alert('x')</script><p>Fish &amp; chips &#8217;n&nbsp;more</p><p>Second<br>line</p>"
        "<ul><li>one</li><li>two</li></ul><pre>keep   spacing</pre></body></html>"
    )
    assert html_to_text(html) == "Fish & chips ’n more\n\nSecond\nline\n\none\ntwo\n\nkeep spacing"


def test_html_only_message_becomes_text() -> None:
    message = EmailMessage()
    message["From"] = REGISTERED_ADDRESS
    message["Subject"] = "bio"
    message.set_content("<div>I&#39;m a <b>potter</b>.</div><div>I also run.</div><script>x()</script>", subtype="html")

    assert parse_email(message.as_bytes()).bio == "I'm a potter.\nI also run."


@pytest.mark.parametrize(
    ("data", "charset", "text"),
    [
        ("Grüße".encode("iso-8859-1"), "iso-8859-1", "Grüße"),
        # Mislabelled windows-1252 (the commonest case): smart quotes, not C1 controls.
        (b"\x93quoted\x94 \x96 dash", "iso-8859-1", "“quoted” – dash"),
        ("ご挨拶".encode("shift_jis"), "shift_jis", "ご挨拶"),
        ("ご挨拶".encode("shift_jis"), "SHIFT_JIS", "ご挨拶"),
        ("Ünïcode".encode(), None, "Ünïcode"),
        ("Ünïcode".encode(), "x-no-such-charset", "Ünïcode"),
        ("caf\xe9".encode("latin-1"), "x-no-such-charset", "café"),
        (b"plain", "rot13", "plain"),  # a codec, but not a text encoding: ignored
        (b"\xff\xfe\xfa", "utf-8", "\ufffd\ufffd\ufffd"),
    ],
)
def test_decode_text_uses_the_declared_charset_and_never_raises(data: bytes, charset: str | None, text: str) -> None:
    assert decode_text(data, charset) == text


def test_a_bad_declared_charset_does_not_break_parsing() -> None:
    raw = (
        b'From: alex.kim@fabrikam.example\r\nSubject: x\r\nContent-Type: text/plain; charset="x-martian"\r\n'
        b"Content-Transfer-Encoding: 8bit\r\n\r\nI love caf\xc3\xa9s and chess.\r\n"
    )
    assert parse_email(raw).bio == "I love cafés and chess."


# ---- bounds ------------------------------------------------------------------------------------


def test_a_message_over_the_ses_limit_is_refused_before_parsing() -> None:
    with pytest.raises(EmailTooLarge):
        parse_email(b"x" * (MAX_RAW_EMAIL_BYTES + 1))


def test_long_bio_is_cut_at_a_sentence_within_the_limit_and_says_so() -> None:
    sentence = "I coach a youth chess team and love long trail runs on weekends. "
    parsed = parse_email(ses_message(subject="bio", body=sentence * 400))

    assert parsed.bio_truncated
    assert MAX_BIO_CHARS // 2 <= len(parsed.bio) <= MAX_BIO_CHARS
    assert parsed.bio.endswith("on weekends.")


def test_a_short_bio_is_not_marked_truncated() -> None:
    parsed = parse_email(sample("pasted_bio_en"))
    assert not parsed.bio_truncated


def test_a_huge_text_part_is_capped_before_decoding() -> None:
    message = EmailMessage()
    message["From"] = REGISTERED_ADDRESS
    message["Subject"] = "bio"
    message.set_content(("I love sailing. " * 60 + "\n") * 6_000, cte="quoted-printable")  # ~5.8 MB of text
    parsed = parse_email(message.as_bytes())

    assert parsed.bio_truncated
    assert len(parsed.bio) <= MAX_BIO_CHARS


def test_non_text_parts_are_never_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[str] = []
    original = Message.get_payload

    def spy(self: Message, i: int | None = None, decode: bool = False) -> Any:
        if decode:
            decoded.append(self.get_content_type())
        return original(self, i, decode)

    monkeypatch.setattr(Message, "get_payload", spy)
    parse_email(sample("gmail_forward_attachments"))

    assert decoded == ["text/plain"]


def thirty_megabyte_message() -> bytes:
    message = EmailMessage()
    message["From"] = f"Alex Kim <{REGISTERED_ADDRESS}>"
    message["To"] = "drafts@example.com"
    message["Subject"] = "Fwd: portfolio"
    message.set_content(f"Portfolio attached.\n\n{FORWARD_HEADER}I love sailing.")
    message.add_attachment(os.urandom(22 * 1024 * 1024), maintype="application", subtype="zip", filename="portfolio.zip")
    return message.as_bytes()


def test_a_30_mb_message_parses_within_a_small_multiple_of_its_size() -> None:
    raw = thirty_megabyte_message()
    assert len(raw) > 29 * 1024 * 1024

    tracemalloc.start()
    try:
        parsed = parse_email(raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert parsed.bio == "I love sailing."
    assert parsed.attachments_ignored == 1
    # Measured near 2.8x (the parsed message holds the attachment once, its lines briefly); 5x is the alarm.
    assert peak < 5 * len(raw)


def test_per_part_cap_is_at_most_one_megabyte() -> None:
    assert MAX_PART_BYTES <= 1_000_000


# ---- malformed input ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sample_names())
def test_truncated_and_mangled_samples_never_crash_the_parser(name: str) -> None:
    raw = sample(name)
    rng = random.Random(name)
    for _ in range(15):
        cut = rng.randrange(len(raw))
        parse_email(raw[:cut])
        mangled = bytearray(raw)
        for _ in range(20):
            mangled[rng.randrange(len(mangled))] = rng.randrange(256)
        parse_email(bytes(mangled))


def nested_multiparts(depth: int) -> bytes:
    opening = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth))
    closing = "".join(f"\r\n--b{i}--" for i in reversed(range(depth)))
    headers = f"From: {REGISTERED_ADDRESS}\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    return f"{headers}{opening}Content-Type: text/plain\r\n\r\nI sail.{closing}\r\n".encode()


def nested_messages(depth: int) -> bytes:
    nested = "Content-Type: message/rfc822\r\n\r\n" * depth
    return f"From: {REGISTERED_ADDRESS}\r\nSubject: deep\r\n{nested}Content-Type: text/plain\r\n\r\nI sail.\r\n".encode()


def many_parts(count: int, *, content_type: bool = True) -> bytes:
    header = "Content-Type: text/plain\r\n" if content_type else ""
    parts = "".join(f"--b\r\n{header}\r\npart {i}\r\n" for i in range(count))
    headers = f'From: {REGISTERED_ADDRESS}\r\nSubject: many\r\nContent-Type: multipart/mixed; boundary="b"\r\n'
    return f"{headers}\r\n{parts}--b--\r\n".encode()


@pytest.mark.parametrize(
    "raw",
    [
        nested_multiparts(1_000),  # ~70 KB: RecursionError in the stdlib parser before the limit
        nested_messages(2_000),  # message/rfc822 inside message/rfc822
        nested_multiparts(31),
        nested_multiparts(200),
        nested_messages(31),
        many_parts(201),
        many_parts(10_000),
        many_parts(10_000, content_type=False),
        many_parts(700, content_type=False),
    ],
    ids=[
        "multipart-1000",
        "rfc822-2000",
        "multipart-31",
        "multipart-200",
        "rfc822-31",
        "parts-201",
        "parts-10000",
        "bare-parts-10000",
        "bare-parts-700",
    ],
)
def test_too_deep_or_too_many_mime_parts_are_refused_with_a_reason(raw: bytes) -> None:
    with pytest.raises(MimeTooComplex) as refused:
        parse_email(raw)
    assert refused.value.reason == "mime_too_complex"
    assert isinstance(refused.value, EmailTooLarge)  # callers that drop oversized mail drop this as well
    assert "MIME parts" in str(refused.value)


@pytest.mark.parametrize("raw", [nested_multiparts(MAX_MIME_DEPTH - 1), many_parts(MAX_MIME_PARTS - 2)])
def test_messages_within_the_mime_limits_parse(raw: bytes) -> None:
    parsed = parse_email(raw)
    assert parsed.sender == REGISTERED_ADDRESS
    assert parsed.bio


def test_interests_and_offer_lines_above_the_forward() -> None:
    body = (
        "Draft this please.\nInterests: trail running, watercolour\n*offer:* my checklist for usability sessions\n"
        f"pitch: I teach SQL.\n\n{FORWARD_HEADER}I run trails every weekend."
    )
    parsed = parse_email(ses_message(body=body))

    assert parsed.sender_interests == "trail running, watercolour"
    assert parsed.offer == "my checklist for usability sessions"
    assert parsed.pitch == "I teach SQL."
    assert parsed.note == "Draft this please."
    assert "checklist" not in parsed.bio


def test_interests_and_offer_are_bounded_like_a_draft_request() -> None:
    body = f"interests: {'jazz piano, ' * 100}\noffer: {'a long offer ' * 60}\n\n{FORWARD_HEADER}I sail."
    parsed = parse_email(ses_message(body=body))

    assert parsed.sender_interests is not None
    assert parsed.offer is not None
    assert 400 < len(parsed.sender_interests) <= MAX_SENDER_INTERESTS_CHARS
    assert 200 < len(parsed.offer) <= MAX_OFFER_CHARS
    assert parsed.sender_interests.endswith(("jazz", "piano"))  # cut between words


def test_interests_and_offer_lines_lead_a_pasted_bio_too() -> None:
    parsed = parse_email(ses_message(subject="bio", body="interests: chess\noffer: a reading list\n\nI play chess."))
    assert (parsed.sender_interests, parsed.offer, parsed.bio) == ("chess", "a reading list", "I play chess.")
