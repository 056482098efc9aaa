"""The reply the email path sends: the draft ready to copy and why it is safe, as plain text and simple HTML.

Every reply is marked `Auto-Submitted: auto-replied` (RFC 3834) so well-behaved auto-responders stay
quiet, and threads under the user's message with In-Reply-To and References.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape

from shared.email.parsing import ParsedEmail
from shared.models import Channel, DraftResult

REPLY_DISPLAY_NAME = "noask"
MAX_SUBJECT_CHARS = 200
_ALREADY_REPLY = re.compile(r"^\s*re\s*:", re.IGNORECASE)


# How the reply names each channel in a sentence, with its article.
_CHANNEL_PHRASES = {
    Channel.LINKEDIN_NOTE: "a LinkedIn connection note",
    Channel.LINKEDIN_NOTE_PREMIUM: "a LinkedIn Premium connection note",
    Channel.LINKEDIN_MESSAGE: "a LinkedIn message",
    Channel.EMAIL: "an email",
}


def channel_phrase(channel: Channel) -> str:
    """ "an email", "a LinkedIn message": the channel as it reads after "for"."""
    return _CHANNEL_PHRASES[channel]


def reply_subject(original: str) -> str:
    """`Re: <original>`, without stacking a second "Re:"; folded to one line and capped."""
    subject = " ".join(original.split())[:MAX_SUBJECT_CHARS] or "your message"
    return subject if _ALREADY_REPLY.match(subject) else f"Re: {subject}"


def written_by(result: DraftResult) -> str:
    if result.provider == "offline":
        why = f" ({result.fallback_reason})" if result.fallback_reason else ""
        return f"noask's offline composer{why}"
    calls = "1 call" if result.attempts == 1 else f"{result.attempts} calls"
    return f"the {result.model} model (prompt {result.prompt_version}, {calls})"


def _envelope(*, parsed: ParsedEmail, to: str, from_address: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = Address(display_name=REPLY_DISPLAY_NAME, addr_spec=from_address)
    message["To"] = to
    message["Subject"] = reply_subject(parsed.subject)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=from_address.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-replied"
    # Exchange and Outlook honour this one instead of Auto-Submitted: no out-of-office replies to us.
    message["X-Auto-Response-Suppress"] = "All"
    if parsed.message_id:
        message["In-Reply-To"] = parsed.message_id
        message["References"] = " ".join([*parsed.references, parsed.message_id])
    return message


def _history_line(app_url: str) -> list[str]:
    return [f"Your drafts, saved in your history: {app_url}"] if app_url else ["This draft is saved in your noask history."]


def _safe_link(app_url: str) -> str:
    return app_url if app_url.startswith(("https://", "http://")) else ""


def build_reply(
    *,
    parsed: ParsedEmail,
    result: DraftResult,
    to: str,
    from_address: str,
    app_url: str = "",
    notices: Sequence[str] = (),
) -> EmailMessage:
    """The draft reply: plain text with the draft between markers, and an HTML alternative with everything escaped."""
    app_url = _safe_link(app_url)
    channel = channel_phrase(result.channel)
    interest = result.shared_interest
    if interest.found:
        interest_lines = [f"Shared interest: {interest.topic or 'from the bio'}", f'From the bio: "{interest.bio_evidence}"']
    else:
        interest_lines = [
            "Shared interest: none found in the bio, so the draft says something true and specific about it instead."
        ]
    checks = [f"  {'✓' if outcome.passed else '✗'} {outcome.explanation}" for outcome in result.checks]

    text: list[str] = [f"Here is your no-ask draft for {channel}, ready to copy.", ""]
    if result.subject:
        text += [f"Subject: {result.subject}", ""]
    text += ["----- draft -----", result.body, "----- end of draft -----", "", *interest_lines, ""]
    text += [f"Written by {written_by(result)}.", "Checks:", *checks, ""]
    text += [f"Note: {notice}" for notice in notices]
    text += _history_line(app_url)

    html: list[str] = [f"<p>Here is your no-ask draft for {escape(channel)}, ready to copy.</p>"]
    if result.subject:
        html.append(f"<p><strong>Subject:</strong> {escape(result.subject)}</p>")
    html.append(
        '<div style="border-left:3px solid #2f6f4f;padding:8px 12px;white-space:pre-wrap;font-family:inherit">'
        f"{escape(result.body)}</div>"
    )
    if interest.found:
        html.append(f"<p><strong>Shared interest:</strong> {escape(interest.topic or 'from the bio')}</p>")
        html.append(f"<blockquote>{escape(interest.bio_evidence or '')}</blockquote>")
    else:
        html.append(f"<p>{escape(interest_lines[0])}</p>")
    html.append(f"<p>Written by {escape(written_by(result))}.</p>")
    html.append("<ul>" + "".join(f"<li>{escape(line.strip())}</li>" for line in checks) + "</ul>")
    html += [f"<p>Note: {escape(notice)}</p>" for notice in notices]
    if app_url:
        html.append(f'<p><a href="{escape(app_url, quote=True)}">Your drafts, saved in your history</a></p>')

    message = _envelope(parsed=parsed, to=to, from_address=from_address)
    message.set_content("\n".join(text) + "\n")
    message.add_alternative(_html_document("".join(html)), subtype="html")
    return message


def build_problem_reply(*, parsed: ParsedEmail, to: str, from_address: str, problem: str, app_url: str = "") -> EmailMessage:
    """A reply that explains why no draft was written and what to change; sent only to an authenticated, registered user."""
    app_url = _safe_link(app_url)
    text = [f"noask could not write a draft from your message: {problem}", ""]
    text += [
        "Forward the profile or bio to this address. Above the forward you can add lines starting",
        '"pitch:" to use a different pitch, "interests:" for your own interests, "offer:" for something',
        'you can give, or "channel:" (linkedin_note, linkedin_note_premium, linkedin_message or email).',
    ]
    text += _history_line(app_url)
    html = f"<p>noask could not write a draft from your message: {escape(problem)}</p>"
    html += "<p>" + escape(" ".join(text[2:5])) + "</p>"
    if app_url:
        html += f'<p><a href="{escape(app_url, quote=True)}">Your noask history</a></p>'
    message = _envelope(parsed=parsed, to=to, from_address=from_address)
    message.set_content("\n".join(text) + "\n")
    message.add_alternative(_html_document(html), subtype="html")
    return message


def _html_document(body: str) -> str:
    return f'<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">{body}</body></html>'
