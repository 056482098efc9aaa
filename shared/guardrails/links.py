"""Links and contacts: a draft may carry only the links, addresses and numbers the sender gave.

Found on the reading of the text (`shared.text.reading.read`), so look-alike letters, fullwidth or ideographic
dots and invisible characters do not hide them, and reported on the text as written:

- URLs with any scheme ("https://", "hxxp://", "javascript:", "data:"), and "localhost:8080";
- domains registrable under the public suffix list (`publicsuffixlist`, its bundled snapshot, no network),
  also with their dots spelled out or defanged ("example dot com", "site[.]com", "site(.)com") and a path
  spelled with "slash";
- email addresses, also at "localhost", an IP, or spelled "anna [at] example [dot] com";
- bare IPv4 and IPv6 addresses;
- phone numbers (`phonenumbers`): international ("+44 20 7946 0958"), North American ("(555) 123-4567") and
  national formats with a trunk zero ("06 12 34 56 78"); years, ranges, counts and percentages are not numbers;
- markdown links and images, and raw HTML tags and comments;
- handles, bank and wallet accounts, numbers in words and loosely written links (`shared/guardrails/accounts.py`).

Only the sender's pitch or offer can vouch for a link, address or number: the bio is the recipient's
untrusted text. Images and HTML markup are never allowed.
"""

from __future__ import annotations

import bisect
import ipaddress
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from shared.guardrails.accounts import find_accounts
from shared.models import Rule, Violation
from shared.text.reading import Reading, read

_KIND_WORDS = {
    "link": "a link",
    "email": "an email address",
    "phone": "a phone number",
    "ip": "an IP address",
    "image": "an image",
    "markup": "HTML markup",
    "handle": "a handle",
    "account": "a bank account or wallet",
}
# Never allowed, whoever gave them: an image can track the reader, markup has no place in a message.
_NEVER_ALLOWED = frozenset({"image", "markup"})
_TRAILING_PUNCTUATION = ".,;:!?)]}'\"’”>"
_MIN_PHONE_DIGITS = 8
_MIN_NATIONAL_DIGITS = 9
_MAX_PHONE_DIGITS = 15


@dataclass(frozen=True)
class Contact:
    """A link, address, number or piece of markup found on a reading: `start`/`end` index the reading's text."""

    kind: str
    key: str
    start: int
    end: int


def find_foreign_links(text: str, *, allowed_sources: str) -> list[Violation]:
    """Links, addresses, numbers and markup in `text` that `allowed_sources` (the sender's pitch and offer) does not give."""
    allowed = {contact.key for contact in contacts(allowed_sources) if contact.kind not in _NEVER_ALLOWED}
    reading = read(text)
    violations = []
    for contact in contacts(text):
        if contact.kind not in _NEVER_ALLOWED and _is_allowed(contact.key, allowed):
            continue
        start, end = reading.original_span(contact.start, contact.end)
        written = text[start:end]
        violations.append(
            Violation(
                rule=Rule.FOREIGN_LINK,
                message=f"Adds {_KIND_WORDS[contact.kind]} you did not give: “{written}”.",
                span=written,
                start=start,
                end=end,
            )
        )
    return violations


def _is_allowed(key: str, allowed: set[str]) -> bool:
    # "sam.dev" names the site of a link the sender gave ("sam.dev/work"): the same place.
    return key in allowed or any(other.startswith(key + "/") for other in allowed)


@lru_cache(maxsize=512)
def contacts(text: str) -> tuple[Contact, ...]:
    """Every link, address, number and piece of markup in `text`, in order, none overlapping another."""
    if not text:
        return ()
    reading = read(text)
    # Kept sorted by start and never overlapping, so each new contact is checked against its two neighbours only
    # (checking every contact found so far was quadratic: 8,000 characters of "<b>x</b>" took 0.3 s).
    found: list[Contact] = []
    starts: list[int] = []
    for finder in (_markdown, _markup, _urls, _emails, _ips, _domains, _phones, _accounts):
        for contact in finder(reading):
            place = bisect.bisect_right(starts, contact.start)
            if place and found[place - 1].end > contact.start:
                continue
            if place < len(found) and found[place].start < contact.end:
                continue
            found.insert(place, contact)
            starts.insert(place, contact.start)
    return tuple(found)


# --- data and patterns -------------------------------------------------------------------------------


@cache
def _data() -> dict[str, Any]:
    return tomllib.loads((Path(__file__).parent / "links.toml").read_text(encoding="utf-8"))


def _alternatives(literals: list[str]) -> str:
    return "|".join(re.escape(literal) for literal in sorted(literals, key=len, reverse=True))


@dataclass(frozen=True)
class _Patterns:
    url: re.Pattern[str]
    scheme: re.Pattern[str]
    localhost: re.Pattern[str]
    domain: re.Pattern[str]
    plain_domain: re.Pattern[str]
    path: re.Pattern[str]
    email: re.Pattern[str]
    plain_at_email: re.Pattern[str]
    ipv4: re.Pattern[str]
    ipv6: re.Pattern[str]
    phone: re.Pattern[str]
    markdown: re.Pattern[str]
    markdown_reference: re.Pattern[str]
    html_tag: re.Pattern[str]
    html_comment: re.Pattern[str]
    dot: re.Pattern[str]
    slash: re.Pattern[str]
    at: re.Pattern[str]


_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_URL_CHARS = r"[^\s<>\"'\[\]()]"


@cache
def _patterns() -> _Patterns:
    data = _data()
    dot = rf"(?:\.|{_alternatives(data['dot_spellings'])})"
    slash = _alternatives(data["slash_spellings"])
    at = rf"(?:@|{_alternatives(data['at_spellings'])})"
    host = rf"(?:localhost\b|\[?\d{{1,3}}(?:\.\d{{1,3}}){{3}}\]?|{_LABEL}(?:{dot}{_LABEL}){{1,10}})"
    return _Patterns(
        url=re.compile(rf"(?<![\w.+-])[a-z][a-z0-9+.-]{{0,15}}://{_URL_CHARS}{{1,2000}}"),
        scheme=re.compile(
            rf"(?<![\w.+-])(?:javascript|vbscript|data|file|mailto|tel|sms|callto|skype|whatsapp):{_URL_CHARS}{{1,2000}}"
        ),
        localhost=re.compile(rf"(?<![\w.@-])localhost:\d{{1,5}}(?:/{_URL_CHARS}{{0,500}})?"),
        domain=re.compile(rf"(?<![\w@.+-]){_LABEL}(?:{dot}{_LABEL}){{1,10}}"),
        plain_domain=re.compile(rf"(?<![\w@.+-]){_LABEL}(?:\.{_LABEL}){{1,10}}"),
        path=re.compile(rf"(?::\d{{1,5}})?(?:/{_URL_CHARS}{{0,500}}|(?:(?:{slash})[\w.-]{{1,100}}){{1,10}})?"),
        email=re.compile(rf"(?<![\w.+-])[\w.+-]{{1,64}}{at}{host}"),
        plain_at_email=re.compile(rf"(?<![\w.+-])[\w.+-]{{1,64}}{re.escape(data['plain_at'])}{_LABEL}(?:{dot}{_LABEL}){{1,10}}"),
        ipv4=re.compile(rf"(?<![\w.])\d{{1,3}}(?:{dot}\d{{1,3}}){{3}}(?![\w]|\.\d)"),
        ipv6=re.compile(r"(?<![\w:.])[0-9a-f:]{2,39}(?![\w:])"),
        phone=re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d ().\-/]{5,22}\d(?!\w)"),
        markdown=re.compile(
            r"(?P<image>!?)\[(?P<label>[^\[\]\n]{0,300})\]\(\s?(?P<target>[^()\s]{0,1000})(?:\s\"[^\"\n]{0,200}\")?\s?\)"
        ),
        markdown_reference=re.compile(r"(?m)^[ ]{0,3}\[[^\[\]\n]{1,100}\]:[ \t]{0,10}(?P<target>\S{1,1000})"),
        html_tag=re.compile(r"</?(?P<name>[a-z][a-z0-9]{0,15})(?=[\s/>])[^<>\n]{0,500}>"),
        html_comment=re.compile(r"<!--.{0,2000}?-->", re.DOTALL),
        dot=re.compile(dot),
        slash=re.compile(slash),
        at=re.compile(at),
    )


@cache
def _public_suffixes() -> Any:
    from publicsuffixlist import PublicSuffixList  # its bundled list: no network

    return PublicSuffixList(accept_unknown=False)


# --- finders ---------------------------------------------------------------------------------------------


def _markdown(reading: Reading) -> Iterator[Contact]:
    text = reading.text
    if "](" in text:
        for found in _patterns().markdown.finditer(text):
            if found.group("image"):
                yield Contact("image", "", found.start(), found.end())
            else:
                yield Contact("link", _link_key(found.group("target")), found.start(), found.end())
    if "]:" in text:
        for found in _patterns().markdown_reference.finditer(text):
            yield Contact("link", _link_key(found.group("target")), found.start(), found.end())


def _markup(reading: Reading) -> Iterator[Contact]:
    text = reading.text
    if "<" not in text:
        return
    elements = frozenset(_data()["html_elements"])
    for found in _patterns().html_comment.finditer(text):
        yield Contact("markup", "", found.start(), found.end())
    for found in _patterns().html_tag.finditer(text):
        if found.group("name") in elements:
            yield Contact("markup", "", found.start(), found.end())


def _urls(reading: Reading) -> Iterator[Contact]:
    text = reading.text
    if ":" not in text:
        return
    patterns = _patterns()
    for pattern in (patterns.url, patterns.scheme, patterns.localhost):
        for found in pattern.finditer(text):
            end = _trimmed_end(text, found.start(), found.end())
            yield Contact("link", _link_key(text[found.start() : end]), found.start(), end)


def _emails(reading: Reading) -> Iterator[Contact]:
    text = reading.text
    patterns = _patterns()
    spelled_dot = _has_spelled_dot(text)
    if "@" not in text and not any(spelling in text for spelling in _data()["at_spellings"]) and not spelled_dot:
        return
    for found in patterns.email.finditer(text):
        local, host = _split_address(found.group())
        if _is_host(host):
            yield Contact("email", f"{local}@{host}", found.start(), found.end())
    for found in patterns.plain_at_email.finditer(text) if spelled_dot else ():
        local, _, host = found.group().partition(_data()["plain_at"])
        # "anna at example dot com" hides an address; "I work at acme.com" and "find me at example dot com" name
        # a domain, found as one.
        if local not in _data()["prose_words"] and _spelled_in_words(host) and _is_host(_dotted(host)):
            yield Contact("email", f"{local}@{_dotted(host)}", found.start(), found.end())


def _ips(reading: Reading) -> Iterator[Contact]:
    text = reading.text
    if not _DIGIT.search(text):
        return
    patterns = _patterns()
    for found in patterns.ipv4.finditer(text):
        address = _dotted(found.group())
        if _is_ip(address):
            yield Contact("ip", str(ipaddress.ip_address(address)), found.start(), found.end())
    if "::" in text or text.count(":") >= 7:
        for found in patterns.ipv6.finditer(text):
            candidate = found.group()
            # "fe80::1", "2001:db8::7334"; "a::b" and "std::vector" are code.
            if candidate.count(":") >= 2 and any(char.isdigit() for char in candidate) and _is_ip(candidate):
                yield Contact("ip", str(ipaddress.ip_address(candidate)), found.start(), found.end())


def _domains(reading: Reading) -> Iterator[Contact]:
    text = reading.text
    patterns = _patterns()
    # Most texts spell no dot: the plain pattern skips trying every spelling at every word.
    spelled = _has_spelled_dot(text)
    if not spelled and "." not in text:
        return  # a domain has a dot, written or spelled
    for found in (patterns.domain if spelled else patterns.plain_domain).finditer(text):
        host = _dotted(found.group()) if spelled else found.group()
        if not host.rsplit(".", 1)[-1].isalpha() and not host.rsplit(".", 1)[-1].startswith("xn--"):
            continue  # "3.5", "v1.2": a top-level domain is letters
        if not (_is_registrable(host) or _is_punycode(host)):
            continue
        if not _written_as_domain(reading, found) or _spelled_as_prose(found.group()):
            continue
        path = patterns.path.match(text, found.end())
        end = _trimmed_end(text, found.start(), path.end() if path else found.end())
        has_path = end > found.end()
        tld = host.rsplit(".", 1)[-1]
        if spelled and not has_path and _read_on_as_prose(text, found, tld):
            continue
        if tld in _data()["file_extension_tlds"] and not has_path and not host.startswith("www."):
            continue  # "README.md", "setup.py": a file, not a site
        yield Contact("link", _link_key(text[found.start() : end]), found.start(), end)


def _phones(reading: Reading) -> Iterator[Contact]:
    text = reading.text
    if not _has_digits(text, _MIN_PHONE_DIGITS):
        return
    for found in _patterns().phone.finditer(text):
        number = _phone_number(found.group().strip())
        if number is not None:
            yield Contact("phone", number, found.start(), found.end())


def _accounts(reading: Reading) -> Iterator[Contact]:
    for kind, key, start, end in find_accounts(reading):
        yield Contact(kind, key, start, end)


# --- what counts ------------------------------------------------------------------------------------------

_NORTH_AMERICAN = re.compile(r"\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}")


def _phone_number(candidate: str) -> str | None:
    """The number in E.164 form when `candidate` is written as a phone number, else None."""
    import phonenumbers

    digits = sum(char.isdigit() for char in candidate)
    if not _MIN_PHONE_DIGITS <= digits <= _MAX_PHONE_DIGITS:
        return None
    formats = phonenumbers.PhoneNumberFormat.E164
    try:
        if candidate.startswith(("+", "00")):
            number = phonenumbers.parse("+" + candidate.removeprefix("00").lstrip("+"), None)
            return phonenumbers.format_number(number, formats) if phonenumbers.is_possible_number(number) else None
        if _NORTH_AMERICAN.fullmatch(candidate) or (
            candidate.isdigit() and phonenumbers.is_valid_number(phonenumbers.parse(candidate, "US"))
        ):
            # Written the North American way, even in the fictional 555 range, it is a number to call; ten bare digits
            # are one when they form a valid North American number.
            return phonenumbers.format_number(phonenumbers.parse(candidate, "US"), formats)
        if candidate.startswith("0") and digits >= _MIN_NATIONAL_DIGITS:
            for region in _data()["national_phone_regions"]:
                number = phonenumbers.parse(candidate, region)
                if phonenumbers.is_valid_number(number):
                    return phonenumbers.format_number(number, formats)
    except phonenumbers.NumberParseException:
        return None
    return None


@lru_cache(maxsize=4096)
def _is_registrable(host: str) -> bool:
    """Cached: a hostile text repeats one host thousands of times ("a@b.a@b.…")."""
    if host in _data()["not_domains"] or "." not in host:
        return False
    return _public_suffixes().privatesuffix(host) is not None


def _is_punycode(host: str) -> bool:
    # An internationalised name written as ASCII ("xn--bcher-kva.example") is a host whatever its suffix.
    return any(label.startswith("xn--") for label in host.split("."))


def _is_host(host: str) -> bool:
    return host == "localhost" or _is_ip(host.strip("[]")) or _is_registrable(host)


def _is_ip(text: str) -> bool:
    if ":" not in text and not _DIGIT.search(text):
        return False  # an address has digits (IPv4) or colons (IPv6): no need to ask ipaddress to refuse it
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _written_as_domain(reading: Reading, found: re.Match[str]) -> bool:
    """A capitalised last label after a lower-case one is a missing space ("great.It rained"), not a domain."""
    written = reading.original(found.start(), found.end())
    labels = re.split(r"[^\w-]+", written)
    labels = [label for label in labels if label]
    if len(labels) < 2:
        return True
    tld, before = labels[-1], labels[-2]
    return not (tld[:1].isupper() and not tld.isupper() and before[:1].islower())


_DIGIT = re.compile(r"\d")


def _has_digits(text: str, count: int) -> bool:
    """Whether `text` holds at least `count` digits; ASCII digits are counted by C loops, the rest one by one."""
    ascii_digits = sum(map(text.count, "0123456789"))
    if ascii_digits >= count or text.isascii():
        return ascii_digits >= count
    return sum(char.isdigit() for char in text) >= count


def _has_spelled_dot(text: str) -> bool:
    """Whether `text` spells a dot some other way than "." anywhere ("dot", "[.]", "·")."""
    return any(spelling in text for spelling in _data()["dot_spellings"])


def _spelled_in_words(host: str) -> bool:
    """Whether a dot of `host` is spelled with a word ("dot", "punto"), not just defanged ("[.]")."""
    return any(any(char.isalpha() for char in dot.group()) for dot in _patterns().dot.finditer(host))


def _spelled_as_prose(text: str) -> bool:
    """ "the dot com boom", "I dot my i's": a spelled-out dot after a word of prose or a single letter."""
    dots = [dot for dot in _patterns().dot.finditer(text) if any(char.isalpha() for char in dot.group())]
    for dot in dots:
        before = text[: dot.start()].rsplit(maxsplit=1)[-1:] or [""]
        after = text[dot.end() :].split(maxsplit=1)[:1] or [""]
        if len(before[0]) < 2 or len(after[0]) < 2 or before[0] in _data()["prose_words"]:
            return True
    return False


def _read_on_as_prose(text: str, found: re.Match[str], tld: str) -> bool:
    """ "the turning point in my running", "el punto es que…": a dot spelled as a word, then a country code that the
    sentence reads on past, is prose. A spelled domain under a generic ending ("dot com") counts wherever it stands;
    under any other, only where it ends its sentence ("anna punkt de")."""
    if tld in _data()["spelled_domain_endings"]:
        return False
    if not any(char.isalpha() for dot in _patterns().dot.finditer(found.group()) for char in dot.group()):
        return False  # written with a mark ("site[.]de"), not a word
    following = text[found.end() :].lstrip(" ")
    return bool(following) and following[0] not in _SENTENCE_ENDS


_SENTENCE_ENDS = frozenset(".!?;:)]}\n\"'”’»")


def _dotted(text: str) -> str:
    """A host with its spelled-out or defanged dots written as dots."""
    return _patterns().dot.sub(".", text).strip()


def _split_address(address: str) -> tuple[str, str]:
    found = _patterns().at.search(address)
    if found is None:
        return address, ""
    return address[: found.start()], _dotted(address[found.end() :])


def _link_key(link: str) -> str:
    """The form two spellings of one link share: no scheme or "www.", dots and slashes as written, no trailing slash."""
    key = _dotted(link.strip().rstrip(_TRAILING_PUNCTUATION))
    key = _patterns().slash.sub("/", key)
    key = re.sub(r"^[a-z][a-z0-9+.-]{0,15}://", "", key)
    key = key.removeprefix("www.")
    return key.rstrip("/")


def _trimmed_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _TRAILING_PUNCTUATION:
        end -= 1
    return end
