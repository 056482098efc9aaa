"""Inbound email test helpers: the .eml samples, SES-shaped messages built to order, and in-memory ports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path

from shared.history import DraftRecord, HistoryPage, Profile
from shared.usecases.sender_addresses import ConfirmOutcome, SenderAddress, VerifiedBy

REPO = Path(__file__).resolve().parents[2]
EMAILS_DIR = REPO / "tests" / "data" / "emails"
EVENTS_DIR = REPO / "events" / "inbound_email"
DRAFTING_ADDRESS = "drafts@example.com"
REGISTERED_ADDRESS = "alex.kim@fabrikam.example"

SES_PASS = (
    "amazonses.com; spf=pass (spfCheck: domain of fabrikam.example designates 209.85.220.41 as permitted sender) "
    "client-ip=209.85.220.41; envelope-from=alex.kim@fabrikam.example; helo=mail-sor-f41.google.com; "
    "dkim=pass header.i=@fabrikam.example; dmarc=pass header.from=fabrikam.example;"
)
FORWARD_BODY = """Please draft this one.

---------- Forwarded message ---------
From: Maya Lindqvist <maya.lindqvist@northwind.example>
Date: Mon, Mar 3, 2025 at 6:41 PM
Subject: Intro
To: Alex Kim <alex.kim@fabrikam.example>


I lead the data platform team at Northwind. Outside work I love trail running in the archipelago.
"""


def sample(name: str) -> bytes:
    return (EMAILS_DIR / f"{name}.eml").read_bytes()


def sample_names() -> list[str]:
    return sorted(path.stem for path in EMAILS_DIR.glob("*.eml"))


def local_profiles() -> list[Profile]:
    return [Profile.model_validate(item) for item in json.loads((EMAILS_DIR / "profiles.json").read_text(encoding="utf-8"))]


def ses_message(
    *,
    sender: str = f"Alex Kim <{REGISTERED_ADDRESS}>",
    authentication_results: str | None = SES_PASS,
    return_path: str | None = f"<{REGISTERED_ADDRESS}>",
    spam: str | None = "PASS",
    virus: str | None = "PASS",
    headers: Sequence[tuple[str, str]] = (),
    subject: str = "Fwd: Intro",
    body: str = FORWARD_BODY,
    message_id: str = "<msg-0001@fabrikam.example>",
) -> bytes:
    """A message as SES stores it: SES's trace headers on top (None leaves one out), then the sender's own."""
    message = EmailMessage()
    for name, value in (
        ("Return-Path", return_path),
        ("X-SES-Spam-Verdict", spam),
        ("X-SES-Virus-Verdict", virus),
        ("Authentication-Results", authentication_results),
    ):
        if value is not None:
            message[name] = value
    message["From"] = sender
    message["To"] = DRAFTING_ADDRESS
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in headers:
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


DEFAULT_PITCH = "I build data quality tools and write about testing pipelines."


def registered_profile(user_id: str = "user-1", *, pitch: str = DEFAULT_PITCH) -> Profile:
    return Profile(user_id=user_id, email=REGISTERED_ADDRESS, pitch=pitch, sender_name="Alex Kim")


class MemoryHistory:
    """shared.history.HistoryStore and the sending-address store in dicts, for unit tests of the email path and the API.

    A profile given with an `email` starts with that address verified (by code), as a registered user's would be."""

    def __init__(self, profiles: Sequence[Profile] = (), *, quota_used: int = 0) -> None:
        self.profiles: dict[str, Profile] = {}
        self.drafts: dict[tuple[str, str], DraftRecord] = {}
        self.quota: dict[tuple[str, str], int] = {}
        self.claims: dict[tuple[str, str], SenderAddress] = {}
        self.holders: dict[str, str] = {}
        self.allowances: dict[tuple[str, str], int] = {}
        self.profile_lookups = 0
        self._quota_used = quota_used
        for profile in profiles:
            self.put_profile(profile)
            if profile.email:
                assert (
                    self.confirm_address(
                        profile.user_id, profile.email.lower(), verified_at=0.0, verified_by="code", code_hash=None
                    )
                    == "verified"
                )

    def put_draft(self, record: DraftRecord) -> None:
        self.drafts[(record.user_id, record.id)] = record

    def get_draft(self, user_id: str, draft_id: str) -> DraftRecord | None:
        return self.drafts.get((user_id, draft_id))

    def list_drafts(self, user_id: str, *, limit: int, cursor: str | None = None) -> HistoryPage:
        items = sorted((r for (owner, _), r in self.drafts.items() if owner == user_id), key=lambda r: r.id, reverse=True)
        if cursor is not None:
            owner, _, after = cursor.partition(":")
            if owner != user_id or not after:
                raise ValueError("invalid cursor")
            items = [record for record in items if record.id < after]
        page = items[:limit]
        return HistoryPage(items=page, cursor=f"{user_id}:{page[-1].id}" if len(items) > limit else None)

    def delete_draft(self, user_id: str, draft_id: str) -> bool:
        return self.drafts.pop((user_id, draft_id), None) is not None

    def take_daily_quota(self, user_id: str, day: str, limit: int) -> bool:
        used = self.quota.get((user_id, day), self._quota_used)
        if used >= limit:
            return False
        self.quota[(user_id, day)] = used + 1
        return True

    def put_draft_within_quota(self, record: DraftRecord, *, day: str, limit: int) -> bool:
        if not self.take_daily_quota(record.user_id, day, limit):
            return False
        self.put_draft(record)
        return True

    def put_profile(self, profile: Profile) -> None:
        self.profiles[profile.user_id] = profile.model_copy(update={"email": ""})

    def get_profile(self, user_id: str) -> Profile | None:
        return self.profiles.get(user_id)

    def find_profile_by_email(self, email: str) -> Profile | None:
        self.profile_lookups += 1
        address = email.strip().lower()
        holder = self.holders.get(address)
        if holder is None:
            return None
        return (self.profiles.get(holder) or Profile(user_id=holder)).model_copy(update={"email": address})

    # ---- sending addresses (shared.usecases.sender_addresses.AddressStore) ----

    def list_addresses(self, user_id: str) -> list[SenderAddress]:
        return [claim for (owner, _), claim in self.claims.items() if owner == user_id]

    def get_address(self, user_id: str, address: str) -> SenderAddress | None:
        return self.claims.get((user_id, address))

    def put_claim(self, claim: SenderAddress, *, expires_at: float) -> None:
        current = self.claims.get((claim.user_id, claim.address))
        if current is None or current.state != "verified":
            self.claims[(claim.user_id, claim.address)] = claim

    def take_attempt(self, user_id: str, address: str, code_hash: str, limit: int) -> bool:
        claim = self.claims.get((user_id, address))
        if claim is None or claim.code_hash != code_hash or claim.attempts >= limit:
            return False
        self.claims[(user_id, address)] = claim.model_copy(update={"attempts": claim.attempts + 1})
        return True

    def confirm_address(
        self, user_id: str, address: str, *, verified_at: float, verified_by: VerifiedBy, code_hash: str | None
    ) -> ConfirmOutcome:
        claim = self.claims.get((user_id, address))
        if code_hash is not None and (claim is None or claim.code_hash != code_hash):
            return "stale"
        if self.holders.get(address, user_id) != user_id:
            return "taken"
        self.holders[address] = user_id
        self.claims[(user_id, address)] = SenderAddress(
            user_id=user_id, address=address, state="verified", verified_at=verified_at, verified_by=verified_by
        )
        return "verified"

    def release_address(self, user_id: str, address: str) -> bool:
        existed = self.claims.pop((user_id, address), None) is not None
        if self.holders.get(address) == user_id:
            del self.holders[address]
        return existed

    def address_holder(self, address: str) -> str | None:
        return self.holders.get(address.strip().lower())

    def take_allowance(self, counter: str, window: str, limit: int, *, expires_at: float) -> bool:
        used = self.allowances.get((counter, window), 0)
        if used >= limit:
            return False
        self.allowances[(counter, window)] = used + 1
        return True


class CapturingMailer:
    """shared.email.ports.Mailer that keeps what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> str:
        self.sent.append(message)
        return f"local-{len(self.sent)}"
