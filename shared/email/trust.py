"""Whether an inbound message may get a reply, decided before any LLM call.

A reply goes only to a registered user whose message authenticates, and never to anything that
looks automated (auto-replies, bounces, lists, bulk mail), so the drafting address can neither be
used to send mail to strangers (backscatter) nor be drawn into a mail loop.

Only SES's own verdicts count: SES adds its `Authentication-Results` header above every header the
sender wrote, so the first one is SES's and any later one may be forged.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from shared.email.parsing import ParsedEmail, TrustHeaders
from shared.history import Profile

SES_AUTHSERV_ID = "amazonses.com"
_AUTH_METHODS = frozenset({"spf", "dkim", "dmarc", "arc", "iprev", "auth", "dkim-atps", "bimi"})
_COMMENT = re.compile(r"\([^()]*\)")
_BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})
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


class Verdicts(BaseModel):
    """SES's authentication and scanning verdicts for one message (None: SES gave none)."""

    model_config = ConfigDict(frozen=True)

    authserv_id: str | None = None
    spf: str | None = None
    spf_domain: str | None = None
    dkim: tuple[DkimVerdict, ...] = ()
    dmarc: str | None = None
    dmarc_domain: str | None = None
    spam: str | None = None
    virus: str | None = None


def _domain_of(value: str | None) -> str | None:
    if not value:
        return None
    domain = value.rpartition("@")[2].strip().strip("<>").rstrip(".").lower()
    return domain or None


def parse_authentication_results(value: str) -> Verdicts:
    """Read one RFC 8601 header as SES writes it, e.g.

    `amazonses.com; spf=pass (…) client-ip=…; envelope-from=a@example.com; helo=…; dkim=pass header.i=@example.com;
    dmarc=pass header.from=example.com;` — properties SES puts in their own `;` clause belong to the method before them.
    """
    text = _COMMENT.sub(" ", _COMMENT.sub(" ", value))
    clauses = text.split(";")
    head = clauses[0].split()
    results: list[tuple[str, str, dict[str, str]]] = []
    for clause in clauses[1:]:
        for token in clause.split():
            key, equals, raw = token.partition("=")
            if not equals:
                continue
            key, val = key.lower(), raw.strip('"').lower()
            if key in _AUTH_METHODS:
                results.append((key, val, {}))
            elif results:
                results[-1][2][key] = val

    def first(method: str) -> tuple[str | None, dict[str, str]]:
        for name, result, props in results:
            if name == method:
                return result, props
        return None, {}

    spf, spf_props = first("spf")
    dmarc, dmarc_props = first("dmarc")
    return Verdicts(
        authserv_id=head[0].lower() if head else None,
        spf=spf,
        spf_domain=_domain_of(spf_props.get("smtp.mailfrom") or spf_props.get("envelope-from")),
        dkim=tuple(
            DkimVerdict(result=result, domain=_domain_of(props.get("header.d") or props.get("header.i")))
            for name, result, props in results
            if name == "dkim"
        ),
        dmarc=dmarc,
        dmarc_domain=_domain_of(dmarc_props.get("header.from")),
    )


def read_verdicts(trust: TrustHeaders) -> Verdicts:
    """SES's verdicts: the topmost Authentication-Results, and FAIL if any scanning verdict header says so."""
    verdicts = parse_authentication_results(trust.authentication_results[0]) if trust.authentication_results else Verdicts()

    def scan(values: tuple[str, ...]) -> str | None:
        upper = [value.strip().upper() for value in values]
        return "FAIL" if "FAIL" in upper else (upper[0] if upper else None)

    return verdicts.model_copy(update={"spam": scan(trust.spam_verdicts), "virus": scan(trust.virus_verdicts)})


def aligned(domain: str | None, from_domain: str) -> bool:
    """Relaxed alignment (RFC 7489), approximated without a public-suffix list: the same domain or a subdomain either way.

    The approximation can only align a domain with its own parent or child, which an outsider cannot sign or send for.
    """
    if not domain or not from_domain:
        return False
    return domain == from_domain or domain.endswith("." + from_domain) or from_domain.endswith("." + domain)


def authentication(verdicts: Verdicts, from_domain: str) -> Decision:
    """DMARC pass for the From domain, or SPF and DKIM both pass and aligned with it."""
    if verdicts.authserv_id != SES_AUTHSERV_ID:
        return Decision(allowed=False, reason="not_authenticated", detail="no Authentication-Results from SES")
    if verdicts.dmarc == "pass" and verdicts.dmarc_domain in (None, from_domain):
        return Decision(allowed=True, reason="ok", detail="DMARC pass")
    spf_ok = verdicts.spf == "pass" and aligned(verdicts.spf_domain, from_domain)
    dkim_ok = any(d.result == "pass" and aligned(d.domain, from_domain) for d in verdicts.dkim)
    if verdicts.dmarc != "fail" and spf_ok and dkim_ok:
        return Decision(allowed=True, reason="ok", detail="SPF and DKIM pass, aligned with the From domain")
    detail = (
        f"DMARC {verdicts.dmarc or 'none'}; SPF {verdicts.spf or 'none'}{'' if spf_ok else ' or not aligned'}; "
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
    auto_submitted = (trust.auto_submitted or "no").split(";")[0].strip().lower()
    if auto_submitted != "no":
        return Decision(allowed=False, reason="auto_submitted", detail=f"Auto-Submitted: {auto_submitted[:40]}")
    precedence = (trust.precedence or "").strip().lower()
    if trust.autoreply or precedence == "auto_reply":
        return Decision(allowed=False, reason="autoreply", detail="X-Autoreply, X-Autorespond or Precedence: auto_reply")
    if _AUTO_REPLY_SUBJECT.match(parsed.subject):
        # Some vacation responders mark their mail in the subject only; answering them could loop.
        return Decision(allowed=False, reason="autoreply", detail="an auto-reply subject")
    if precedence in _BULK_PRECEDENCE:
        return Decision(allowed=False, reason="bulk", detail=f"Precedence: {(trust.precedence or '').strip()[:20]}")
    if trust.list_id is not None:
        return Decision(allowed=False, reason="mailing_list", detail="List-Id header")
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
    if verdicts.virus == "FAIL":
        return Decision(allowed=False, reason="virus", detail="X-SES-Virus-Verdict: FAIL")
    if verdicts.spam == "FAIL":
        return Decision(allowed=False, reason="spam", detail="X-SES-Spam-Verdict: FAIL")
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
