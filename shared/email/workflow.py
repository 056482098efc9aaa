"""The email path as one service: raw message → parse → trust → verified sender → create_draft → reply.

It depends only on ports (the profile lookup, the mailer) and the create_draft use case, so tests
run it with fakes and the handler with the real adapters. Nothing is sent unless `decide_reply`
allows it, and only an address its user has VERIFIED finds a profile: mail from an address someone
merely claimed gets no draft, no history write and no reply. The draft's history id is derived from
the message's key, so a retried delivery rewrites the same item instead of adding a second one.
"""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from shared.email.parsing import EmailTooLarge, ParsedEmail, parse_email
from shared.email.ports import Mailer
from shared.email.reply import build_problem_reply, build_reply
from shared.email.trust import decide_reply, screen
from shared.history import Profile
from shared.models import (
    CHANNEL_SPECS,
    MAX_BIO_CHARS,
    MAX_NAME_CHARS,
    MAX_OFFER_CHARS,
    MAX_PITCH_CHARS,
    MAX_SENDER_INTERESTS_CHARS,
    Channel,
    DraftRequest,
)
from shared.usecases.create_draft import CreateDraft, DraftQuotaSpent
from shared.usecases.deadline import Deadline


class EmailOutcome(BaseModel):
    """What happened to one message. `reason` is a stable code: a drop reason from email_trust, or what was replied."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    status: Literal["replied", "dropped"]
    reason: str
    detail: str = ""
    user_id: str | None = None
    draft_id: str | None = None
    reply_message_id: str | None = None


class SenderLookup(Protocol):
    def find_profile_by_email(self, email: str) -> Profile | None:
        """The profile of the user who verified this address; None for an unverified or unknown one."""
        ...


def draft_id_for(message_key: str, received_at: float) -> str:
    """Same shape as history.new_draft_id (time-ordered), but the same for every delivery of one message."""
    digest = hashlib.sha256(message_key.encode()).hexdigest()[:16]
    return f"{int(received_at * 1000):012x}{digest}"


class InboundEmailWorkflow:
    def __init__(
        self,
        *,
        create_draft: CreateDraft,
        senders: SenderLookup,
        mailer: Mailer,
        drafting_address: str,
        app_url: str = "",
    ) -> None:
        self._create_draft = create_draft
        self._senders = senders
        self._mailer = mailer
        # As configured: the IAM condition on ses:FromAddress compares case-sensitively.
        self._drafting_address = drafting_address.strip()
        self._app_url = app_url

    def handle(self, raw: bytes, *, message_key: str, deadline: Deadline, received_at: float) -> EmailOutcome:
        """`received_at` (epoch seconds): when SES stored the message; it dates the draft and picks the quota's day."""
        try:
            parsed = parse_email(raw)
        except EmailTooLarge as error:
            return EmailOutcome(status="dropped", reason="too_large", detail=str(error))
        # Cheap checks first: spam and loops never cost a profile lookup.
        screened = screen(parsed, own_address=self._drafting_address)
        if not screened.allowed:
            return EmailOutcome(status="dropped", reason=screened.reason, detail=screened.detail)
        profile = self._senders.find_profile_by_email(parsed.sender)
        decision = decide_reply(parsed, profile, own_address=self._drafting_address)
        if not decision.allowed or profile is None:
            return EmailOutcome(status="dropped", reason=decision.reason, detail=decision.detail)
        return self._draft_and_reply(parsed, profile, message_key=message_key, deadline=deadline, received_at=received_at)

    def _draft_and_reply(
        self, parsed: ParsedEmail, profile: Profile, *, message_key: str, deadline: Deadline, received_at: float
    ) -> EmailOutcome:
        request_or_problem = self._request(parsed, profile)
        if isinstance(request_or_problem, str):
            return self._problem(parsed, profile, "invalid_request", request_or_problem)
        request = request_or_problem
        # Imported here: the drafting service brings the composer and guardrails, which a drop never needs.
        from shared.service import UnsafeDraftError

        try:
            record = self._create_draft(
                request,
                user_id=profile.user_id,
                source="email",
                deadline=deadline,
                received_at=received_at,
                draft_id=draft_id_for(message_key, received_at),
            )
        except DraftQuotaSpent as spent:
            problem = f"you have used all {spent.limit} drafts for today; the quota resets at midnight UTC."
            return self._problem(parsed, profile, "quota_exceeded", problem)
        except UnsafeDraftError as error:
            problem = error.user_message[:1].lower() + error.user_message[1:]
            return self._problem(parsed, profile, "unsafe_draft", problem)
        reply = build_reply(
            parsed=parsed,
            result=record.result,
            to=profile.email,
            from_address=self._drafting_address,
            app_url=self._app_url,
            notices=_notices(parsed, request.channel),
        )
        return self._send(reply, EmailOutcome(status="replied", reason="drafted", user_id=profile.user_id, draft_id=record.id))

    def _request(self, parsed: ParsedEmail, profile: Profile) -> DraftRequest | str:
        """The draft request, or a plain-words problem for the user when the message cannot make one.

        The note's lines (pitch:, interests:, offer:) win over the profile's defaults."""
        if not parsed.bio:
            return "there was no text to use as the bio. Forward the profile or paste the bio into the message body."
        pitch = parsed.pitch or profile.pitch
        if not pitch.strip():
            return 'there is no pitch: add a line starting "pitch:" above the forward, or set a default pitch in your profile.'
        if len(pitch) > MAX_PITCH_CHARS:
            return f"the pitch is {len(pitch)} characters long; keep it under {MAX_PITCH_CHARS}."
        sender_interests = parsed.sender_interests or profile.sender_interests
        if sender_interests and len(sender_interests) > MAX_SENDER_INTERESTS_CHARS:
            return f"the interests line is {len(sender_interests)} characters long; keep it under {MAX_SENDER_INTERESTS_CHARS}."
        offer = parsed.offer or profile.offer
        if offer and len(offer) > MAX_OFFER_CHARS:
            return f"the offer is {len(offer)} characters long; keep it under {MAX_OFFER_CHARS}."
        try:
            return DraftRequest(
                target_bio=parsed.bio,
                pitch=pitch,
                channel=parsed.channel or Channel.LINKEDIN_MESSAGE,
                target_name=(parsed.target_name or "")[:MAX_NAME_CHARS] or None,
                sender_name=(profile.sender_name or "")[:MAX_NAME_CHARS] or None,
                sender_interests=sender_interests,
                offer=offer,
            )
        except ValidationError as error:
            fields = ", ".join(sorted({str(issue["loc"][0]) for issue in error.errors() if issue["loc"]}))
            return f"the message could not be turned into a draft request (check: {fields or 'the message'})."

    def _problem(self, parsed: ParsedEmail, profile: Profile, reason: str, problem: str) -> EmailOutcome:
        reply = build_problem_reply(
            parsed=parsed, to=profile.email, from_address=self._drafting_address, problem=problem, app_url=self._app_url
        )
        return self._send(reply, EmailOutcome(status="replied", reason=reason, detail=problem, user_id=profile.user_id))

    def _send(self, reply: EmailMessage, outcome: EmailOutcome) -> EmailOutcome:
        return outcome.model_copy(update={"reply_message_id": self._mailer.send(reply)})


def _notices(parsed: ParsedEmail, channel: Channel) -> list[str]:
    notices: list[str] = []
    if parsed.channel_problem:
        notices.append(f"{parsed.channel_problem} The draft is for a {CHANNEL_SPECS[channel].label}.")
    if parsed.bio_truncated:
        notices.append(
            f"The bio was longer than {MAX_BIO_CHARS:,} characters; the draft uses its first "
            f"{len(parsed.bio):,}, cut at the end of a sentence."
        )
    if parsed.attachments_ignored:
        notices.append(
            f"{parsed.attachments_ignored} attachment(s) were ignored: noask reads only the message text, "
            "so paste a bio into the body if it was in an attachment."
        )
    return notices
