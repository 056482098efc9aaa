"""Who gets a reply: registered, authenticated people only; never automated mail, never strangers."""

from __future__ import annotations

import pytest

from shared.email.parsing import parse_email
from shared.email.trust import aligned, decide_reply, parse_authentication_results, read_verdicts, screen
from shared.history import Profile
from tests.support.emails import DRAFTING_ADDRESS, REGISTERED_ADDRESS, registered_profile, sample, ses_message

PROFILE = registered_profile()
FROM_DOMAIN = "fabrikam.example"


def decide(raw: bytes, profile: Profile | None = PROFILE) -> tuple[bool, str]:
    decision = decide_reply(parse_email(raw), profile, own_address=DRAFTING_ADDRESS)
    return decision.allowed, decision.reason


def auth(
    spf: str = "pass", dkim: str = "pass", dmarc: str = "pass", *, mailfrom: str = "fabrikam.example", d: str = "fabrikam.example"
) -> str:
    return (
        f"amazonses.com; spf={spf} (spfCheck: domain of {mailfrom} designates 192.0.2.1 as permitted sender) "
        f"client-ip=192.0.2.1; envelope-from=bounce@{mailfrom}; helo=mx.{mailfrom}; dkim={dkim} header.i=@{d}; "
        f"dmarc={dmarc} header.from=fabrikam.example;"
    )


def test_parses_the_authentication_results_ses_writes() -> None:
    verdicts = parse_authentication_results(
        "amazonses.com; spf=pass (spfCheck: domain of example.com designates 209.85.128.51 as permitted sender) "
        "client-ip=209.85.128.51; envelope-from=jane@Example.com; helo=mail.example.com; "
        "dkim=pass header.i=@example.com; dkim=pass header.i=@amazonses.com; dmarc=pass header.from=example.com;"
    )
    assert verdicts.authserv_id == "amazonses.com"
    assert (verdicts.spf, verdicts.spf_domain) == ("pass", "example.com")
    assert [(d.result, d.domain) for d in verdicts.dkim] == [("pass", "example.com"), ("pass", "amazonses.com")]
    assert verdicts.dmarc == "pass"
    assert [(d.result, d.domain) for d in verdicts.dmarc_results] == [("pass", "example.com")]


def test_parses_rfc_8601_properties_and_comments() -> None:
    verdicts = parse_authentication_results(
        "amazonses.com 1; spf=softfail (sender (not) permitted; see policy) smtp.mailfrom=a@x.example; "
        'dkim=fail reason="bad sig" header.d=x.example; dmarc=none header.from=x.example'
    )
    assert (verdicts.spf, verdicts.spf_domain) == ("softfail", "x.example")
    assert [(d.result, d.domain) for d in verdicts.dkim] == [("fail", "x.example")]
    assert verdicts.dmarc == "none"


def test_a_registered_authenticated_sender_gets_a_reply() -> None:
    assert decide(sample("gmail_forward_en")) == (True, "ok")


@pytest.mark.parametrize(
    ("results", "allowed"),
    [
        (auth(), True),
        (auth(spf="fail", dkim="fail", dmarc="pass"), True),  # DMARC alone suffices
        (auth(dmarc="none"), True),  # SPF and DKIM both pass and align
        (auth(dmarc="none", d="mail.fabrikam.example", mailfrom="bounces.fabrikam.example"), True),  # relaxed alignment
        (auth(dmarc="none", dkim="fail"), False),
        (auth(dmarc="none", spf="softfail"), False),
        (auth(dmarc="none", d="mailer.example"), False),  # DKIM passes for someone else's domain
        (auth(dmarc="none", mailfrom="bulk.example"), False),  # SPF passes for someone else's domain
        (auth(dmarc="none", d="evilfabrikam.example"), False),  # a lookalike is not a subdomain
        (auth(dmarc="fail"), False),  # an explicit DMARC failure wins
        ("mx.example.net; spf=pass smtp.mailfrom=fabrikam.example; dkim=pass header.d=fabrikam.example; dmarc=pass", False),
        (None, False),
    ],
)
def test_authentication_needs_dmarc_or_aligned_spf_and_dkim_from_ses(results: str | None, allowed: bool) -> None:
    assert decide(ses_message(authentication_results=results))[0] is allowed


def test_a_forged_authentication_results_below_ses_is_ignored() -> None:
    # The spoofed sample fails SPF, DKIM and DMARC at SES but carries its own "all pass" header further down.
    assert decide(sample("spoofed_sender")) == (False, "not_authenticated")
    parsed = parse_email(sample("spoofed_sender"))
    assert len(parsed.trust.authentication_results) == 2
    assert read_verdicts(parsed.trust).dmarc == "fail"


def test_a_failed_scan_is_dropped() -> None:
    assert decide(ses_message(spam="FAIL")) == (False, "spam")
    assert decide(ses_message(virus="FAIL")) == (False, "virus")
    assert decide(ses_message(spam="FAIL", virus="FAIL")) == (False, "virus")


def test_a_pass_added_by_the_sender_cannot_hide_a_failed_scan() -> None:
    raw = ses_message(spam="FAIL", headers=[("X-SES-Spam-Verdict", "PASS")])
    assert decide(raw) == (False, "spam")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ([("Auto-Submitted", "auto-replied")], "auto_submitted"),
        ([("Auto-Submitted", "auto-generated")], "auto_submitted"),
        ([("Auto-Submitted", "Auto-Notified; owner-email=x@y.example")], "auto_submitted"),
        ([("Precedence", "bulk")], "bulk"),
        ([("Precedence", "List")], "bulk"),
        ([("Precedence", "junk")], "bulk"),
        ([("List-Id", "Data folks <data.lists.example>")], "mailing_list"),
        ([("X-Autoreply", "yes")], "autoreply"),
        ([("X-Autorespond", "Out of office")], "autoreply"),
        ([("Precedence", "auto_reply")], "autoreply"),
    ],
)
def test_automated_mail_is_never_answered(headers: list[tuple[str, str]], reason: str) -> None:
    assert decide(ses_message(headers=headers)) == (False, reason)


@pytest.mark.parametrize("value", ["no", "No", "no; comment"])
def test_auto_submitted_no_is_a_person(value: str) -> None:
    assert decide(ses_message(headers=[("Auto-Submitted", value)])) == (True, "ok")


@pytest.mark.parametrize(
    ("return_path", "reason"), [("<>", "bounce"), ("", "bounce"), ("<MAILER-DAEMON@mx.example>", "mailer_daemon")]
)
def test_bounces_are_never_answered(return_path: str, reason: str) -> None:
    assert decide(ses_message(return_path=return_path)) == (False, reason)


@pytest.mark.parametrize(
    "subject",
    [
        "Automatic reply: Re: Fwd: Intro",
        "Out of Office: Intro",
        "AutoReply: x",
        "Abwesenheitsnotiz: Re: x",
        "Réponse automatique : x",
    ],
)
def test_auto_replies_marked_only_in_the_subject_are_never_answered(subject: str) -> None:
    assert decide(ses_message(subject=subject)) == (False, "autoreply")


@pytest.mark.parametrize("subject", ["Fwd: Automatic reply: Intro", "Re: Out of office plans", "Autumn hiking group"])
def test_ordinary_subjects_mentioning_replies_are_fine(subject: str) -> None:
    assert decide(ses_message(subject=subject)) == (True, "ok")


@pytest.mark.parametrize("mailbox", ["MAILER-DAEMON", "postmaster", "Mailer-Daemon"])
def test_daemon_senders_are_never_answered(mailbox: str) -> None:
    assert decide(ses_message(sender=f"{mailbox}@fabrikam.example"), None) == (False, "mailer_daemon")


def test_samples_that_must_never_get_a_reply() -> None:
    assert decide(sample("auto_reply")) == (False, "auto_submitted")
    assert decide(sample("bounce")) == (False, "bounce")
    assert decide(sample("spoofed_sender")) == (False, "not_authenticated")
    assert decide(sample("unknown_sender"), None) == (False, "unknown_sender")


def test_unknown_senders_get_no_reply_even_when_authenticated() -> None:
    raw = sample("unknown_sender")
    assert screen(parse_email(raw), own_address=DRAFTING_ADDRESS).allowed
    assert decide(raw, None) == (False, "unknown_sender")
    assert decide(raw, PROFILE) == (False, "unknown_sender")  # a profile for another address does not count


def test_mail_from_the_drafting_address_itself_is_a_loop() -> None:
    raw = ses_message(sender=DRAFTING_ADDRESS)
    assert decide(raw, PROFILE.model_copy(update={"email": DRAFTING_ADDRESS})) == (False, "own_address")


def test_no_single_sender_no_reply() -> None:
    assert decide(ses_message(sender=f"{REGISTERED_ADDRESS}, other@fabrikam.example")) == (False, "no_sender")


def test_alignment_by_organisational_domain() -> None:
    assert aligned("fabrikam.example", "fabrikam.example")
    assert aligned("mail.google.co.uk", "google.co.uk")
    assert not aligned("evil.co.uk", "google.co.uk")  # siblings under a public suffix are strangers
    assert not aligned("alice.github.io", "bob.github.io")
    assert aligned("mail.fabrikam.example", "fabrikam.example")
    assert aligned("fabrikam.example", "eu.fabrikam.example")
    assert not aligned("evilfabrikam.example", "fabrikam.example")
    assert not aligned(None, "fabrikam.example")


# ---- fail closed: every case below was once allowed ---------------------------------------------


@pytest.mark.parametrize(
    "results",
    [
        # dmarc=pass that names no From domain, or another one
        "amazonses.com; spf=fail smtp.mailfrom=evil.example; dkim=fail header.d=evil.example; dmarc=pass",
        "amazonses.com; spf=fail smtp.mailfrom=evil.example; dmarc=pass header.from=evil.example",
        # a "dmarc=pass" smuggled inside a quoted local part or a comment is not a result
        'amazonses.com; spf=fail smtp.mailfrom="x;dmarc=pass header.from=fabrikam.example"@evil.example; dkim=fail',
        "amazonses.com; spf=fail (dmarc=pass header.from=fabrikam.example) smtp.mailfrom=evil.example",
        "amazonses.com; spf=fail smtp.mailfrom=evil.example (; dmarc=pass header.from=fabrikam.example)",
        # a second method in the same clause is a property, not a result
        "amazonses.com; spf=fail smtp.mailfrom=evil.example dmarc=pass header.from=fabrikam.example",
        # one DMARC pass next to a DMARC fail is a failure
        "amazonses.com; dmarc=pass header.from=fabrikam.example; dmarc=fail header.from=fabrikam.example",
        # someone else's authserv-id on top
        "amazonses.com.evil.example; dmarc=pass header.from=fabrikam.example",
        "(amazonses.com) mx.evil.example; dmarc=pass header.from=fabrikam.example",
        # unbalanced comment swallows the rest
        "amazonses.com; spf=fail (unclosed dmarc=pass header.from=fabrikam.example",
        "",
    ],
)
def test_authentication_results_that_must_not_pass(results: str) -> None:
    assert decide(ses_message(authentication_results=results)) == (False, "not_authenticated")


def test_dmarc_pass_for_the_organisational_domain_counts() -> None:
    results = "amazonses.com; spf=fail smtp.mailfrom=x.example; dmarc=pass header.from=fabrikam.example"
    raw = ses_message(sender="Alex <alex@eu.fabrikam.example>", authentication_results=results)
    assert screen(parse_email(raw)).allowed


def test_only_the_topmost_authentication_results_counts() -> None:
    fail = "amazonses.com; spf=fail smtp.mailfrom=fabrikam.example; dkim=fail header.d=fabrikam.example; dmarc=fail"
    forged_pass = "amazonses.com; dmarc=pass header.from=fabrikam.example"
    assert decide(ses_message(authentication_results=fail, headers=[("Authentication-Results", forged_pass)]))[0] is False
    # a topmost header from someone else is not skipped in favour of an SES-looking one below it
    raw = ses_message(authentication_results="mx.example.net; dmarc=pass", headers=[("Authentication-Results", forged_pass)])
    assert decide(raw)[0] is False


def test_hostile_authentication_results_parse_in_linear_time_without_recursion() -> None:
    for value in ["amazonses.com; dkim=pass " + "(" * 5000 + ")" * 5000, "amazonses.com; " + '"' * 9999, ";=" * 8000]:
        assert decide(ses_message(authentication_results=value))[0] is False


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ([("Auto-Submitted", "no"), ("Auto-Submitted", "auto-replied")], "auto_submitted"),
        ([("Auto-Submitted", "auto-generated"), ("Auto-Submitted", "no")], "auto_submitted"),
        ([("Precedence", "first-class"), ("Precedence", "bulk")], "bulk"),
        ([("Precedence", "normal"), ("Precedence", "auto_reply")], "autoreply"),
        ([("Precedence", "list; x")], "bulk"),
        ([("List-Unsubscribe", "<mailto:leave@lists.example>")], "mailing_list"),
        ([("List-Post", "<mailto:data@lists.example>")], "mailing_list"),
        ([("List-Help", "<mailto:help@lists.example>")], "mailing_list"),
    ],
)
def test_automation_in_any_copy_or_any_list_header_refuses(headers: list[tuple[str, str]], reason: str) -> None:
    assert decide(ses_message(headers=headers)) == (False, reason)


@pytest.mark.parametrize(
    ("spam", "virus", "reason"),
    [
        ("GRAY", "PASS", "spam"),
        ("PROCESSING_FAILED", "PASS", "spam"),
        (None, "PASS", "spam"),
        ("PASS", "GRAY", "virus"),
        ("PASS", "PROCESSING_FAILED", "virus"),
        ("PASS", None, "virus"),
        (None, None, "virus"),
        ("", "PASS", "spam"),
    ],
)
def test_scanning_verdicts_other_than_pass_or_missing_refuse(spam: str | None, virus: str | None, reason: str) -> None:
    assert decide(ses_message(spam=spam, virus=virus)) == (False, reason)


def test_a_second_verdict_copy_that_is_not_pass_refuses() -> None:
    assert decide(ses_message(headers=[("X-SES-Spam-Verdict", "GRAY")])) == (False, "spam")
