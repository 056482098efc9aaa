"""The reply: threads under the user's message, marks itself automatic, and carries the draft safely."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest

from shared.email.parsing import parse_email
from shared.email.reply import build_problem_reply, build_reply, reply_subject
from shared.models import Channel, CheckOutcome, DraftResult, Rule, SharedInterest
from tests.support.emails import DRAFTING_ADDRESS, REGISTERED_ADDRESS, sample, ses_message

PARSED = parse_email(sample("outlook_desktop_forward_en"))


def result(
    *,
    body: str = "Hi Daniel,\n\nI saw you coach under-11 football on Saturdays. I build CI tools at Fabrikam.\n\nAlex",
    subject: str | None = None,
    channel: Channel = Channel.LINKEDIN_MESSAGE,
    evidence: str | None = "I coach my daughter’s under-11 football team on Saturdays",
    provider: str = "openai",
) -> DraftResult:
    interest = SharedInterest(topic="football", bio_evidence=evidence, found=True) if evidence else SharedInterest.none_found()
    return DraftResult.model_validate(
        {
            "body": body,
            "subject": subject,
            "channel": channel,
            "shared_interest": interest,
            "provider": provider,
            "model": "gpt-4o-mini" if provider == "openai" else "offline-composer",
            "prompt_version": "1.0",
            "attempts": 1 if provider == "openai" else 0,
            "checks": [CheckOutcome(rule=Rule.ASK, passed=True, explanation="Asks for nothing.")],
            "fallback_reason": None if provider == "openai" else "model_error: the model timed out",
        }
    )


APP_URL = "https://noask.example/app"


def reply(draft: DraftResult | None = None, *, app_url: str = APP_URL, notices: tuple[str, ...] = ()) -> EmailMessage:
    return build_reply(
        parsed=PARSED,
        result=draft or result(),
        to=REGISTERED_ADDRESS,
        from_address=DRAFTING_ADDRESS,
        app_url=app_url,
        notices=notices,
    )


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain and HTML text as a mail client would read them after the round trip through bytes."""
    received = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    assert isinstance(received, EmailMessage)
    plain = received.get_body(("plain",))
    html = received.get_body(("html",))
    assert plain is not None
    assert html is not None
    return plain.get_content(), html.get_content()


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("FW: Introduction", "Re: FW: Introduction"),
        ("Fwd: Intro", "Re: Fwd: Intro"),
        ("Re: Intro", "Re: Intro"),
        ("RE:Intro", "RE:Intro"),
        ("  re : Intro", "re : Intro"),
        ("", "Re: your message"),
        ("Two\n lines", "Re: Two lines"),
    ],
)
def test_subject_is_re_original_without_a_second_re(original: str, expected: str) -> None:
    assert reply_subject(original) == expected


def test_reply_headers_thread_and_mark_it_automatic() -> None:
    message = reply()

    assert message["From"].addresses[0].addr_spec == DRAFTING_ADDRESS
    assert str(message["To"]) == REGISTERED_ADDRESS
    assert str(message["Subject"]) == "Re: FW: Introduction"
    assert str(message["Auto-Submitted"]) == "auto-replied"
    assert str(message["In-Reply-To"]) == PARSED.message_id
    assert str(message["References"]).split() == [*PARSED.references, PARSED.message_id]
    assert message["Message-ID"] is not None
    assert message.get_content_type() == "multipart/alternative"


def test_no_threading_headers_without_a_message_id() -> None:
    parsed = parse_email(ses_message().replace(b"Message-ID: <msg-0001@fabrikam.example>\n", b""))
    message = build_reply(parsed=parsed, result=result(), to=REGISTERED_ADDRESS, from_address=DRAFTING_ADDRESS)

    assert parsed.message_id is None
    assert message["In-Reply-To"] is None
    assert message["References"] is None
    assert str(message["Auto-Submitted"]) == "auto-replied"


def test_plain_text_has_the_draft_ready_to_copy_and_why_to_trust_it() -> None:
    draft = result()
    plain, _ = parts(reply(draft, notices=("The bio was cut.",)))

    start = plain.index("----- draft -----\n") + len("----- draft -----\n")
    end = plain.index("\n----- end of draft -----")
    assert plain[start:end] == draft.body
    assert "Shared interest: football" in plain
    assert 'From the bio: "I coach my daughter’s under-11 football team on Saturdays"' in plain
    assert "gpt-4o-mini" in plain
    assert "✓ Asks for nothing." in plain
    assert "Note: The bio was cut." in plain
    assert "https://noask.example/app" in plain
    assert "Subject:" not in plain  # not the email channel


def test_email_channel_gives_the_subject_too() -> None:
    plain, html = parts(reply(result(subject="Trail running, and hello", channel=Channel.EMAIL)))
    assert "Subject: Trail running, and hello" in plain
    assert "Trail running, and hello" in html


def test_offline_provider_and_no_interest_are_said_plainly() -> None:
    plain, _ = parts(reply(result(provider="offline", evidence=None)))
    assert "offline composer (model_error: the model timed out)" in plain
    assert "Shared interest: none found in the bio" in plain


def test_html_part_escapes_everything_from_the_model_and_the_bio() -> None:
    hostile = result(body="Hi <script>alert(1)</script> & <b>bold</b>", evidence='<img src=x onerror="alert(2)">')
    _, html = parts(reply(hostile, app_url='https://noask.example/"><script>x()</script>'))

    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html


def test_a_link_that_is_not_http_is_left_out() -> None:
    plain, html = parts(reply(app_url="javascript:alert(1)"))
    assert "javascript:" not in plain + html


def test_problem_reply_explains_and_threads_the_same_way() -> None:
    message = build_problem_reply(
        parsed=PARSED, to=REGISTERED_ADDRESS, from_address=DRAFTING_ADDRESS, problem="there was no bio."
    )
    plain, html = parts(message)

    assert "could not write a draft from your message: there was no bio." in plain
    assert '"pitch:"' in plain
    assert "there was no bio." in html
    assert str(message["Auto-Submitted"]) == "auto-replied"
    assert str(message["In-Reply-To"]) == PARSED.message_id


@pytest.mark.parametrize(
    ("channel", "phrase"),
    [
        (Channel.EMAIL, "draft for an email, ready"),
        (Channel.LINKEDIN_MESSAGE, "draft for a LinkedIn message, ready"),
        (Channel.LINKEDIN_NOTE, "draft for a LinkedIn connection note, ready"),
        (Channel.LINKEDIN_NOTE_PREMIUM, "draft for a LinkedIn Premium connection note, ready"),
    ],
)
def test_the_channel_reads_as_english_with_its_article(channel: Channel, phrase: str) -> None:
    plain, html = parts(reply(result(channel=channel, subject="Hello" if channel is Channel.EMAIL else None)))
    assert phrase in plain
    assert phrase in html
    assert "a Email" not in plain + html


def test_model_calls_are_counted_in_words_not_with_a_parenthesised_plural() -> None:
    plain, _ = parts(reply())
    assert "(prompt 1.0, 1 call)" in plain
    assert "call(s)" not in plain


def test_problem_reply_names_every_note_line() -> None:
    plain, _ = parts(build_problem_reply(parsed=PARSED, to=REGISTERED_ADDRESS, from_address=DRAFTING_ADDRESS, problem="x."))
    for line in ('"pitch:"', '"interests:"', '"offer:"', '"channel:"'):
        assert line in plain
