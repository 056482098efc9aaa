"""Contacts that are not links: social handles, bank accounts, numbers spelled in words, short local numbers.

Found on a reading (lower case, look-alikes folded), as (kind, key, start, end) with offsets into the reading;
shared/guardrails/links.py turns them into contacts. Words are data in links.toml. Every pattern is linear: bounded
repetitions over disjoint character classes, no nested unbounded quantifiers.

- "@sam.climbs", "find me on insta: sam.climbs", "my discord is samc#4821", "snap me at samclimbs99",
  "my handle is samclimbs on telegram": a handle is a contact whatever the platform;
- "GB33 BUKB 2020 1555 5555 55": an IBAN with a valid check number;
- "oh seven seven double oh nine hundred…": a phone number spelled in words (8 digits or more);
- "text 555-0134": a seven-digit local number written with a dash;
- "bit ly slash sam-cv": a short-link host written with a space for its dot.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from shared.text.reading import Reading

Found = tuple[str, str, int, int]

_HANDLE = r"@?[a-z0-9_][\w.#:-]{1,40}"
# A handle must look like one (a digit or a mark) unless a word such as "handle" or "username" names it, and have
# letters: "ig: 10k followers" and "zoom is at 5.30" name no one.
_HANDLE_MARKS = re.compile(r"[\d_.#:@]")
_HANDLE_LETTERS = re.compile(r"(?:[a-z][^a-z]{0,40}){3}")
# On the reading the check digits may read as letters ("gb33" reads "gbee"): the digits are checked as written.
_IBAN = re.compile(r"(?<![\w])[a-z]{2}[a-z0-9]{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,3})?(?![\w])")
_MIN_IBAN_DIGITS = 8
_LOCAL_NUMBER = re.compile(r"(?<![\w+.-])[2-9]\d{2}-\d{4}(?![\w-])")
_MIN_SPOKEN_DIGITS = 8
_IBAN_LENGTHS = range(15, 35)


@cache
def _data() -> dict[str, Any]:
    return tomllib.loads((Path(__file__).parent / "links.toml").read_text(encoding="utf-8"))


def _words(words: list[str]) -> str:
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in sorted(words, key=len, reverse=True))


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    data = _data()
    platforms, naming = _words(data["handle_platforms"]), _words(data["handle_words"])
    digits = _words(list(data["spoken_digits"]))
    handle_first = rf"(?<![\w])(?:{naming})(?:\s+is\s+|\s*:\s*)(?P<handle>{_HANDLE})\s+(?:on|for|at)\s+(?:{platforms})(?![\w])"
    # Two number words or more ("nine hundred" is five digits); the digits are counted afterwards.
    spoken = rf"(?<![\w])(?:(?:{digits})(?![\w])[\s,-]{{0,3}}){{2,40}}"
    # "t me", "t dot me", "t [.] me": the host's dot as a space or spelled out.
    hosts = _words(data["spaced_hosts"]).replace(r"\s+", r"(?:\s+dot\s+|\s*[\[(]\.[\])]\s*|\s+)")
    spaced_host = rf"(?<![\w])(?P<host>{hosts})\s*(?:/|\s+slash\s+)\s*(?P<path>[\w.-]{{1,100}})"
    # Only after a word that hands over an address ("reach me via sam at gmail"): "my friend at gmail" is prose.
    mail = (
        rf"(?<![\w])(?:via|is|email|e-mail|mail|address|contact|write to|reach|ping|message|me|:)\s*"
        rf"(?P<local>[\w.+-]{{2,64}})\s+at\s+(?P<service>{_words(data['mail_services'])})(?![\w.])"
    )
    return {
        "at_handle": re.compile(r"(?<![\w.+@-])@[a-z0-9_][\w.-]{1,40}"),
        "platform_first": re.compile(
            rf"(?<![\w])(?:{platforms})(?:\s+(?:me|us))?(?P<named>\s+(?:{naming}))?(?:\s*:\s*|\s+(?:is|at|on|as)\s+)"
            rf"(?P<handle>{_HANDLE})"
        ),
        "handle_first": re.compile(handle_first),
        "spoken": re.compile(spoken),
        "spaced_host": re.compile(spaced_host),
        "mail_service": re.compile(mail),
    }


def find_accounts(reading: Reading) -> Iterator[Found]:
    """Handles, IBANs, spelled-out and short local numbers, and spaced short links in a reading (offsets in its text)."""
    text, patterns = reading.text, _patterns()
    if "@" in text:
        for found in patterns["at_handle"].finditer(text):
            handle = found.group().rstrip(".-")
            if not _HANDLE_LETTERS.search(handle):
                continue  # "@10am", "@3pm": a time, not a name
            end = found.start() + len(handle)
            yield "handle", "handle:" + _as_written(reading, found.start() + 1, end), found.start(), end
    for name in ("platform_first", "handle_first"):
        for found in patterns[name].finditer(text):
            handle = found.group("handle").rstrip(".:-")
            named = name == "handle_first" or found.group("named")
            if (named or _HANDLE_MARKS.search(handle)) and _HANDLE_LETTERS.search(handle):
                start = found.start("handle") + handle.startswith("@")
                end = found.start("handle") + len(handle)
                key = "handle:" + _as_written(reading, start, end)
                yield "handle", key, found.start(), end if name != "handle_first" else found.end()
    for found in _IBAN.finditer(text):
        account = reading.original(found.start(), found.end()).replace(" ", "").upper()
        numerals = sum(char.isdigit() for char in account)
        if len(account) in _IBAN_LENGTHS and numerals >= _MIN_IBAN_DIGITS and _iban_checks(account):
            yield "account", account, found.start(), found.end()
    for found in _LOCAL_NUMBER.finditer(text):
        yield "phone", found.group().replace("-", ""), found.start(), found.end()
    for found in patterns["spoken"].finditer(text):
        digits = _spoken_digits(found.group())
        if len(digits) >= _MIN_SPOKEN_DIGITS:
            yield "phone", digits, found.start(), found.start() + len(found.group().rstrip(" ,-"))
    yield from _mail_services(text)
    for found in patterns["spaced_host"].finditer(text):
        host = ".".join(re.findall(r"[a-z]+", found.group("host").replace("dot", " ")))
        yield "link", f"{host}/{found.group('path').rstrip('.')}", found.start(), found.end()


def _mail_services(text: str) -> Iterator[Found]:
    """ "samroutes at gmail": an address with its domain left off; "I work at gmail" is prose."""
    prose = set(_data()["prose_words"])
    for found in _patterns()["mail_service"].finditer(text):
        if found.group("local") not in prose:
            address = f"{found.group('local')}@{found.group('service')}"
            yield "email", address, found.start("local"), found.end()


def _as_written(reading: Reading, start: int, end: int) -> str:
    """The source text behind a span of the reading, in lower case: a handle's digits are not leetspeak."""
    return reading.original(start, end).lower()


def _iban_checks(account: str) -> bool:
    """The ISO 13616 check: the number, its first four characters moved to the end, is 1 modulo 97."""
    rotated = account[4:] + account[:4]
    if not (rotated.isascii() and rotated.isalnum()):
        return False
    return int("".join(str(int(char, 36)) for char in rotated)) % 97 == 1


def _spoken_digits(words: str) -> str:
    """ "oh seven seven double oh nine" -> "077009": "double" and "triple" repeat the next digit."""
    spoken: dict[str, str] = _data()["spoken_digits"]
    digits, repeat = [], 1
    for word in re.findall(r"[a-z]+", words):
        value = spoken[word]
        if value in ("double", "triple"):
            repeat = 2 if value == "double" else 3
            continue
        digits.append(value * repeat)
        repeat = 1
    return "".join(digits)
