"""Contacts the link patterns miss: handles, bank and wallet accounts, numbers in words, loosely written links.

Found on a reading (lower case, look-alikes folded), as (kind, key, start, end) with offsets into the reading;
shared/guardrails/links.py turns them into contacts. Words are data in links.toml. Every pattern is linear: bounded
repetitions over disjoint character classes, no nested unbounded quantifiers.

- handles: "@sam.climbs", "insta: sam.climbs", "my discord is samc#4821", bare after a platform ("insta: samclimbs",
  "on strava as samrides"; data/handles.toml), "snap me at samclimbs99",
  "my handle is samclimbs on telegram", "github slash samclimbs", "$samclimbs on cash app";
- accounts: an IBAN with a valid check number, a UK sort code and account number, a crypto wallet address;
- phone numbers spelled in words ("oh seven seven double oh nine…", 8 digits or more), and seven-digit local
  numbers written with a dash ("555-0134");
- addresses at a named mail service without its domain ("samroutes at gmail");
- links written loosely: a short-link host with a space for its dot ("bit ly slash sam-cv", "t dot me/x"),
  a space beside the dot ("samclimbs .com"), "www samclimbs com", "www.samclimbs".
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
_IBAN_LENGTHS = range(15, 35)
# For the check: each letter as its number, A = 10 … Z = 35.
_BASE36 = str.maketrans({chr(code): str(code - ord("A") + 10) for code in range(ord("A"), ord("Z") + 1)})
_MIN_IBAN_DIGITS = 8
_SORT_CODE = re.compile(
    r"(?<![\w])sort\s?code[:\s]{1,3}\d{2}[- ]?\d{2}[- ]?\d{2}(?:[,;\s]{1,3}(?:account|acc|a/c)[a-z.]{0,8}[:\s]{1,3}\d{8})?"
)
# Bitcoin (bech32 or base58) and Ethereum wallets: found on the reading, confirmed on the text as written.
_WALLET = re.compile(r"(?<![\w])(?:bc1[a-z0-9]{25,62}|[13][a-z0-9]{25,34}|0x[0-9a-f]{40})(?![\w])")
_WRITTEN_WALLET = re.compile(r"bc1[a-z0-9]{25,62}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|0x[0-9a-fA-F]{40}")
_LOCAL_NUMBER = re.compile(r"(?<![\w+.-])[2-9]\d{2}-\d{4}(?![\w-])")
_MIN_SPOKEN_DIGITS = 8
_CASHTAG = re.compile(r"(?<![\w$])\$[a-z][\w-]{2,20}")


@cache
def _data() -> dict[str, Any]:
    return tomllib.loads((Path(__file__).parent / "links.toml").read_text(encoding="utf-8"))


@cache
def handle_data() -> dict[str, Any]:
    """data/handles.toml: the platforms, prose words and examples for bare handles ("insta: samclimbs")."""
    return tomllib.loads((Path(__file__).parent / "data" / "handles.toml").read_text(encoding="utf-8"))


def _words(words: list[str]) -> str:
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in sorted(words, key=len, reverse=True))


def platform_names() -> frozenset[str]:
    """Every platform a handle is given for ("insta", "strava", "discord"), lower case."""
    return frozenset(_data()["handle_platforms"]) | frozenset(handle_data()["platforms"])


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
    tlds = _words(data["spaced_dot_tlds"])
    spaced_dot = rf"(?<![\w.])[a-z0-9][a-z0-9-]{{1,62}}(?:\s+\.\s*|\.\s+)(?P<tld>{tlds})(?![\w])"
    www = rf"(?<![\w.])www(?:\s+|\.)(?P<name>[a-z0-9][a-z0-9-]{{1,62}})(?:(?:\s+|\.)(?P<tld>{tlds}))?(?![\w])"
    bare = handle_data()
    bare_platforms = _words(sorted(platform_names()))
    # One word of letters that ends its clause, or is followed by a word that may follow a handle; the word is checked
    # against prose words afterwards ("insta: mostly dogs" names no one).
    after = rf"(?=\s*(?:$|[,;.!?)\]\n—–])|\s+(?:{_words(bare['followers'])})(?![\w]))"
    # "x" is a letter too ("step x: deploy"): before a colon it names the platform only where a line or list item starts.
    colon_platforms = _words(sorted(platform_names() - {"x"}))
    named = (
        rf"(?:(?<![\w])(?:{colon_platforms})\s*:\s*|(?:^|(?<=[\n|,;·•/]))\s*x\s*:\s*"
        rf"|(?<![\w])on\s+(?:{bare_platforms})\s+as\s+)"
    )
    bare_handle = rf"{named}(?P<handle>[a-z][a-z0-9]{{2,29}}){after}"
    return {
        "bare_handle": re.compile(bare_handle),
        "www": re.compile(www),
        "at_handle": re.compile(r"(?<![\w.+@-])@[a-z0-9_][\w.-]{1,40}"),
        "platform_first": re.compile(
            rf"(?<![\w])(?:{platforms})(?:\s+(?:me|us))?(?P<named>\s+(?:{naming}))?"
            rf"(?:\s*:\s*|\s+(?:is|at|on|as)\s+|(?P<slash>\s*/\s*|\s+slash\s+))(?P<handle>{_HANDLE})"
        ),
        "handle_first": re.compile(handle_first),
        "cash_app": re.compile(r"cash\s?app"),
        "spoken": re.compile(spoken),
        "spaced_host": re.compile(spaced_host),
        "mail_service": re.compile(mail),
        "spaced_dot": re.compile(spaced_dot),
    }


def find_accounts(reading: Reading) -> Iterator[Found]:
    """Every handle, account, spelled or local number, service address and loose link in a reading."""
    for finder in (_handles, _bank_accounts, _numbers, _mail_services, _loose_links):
        yield from finder(reading)


def _handles(reading: Reading) -> Iterator[Found]:
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
            named = name == "handle_first" or found.group("named") or found.group("slash")
            if (named or _HANDLE_MARKS.search(handle)) and _HANDLE_LETTERS.search(handle):
                start = found.start("handle") + handle.startswith("@")
                end = found.start("handle") + len(handle)
                key = "handle:" + _as_written(reading, start, end)
                yield "handle", key, found.start(), end if name != "handle_first" else found.end()
    prose = frozenset(handle_data()["prose"]) | frozenset(_data()["prose_words"])
    for found in patterns["bare_handle"].finditer(text):
        if found.group("handle") not in prose:
            start, end = found.start("handle"), found.end("handle")
            yield "handle", "handle:" + _as_written(reading, start, end), found.start(), end
    if "$" in text and patterns["cash_app"].search(text):
        for found in _CASHTAG.finditer(text):
            yield "handle", "handle:" + found.group()[1:], found.start(), found.end()


def _bank_accounts(reading: Reading) -> Iterator[Found]:
    text = reading.text
    position, retried_until = 0, -1
    # A failed candidate ("iban gb29 nwbk …" read from the word "iban") is tried once more from its next word.
    while (found := _IBAN.search(text, position)) is not None:
        account = reading.original(found.start(), found.end()).replace(" ", "").upper()
        numerals = sum(map(str.isdigit, account))
        space = text.find(" ", found.start(), found.end())
        if len(account) in _IBAN_LENGTHS and numerals >= _MIN_IBAN_DIGITS and _iban_checks(account):
            yield "account", account, found.start(), found.end()
            position = found.end()
        elif found.start() >= retried_until and space > 0:
            position, retried_until = space + 1, found.end()
        else:
            position = found.end()
    for found in _SORT_CODE.finditer(text):
        yield "account", re.sub(r"\D", "", found.group()), found.start(), found.end()
    for found in _WALLET.finditer(text):
        wallet = reading.original(found.start(), found.end())
        letters_and_digits = any(char.isdigit() for char in wallet) and any(char.isalpha() for char in wallet[2:])
        if letters_and_digits and _WRITTEN_WALLET.fullmatch(wallet):
            yield "account", wallet, found.start(), found.end()


def _numbers(reading: Reading) -> Iterator[Found]:
    text = reading.text
    for found in _LOCAL_NUMBER.finditer(text):
        yield "phone", found.group().replace("-", ""), found.start(), found.end()
    for found in _patterns()["spoken"].finditer(text):
        digits = _spoken_digits(found.group())
        if len(digits) >= _MIN_SPOKEN_DIGITS:
            yield "phone", digits, found.start(), found.start() + len(found.group().rstrip(" ,-"))


def _mail_services(reading: Reading) -> Iterator[Found]:
    """ "samroutes at gmail": an address with its domain left off; "I work at gmail" is prose."""
    prose = set(_data()["prose_words"])
    for found in _patterns()["mail_service"].finditer(reading.text):
        if found.group("local") not in prose:
            address = f"{found.group('local')}@{found.group('service')}"
            yield "email", address, found.start("local"), found.end()


def _loose_links(reading: Reading) -> Iterator[Found]:
    text, patterns = reading.text, _patterns()
    for found in patterns["spaced_host"].finditer(text):
        host = ".".join(re.findall(r"[a-z]+", found.group("host").replace("dot", " ")))
        yield "link", f"{host}/{found.group('path').rstrip('.')}", found.start(), found.end()
    for found in patterns["spaced_dot"].finditer(text):
        # "It was a good day. Net result…": a capitalised word after a full stop starts a sentence.
        written = reading.original(found.start("tld"), found.end("tld"))
        if written.islower() or written.isupper():
            yield "link", re.sub(r"\s+", "", found.group()), found.start(), found.end()
    for found in patterns["www"].finditer(text):
        if found.group().startswith("www.") or found.group("tld"):
            host = ".".join(part for part in ("www", found.group("name"), found.group("tld")) if part)
            yield "link", host.removeprefix("www."), found.start(), found.end()


def _as_written(reading: Reading, start: int, end: int) -> str:
    """The source text behind a span of the reading, in lower case: a handle's digits are not leetspeak."""
    return reading.original(start, end).lower()


def _iban_checks(account: str) -> bool:
    """The ISO 13616 check: the number, its first four characters moved to the end, is 1 modulo 97."""
    rotated = account[4:] + account[:4]
    if not (rotated.isascii() and rotated.isalnum()):
        return False
    return int(rotated.translate(_BASE36)) % 97 == 1


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
