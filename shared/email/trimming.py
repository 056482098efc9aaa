"""What is not the bio in a message's text: quoted replies, signatures, legal footers, stray header blocks.

Signatures end at "-- ", a mobile client's "Sent from my …", or an Outlook rule of underscores; a legal
footer ("This email and any attachments are confidential…", "Diese E-Mail enthält vertrauliche…", phrases
in shared/email/data/forwards.toml) ends the text at its paragraph; a header block left in the text (the
quoted original of a reply) ends it too, so no "From: … Date: … To: …" line reaches the bio.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from shared.email.forwards import header_block_offset
from shared.text import normalise

_DATA = Path(__file__).resolve().parent / "data" / "forwards.toml"
_UNDERSCORE_RULE = re.compile(r"(?m)^[ \t]*_{8,}[ \t]*$")


@cache
def _legal_footer() -> re.Pattern[str]:
    phrases = tomllib.loads(_DATA.read_text(encoding="utf-8"))["legal_footers"]
    alternation = "|".join(re.escape(phrase) for phrase in sorted(phrases, key=len, reverse=True))
    # At the start of a line; the first line of the text is never a footer.
    return re.compile(rf"(?im)(?<=\n)[ \t*]{{0,4}}(?:{alternation})")


_SIGNATURE_DELIMITER = re.compile(r"(?m)^--[ \t]?$")
_MOBILE_SIGNATURE = re.compile(
    r"(?im)^[ \t]*(?:sent from my [\w .-]{1,40}|sent from (?:mail|outlook) for [\w .-]{1,30}|get outlook for [\w .-]{1,30}|"
    r"sent from yahoo mail[\w .-]{0,40}|von meinem [\w .-]{1,40} gesendet|gesendet von meinem [\w .-]{1,40}|"
    r"envoy[ée] de mon [\w .-]{1,40}|enviado desde mi [\w .-]{1,40}|inviato da[l]? [\w .-]{1,40})"
    # Outlook mobile appends its link: "Get Outlook for iOS<https://aka.ms/o0ukef>".
    r"(?:[ \t]*<[^>\n]{1,200}>)?[ \t]*$"
)
_ATTRIBUTION = re.compile(
    r"(?m)^[ \t]*(?:On|Am|Le|El|Il giorno|Op|Em)\b[^\n]{0,200}(?:\n[^\n]{0,200})?"
    # German Gmail puts the name after the verb: "Am … schrieb Jane <jane@example.com>:".
    r"\b(?:wrote|schrieb|a écrit|escribió|ha scritto|geschreven|escreveu)\b[^\n]{0,200}:[ \t]*$"
)
_QUOTED_LINE = re.compile(r"(?m)^[ \t]*>.*(?:\n|$)")


def trim_quotes_and_signature(text: str) -> str:
    """Drop quoted replies ("> " lines, everything from "On … wrote:" or a header block), signatures and legal footers."""
    text = text.replace("\r\n", "\n")
    offset = header_block_offset(text)
    if offset is not None:
        text = text[:offset]
    for pattern in (_ATTRIBUTION, _SIGNATURE_DELIMITER, _MOBILE_SIGNATURE, _UNDERSCORE_RULE, _legal_footer()):
        match = pattern.search(text)
        if match:
            text = text[: match.start()]
    return normalise(_QUOTED_LINE.sub("", text))
