"""Whether an inbound message may get a reply, decided before any LLM call. Every doubt refuses.

A reply goes only to a registered user whose message authenticates, and never to anything that
looks automated (auto-replies, bounces, lists, bulk mail), so the drafting address can neither be
used to send mail to strangers (backscatter) nor be drawn into a mail loop.

Only SES's own verdicts count: SES adds its `Authentication-Results` header above every header the
sender wrote, so only the topmost one is read, and only when SES (authserv-id amazonses.com) wrote it.
Automation markers are read in every copy of their header, since a sender can add a harmless copy
above the real one; scanning verdicts must all say PASS.
"""

from __future__ import annotations

import re
from functools import cache

from publicsuffixlist import PublicSuffixList
from pydantic import BaseModel, ConfigDict, computed_field

from shared.email import authres
from shared.email.parsing import ParsedEmail, TrustHeaders
from shared.history import Profile

SES_AUTHSERV_ID = "amazonses.com"
_BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})
_AUTO_REPLY_PRECEDENCE = frozenset({"auto_reply", "auto-reply"})
_DAEMON_MAILBOXES = frozenset({"mailer-daemon", "postmaster"})
# Subject prefixes auto-responders use (Outlook/Exchange in several languages, vacation programs).
_AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto[- ]?reply|auto|autoresponse|out of (?:the )?office(?: reply)?|vacation reply|"
    r"abwesenheitsnotiz|automatische antwort|r[ée]ponse automatique|respuesta autom[aá]tica|risposta automatica|"
    r"automatisch antwoord|autosvar)\s*:",
    re.IGNORECASE,
)


class Decision(BaseModel):
    """`reason` is a stable code (also the `reason` dimension of the EmailDropped metric); `detail` explains it."""

    model_config = ConfigDict(frozen=True)

    allowed: bool
    reason: str
    detail: str = ""


ALLOWED = Decision(allowed=True, reason="ok", detail="registered sender, authenticated, not automated")


class DkimVerdict(BaseModel):
    model_config = ConfigDict(frozen=True)

    result: str
    domain: str | None


class DmarcVerdict(BaseModel):
    model_config = ConfigDict(frozen=True)

    result: str
    domain: str | None


class Verdicts(BaseModel):
    """SES's authentication and scanning verdicts for one message (None: SES gave none)."""

    model_config = ConfigDict(frozen=True)

    authserv_id: str | None = None
    spf: str | None = None
    spf_domain: str | None = None
    dkim: tuple[DkimVerdict, ...] = ()
    dmarc_results: tuple[DmarcVerdict, ...] = ()
    spam: str | None = None
    virus: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def dmarc(self) -> str | None:
        """ "fail" when any DMARC result is not a pass, "pass" when all pass, None when there is none."""
        results = {verdict.result for verdict in self.dmarc_results}
        if not results:
            return None
        return "pass" if results == {"pass"} else next(iter(sorted(results - {"pass"})))


def _domain_of(value: str | None) -> str | None:
    if not value:
        return None
    domain = value.rpartition("@")[2].strip().strip("<>").rstrip(".").lower()
    return domain or None


def parse_authentication_results(value: str) -> Verdicts:
    """One RFC 8601 header (see shared.email.authres), reduced to the verdicts trust decisions use."""
    header = authres.parse(value)
    spf = header.of("spf")
    spf_props = spf[0].properties if spf else {}
    return Verdicts(
        authserv_id=header.authserv_id,
        spf=spf[0].result if spf else None,
        spf_domain=_domain_of(spf_props.get("smtp.mailfrom") or spf_props.get("envelope-from")),
        dkim=tuple(
            DkimVerdict(result=r.result, domain=_domain_of(r.properties.get("header.d") or r.properties.get("header.i")))
            for r in header.of("dkim")
        ),
        dmarc_results=tuple(
            DmarcVerdict(result=r.result, domain=_domain_of(r.properties.get("header.from"))) for r in header.of("dmarc")
        ),
    )


def _scan_verdict(values: tuple[str, ...]) -> str | None:
    """PASS only when every copy says PASS; FAIL wins over anything; None when there is no verdict at all."""
    upper = [value.strip().upper() for value in values]
    if not upper:
        return None
    if "FAIL" in upper:
        return "FAIL"
    return "PASS" if all(value == "PASS" for value in upper) else next(value for value in upper if value != "PASS")[:40]


def read_verdicts(trust: TrustHeaders) -> Verdicts:
    """SES's verdicts: the topmost Authentication-Results only, and the scanning verdicts over every copy."""
    verdicts = parse_authentication_results(trust.authentication_results[0]) if trust.authentication_results else Verdicts()
    return verdicts.model_copy(update={"spam": _scan_verdict(trust.spam_verdicts), "virus": _scan_verdict(trust.virus_verdicts)})


@cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the list bundled with the package: no network


def organisational_domain(domain: str) -> str | None:
    """The registrable domain (RFC 7489's organisational domain) by the Public Suffix List; None for a bare suffix."""
    found: str | None = _public_suffixes().privatesuffix(domain.lower().rstrip("."))
    return found


def aligned(domain: str | None, from_domain: str) -> bool:
    """Relaxed alignment (RFC 7489): both names share one organisational domain."""
    if not domain or not from_domain:
        return False
    if domain == from_domain:
        return True
    organisation = organisational_domain(from_domain)
    return organisation is not None and organisation == organisational_domain(domain)


def _dmarc_names_from_domain(verdicts: Verdicts, from_domain: str) -> bool:
    """Every DMARC result passes and names the From domain (or its organisational domain) in header.from."""
    if verdicts.dmarc != "pass" or not from_domain:
        return False
    accepted = {from_domain, organisational_domain(from_domain)}
    return all(verdict.domain in accepted for verdict in verdicts.dmarc_results)


def authentication(verdicts: Verdicts, from_domain: str) -> Decision:
    """DMARC pass for the From domain, or SPF and DKIM both pass and aligned with it (and no DMARC failure)."""
    if verdicts.authserv_id != SES_AUTHSERV_ID:
        return Decision(allowed=False, reason="not_authenticated", detail="the topmost Authentication-Results is not SES's")
    if _dmarc_names_from_domain(verdicts, from_domain):
        return Decision(allowed=True, reason="ok", detail="DMARC pass for the From domain")
    spf_ok = verdicts.spf == "pass" and aligned(verdicts.spf_domain, from_domain)
    dkim_ok = any(d.result == "pass" and aligned(d.domain, from_domain) for d in verdicts.dkim)
    if verdicts.dmarc in (None, "none", "pass") and spf_ok and dkim_ok:
        return Decision(allowed=True, reason="ok", detail="SPF and DKIM pass, aligned with the From domain")
    detail = (
        f"DMARC {verdicts.dmarc or 'none'}{' (not for the From domain)' if verdicts.dmarc == 'pass' else ''}; "
        f"SPF {verdicts.spf or 'none'}{'' if spf_ok else ' or not aligned'}; "
        f"DKIM {'aligned pass' if dkim_ok else 'no aligned pass'}"
    )
    return Decision(allowed=False, reason="not_authenticated", detail=detail)


def _automated(parsed: ParsedEmail) -> Decision | None:
    trust = parsed.trust
    return_path = trust.return_path.strip() if trust.return_path is not None else None
    if return_path in ("", "<>") or trust.content_type == "multipart/report":
        return Decision(allowed=False, reason="bounce", detail="empty Return-Path or a delivery report")
    return_path_mailbox = (return_path or "").strip("<>").rpartition("@")[0].lower()
    if parsed.sender.rpartition("@")[0] in _DAEMON_MAILBOXES or return_path_mailbox in _DAEMON_MAILBOXES:
        return Decision(allowed=False, reason="mailer_daemon", detail="sent by a mailer daemon or postmaster")
    for value in trust.auto_submitted:
        keyword = value.split(";")[0].strip().lower()
        if keyword != "no":
            return Decision(allowed=False, reason="auto_submitted", detail=f"Auto-Submitted: {keyword[:40]}")
    precedences = {value.split(";")[0].strip().lower() for value in trust.precedence}
    if trust.autoreply or precedences & _AUTO_REPLY_PRECEDENCE:
        return Decision(allowed=False, reason="autoreply", detail="X-Autoreply, X-Autorespond or Precedence: auto_reply")
    if _AUTO_REPLY_SUBJECT.match(parsed.subject):
        # Some vacation responders mark their mail in the subject only; answering them could loop.
        return Decision(allowed=False, reason="autoreply", detail="an auto-reply subject")
    if precedences & _BULK_PRECEDENCE:
        return Decision(allowed=False, reason="bulk", detail=f"Precedence: {sorted(precedences & _BULK_PRECEDENCE)[0]}")
    if trust.list_headers:
        return Decision(allowed=False, reason="mailing_list", detail=f"{trust.list_headers[0]} header")
    return None


def screen(parsed: ParsedEmail, *, own_address: str = "") -> Decision:
    """Every check that needs no profile: sender present, not our own address, not automated, clean scans, authenticated."""
    if not parsed.sender:
        return Decision(allowed=False, reason="no_sender", detail="no single valid From address")
    if own_address and parsed.sender == own_address.strip().lower():
        return Decision(allowed=False, reason="own_address", detail="sent from the drafting address itself")
    automated = _automated(parsed)
    if automated is not None:
        return automated
    verdicts = read_verdicts(parsed.trust)
    if verdicts.virus != "PASS":
        return Decision(allowed=False, reason="virus", detail=f"X-SES-Virus-Verdict: {verdicts.virus or 'missing'}")
    if verdicts.spam != "PASS":
        return Decision(allowed=False, reason="spam", detail=f"X-SES-Spam-Verdict: {verdicts.spam or 'missing'}")
    authenticated = authentication(verdicts, parsed.sender_domain)
    return ALLOWED if authenticated.allowed else authenticated


def decide_reply(parsed: ParsedEmail, profile: Profile | None, *, own_address: str = "") -> Decision:
    """Allowed only for a registered sender (profile found by the From address) whose message passes `screen`."""
    screened = screen(parsed, own_address=own_address)
    if not screened.allowed:
        return screened
    if profile is None or profile.email.strip().lower() != parsed.sender:
        return Decision(allowed=False, reason="unknown_sender", detail="no profile registered for this address")
    return ALLOWED
