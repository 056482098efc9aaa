"""Sending addresses a user may draft from by email: claimed, then verified, then held by that user alone.

An address becomes usable only when it is verified: either it is the email of the caller's own sign-in,
which Cognito has verified, or the caller enters the one-time code noask mailed to it. Claiming never
locks anyone out: a claim is only the caller's own pending item, and the address is held by whoever
verifies it first (one conditional write on the address's holder item).

Nobody learns from noask whether an address belongs to another account (that could tell that someone
is job hunting): a claim of an address another account holds answers exactly as a free one does, a
pending claim, but the address is mailed a notice that it is in use instead of a code, and the claim
holds the hash of a secret no six-digit code matches, so verifying it fails as a wrong code does. Only
a caller whose verified sign-in email is the address, who owns the mailbox, is told it is held.

Codes are six digits, work once, expire, allow a few wrong tries, and are stored only as an HMAC-SHA256
keyed by a server-side secret (the pepper, never stored beside them) over the claim's own salt,
compared in constant time: a copy of the table alone does not allow trying the million codes offline.
Mails are rate limited per user, per user and address (so one account spending its allowance on an
address does not stop its owner's code), and per address across all users (bounding any inbox).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from functools import cache
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from shared.email.ports import Mailer

# The pepper: a server-side secret, read on first use (the composition root decides from where).
Pepper = Callable[[], bytes]

CODE_DIGITS = 6
CODE_TTL_SECONDS = 15 * 60
MAX_ATTEMPTS_PER_CODE = 5
# Codes (and in-use notices) mailed per clock hour. Per user: nobody can use noask to flood inboxes. Per user and
# address: what one account may spend on one address, so it cannot use up the address's allowance alone. Per
# address, across users: at most this many mails reach any inbox from noask an hour; it leaves the owner five
# codes after one other account spent its three, and spending it all takes three accounts, which only an
# administrator creates.
CODES_PER_USER_PER_HOUR = 5
CODES_PER_USER_AND_ADDRESS_PER_HOUR = 3
CODES_PER_ADDRESS_PER_HOUR = 8
MAX_ADDRESSES_PER_USER = 10
# An address claimed and never verified is forgotten after this long.
PENDING_CLAIM_SECONDS = 7 * 24 * 3600
_HOUR = 3600
_DATA = Path(__file__).resolve().parent / "data"
_CODE_WORDING = "verification_email.toml"
_IN_USE_WORDING = "address_in_use_email.toml"

AddressState = Literal["pending", "verified"]
VerifiedBy = Literal["code", "sign_in"]
ConfirmOutcome = Literal["verified", "taken", "stale"]
ProblemKind = Literal["taken", "rate_limited", "too_many_addresses", "no_claim", "expired", "wrong_code", "too_many_attempts"]


class SenderAddress(BaseModel):
    """One address a user claimed: pending (a code is out) or verified (mail from it is drafted for this user)."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    user_id: str
    address: str
    state: AddressState
    code_hash: str | None = None
    code_salt: str | None = None
    code_expires_at: float | None = None
    attempts: int = 0
    verified_at: float | None = None
    verified_by: VerifiedBy | None = None


class AddressStore(Protocol):
    """What the use case needs of storage; shared/adapters/dynamodb_history implements it next to the history."""

    def list_addresses(self, user_id: str) -> list[SenderAddress]: ...

    def get_address(self, user_id: str, address: str) -> SenderAddress | None: ...

    def put_claim(self, claim: SenderAddress, *, expires_at: float) -> None:
        """Save a pending claim, replacing the user's earlier pending claim of the address (never a verified one)."""
        ...

    def take_attempt(self, user_id: str, address: str, code_hash: str, limit: int) -> bool:
        """Atomically count one try of the claim's code; False when the claim no longer holds this code or its
        `limit` tries are spent. Counted before the comparison, so concurrent guesses cannot exceed the limit."""
        ...

    def confirm_address(
        self, user_id: str, address: str, *, verified_at: float, verified_by: VerifiedBy, code_hash: str | None
    ) -> ConfirmOutcome:
        """Mark the claim verified and make the user the address's holder, in one transaction.

        "taken" when another user holds the address; "stale" when `code_hash` is given and the claim no
        longer holds that code (already used, or replaced by a newer one)."""
        ...

    def release_address(self, user_id: str, address: str) -> bool:
        """Forget the user's claim and, if they hold the address, free it; False when there was no claim."""
        ...

    def address_holder(self, address: str) -> str | None: ...

    def take_allowance(self, counter: str, window: str, limit: int, *, expires_at: float) -> bool:
        """Atomically count one use of `counter` in `window`; False once `limit` is spent."""
        ...


class AddressProblem(Exception):
    """Why a claim or a code was refused, in words for the user; `kind` is stable for callers to map."""

    def __init__(self, kind: ProblemKind, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after


def normalise_address(address: str) -> str:
    """Addresses are held case-insensitively, as mail providers treat them."""
    return address.strip().lower()


def code_digest(*, pepper: bytes, salt: str, user_id: str, address: str, code: str) -> str:
    """The stored form of a code: HMAC-SHA256 keyed by the pepper, over the claim's own salt, the user, the address
    and the code. The salt makes each claim's hash differ; the pepper, kept out of the table, makes a stolen table
    useless for trying the million codes offline."""
    message = f"{salt}\n{user_id}\n{address}\n{code}".encode()
    return hmac.new(pepper, message, hashlib.sha256).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


class SenderAddresses:
    def __init__(
        self,
        store: AddressStore,
        mailer: Mailer,
        *,
        from_address: str,
        pepper: Pepper,
        clock: Callable[[], float] = time.time,
        make_code: Callable[[], str] = new_code,
    ) -> None:
        self._store = store
        self._mailer = mailer
        self._from_address = from_address.strip()
        self._pepper = pepper
        self._clock = clock
        self._make_code = make_code

    def addresses(self, user_id: str) -> list[SenderAddress]:
        return sorted(self._store.list_addresses(user_id), key=lambda claim: claim.address)

    def claim(self, user_id: str, address: str, *, signed_in_as: str | None = None) -> SenderAddress:
        """Start using `address`: verified at once when it is the caller's verified sign-in email, else a code is mailed.

        `signed_in_as` is the caller's email only when the identity provider says it is verified. An address another
        account holds gets the same pending claim, and a notice instead of a code (see the module docstring)."""
        address = normalise_address(address)
        existing = self._store.get_address(user_id, address)
        if existing is not None and existing.state == "verified":
            return existing
        holder = self._store.address_holder(address)
        held_by_another = holder is not None and holder != user_id
        owns_mailbox = signed_in_as is not None and normalise_address(signed_in_as) == address
        if owns_mailbox:
            if held_by_another:
                raise _taken()
            return self._confirm(user_id, address, verified_by="sign_in", code_hash=None)
        if existing is None and len(self._store.list_addresses(user_id)) >= MAX_ADDRESSES_PER_USER:
            raise AddressProblem(
                "too_many_addresses",
                f"You can have at most {MAX_ADDRESSES_PER_USER} sending addresses. Remove one you no longer use first.",
            )
        pepper, now = self._pepper(), self._clock()  # read first: without it no allowance is spent for nothing
        # Narrowest first: a request refused for the caller's own use spends nothing of the address's shared ceiling.
        self._take_code_allowance(f"user#{user_id}", CODES_PER_USER_PER_HOUR, now)
        self._take_code_allowance(f"user-address#{user_id}#{_address_key(address)}", CODES_PER_USER_AND_ADDRESS_PER_HOUR, now)
        self._take_code_allowance(f"address#{address}", CODES_PER_ADDRESS_PER_HOUR, now)
        code, salt = self._make_code(), secrets.token_hex(16)
        # Held by another: the claim stores the hash of a secret no six-digit code can be, and the mail carries no code.
        hashed = secrets.token_hex(16) if held_by_another else code
        claim = SenderAddress(
            user_id=user_id,
            address=address,
            state="pending",
            code_hash=code_digest(pepper=pepper, salt=salt, user_id=user_id, address=address, code=hashed),
            code_salt=salt,
            code_expires_at=now + CODE_TTL_SECONDS,
        )
        self._store.put_claim(claim, expires_at=now + PENDING_CLAIM_SECONDS)
        if held_by_another:
            self._mailer.send(address_in_use_message(to=address, from_address=self._from_address))
        else:
            self._mailer.send(verification_message(to=address, from_address=self._from_address, code=code))
        return claim

    def verify(self, user_id: str, address: str, code: str) -> SenderAddress:
        address = normalise_address(address)
        claim = self._store.get_address(user_id, address)
        if claim is not None and claim.state == "verified":
            return claim
        if claim is None or claim.code_hash is None or claim.code_salt is None or claim.code_expires_at is None:
            raise AddressProblem("no_claim", "You have no code waiting for this address. Add the address to get one.")
        if self._clock() >= claim.code_expires_at:
            raise AddressProblem("expired", "This code has expired. Add the address again to get a new one.")
        if not self._store.take_attempt(user_id, address, claim.code_hash, MAX_ATTEMPTS_PER_CODE):
            raise _too_many_attempts()
        given = code_digest(pepper=self._pepper(), salt=claim.code_salt, user_id=user_id, address=address, code=code.strip())
        if not hmac.compare_digest(given, claim.code_hash):
            left = MAX_ATTEMPTS_PER_CODE - claim.attempts - 1
            if left <= 0:
                raise _too_many_attempts()
            raise AddressProblem("wrong_code", f"That code is not the one we sent. {left} tries left for this code.")
        return self._confirm(user_id, address, verified_by="code", code_hash=claim.code_hash)

    def release(self, user_id: str, address: str) -> bool:
        return self._store.release_address(user_id, normalise_address(address))

    def _confirm(self, user_id: str, address: str, *, verified_by: VerifiedBy, code_hash: str | None) -> SenderAddress:
        now = self._clock()
        outcome = self._store.confirm_address(user_id, address, verified_at=now, verified_by=verified_by, code_hash=code_hash)
        if outcome == "taken":
            raise _taken()
        if outcome == "stale":
            raise AddressProblem("no_claim", "This code was already used or replaced by a newer one.")
        return SenderAddress(user_id=user_id, address=address, state="verified", verified_at=now, verified_by=verified_by)

    def _take_code_allowance(self, counter: str, limit: int, now: float) -> None:
        hour = int(now // _HOUR)
        window = datetime.fromtimestamp(hour * _HOUR, UTC).strftime("%Y-%m-%dT%H")
        if not self._store.take_allowance(f"codes-{counter}", window, limit, expires_at=(hour + 2) * _HOUR):
            raise AddressProblem(
                "rate_limited",
                "Too many codes were sent lately. Wait a while, then add the address again.",
                retry_after=max(1, int((hour + 1) * _HOUR - now)),
            )


def _taken() -> AddressProblem:
    return AddressProblem(
        "taken",
        "Another noask account has verified this address. If it is yours, ask whoever holds it to remove it first.",
    )


def _too_many_attempts() -> AddressProblem:
    return AddressProblem("too_many_attempts", "Too many wrong codes. Add the address again to get a new code.")


def _address_key(address: str) -> str:
    # A counter key names the user and the address; a digest keeps it short whatever the two lengths.
    return hashlib.sha256(address.encode()).hexdigest()


@cache
def _wording(name: str) -> dict[str, str]:
    import tomllib  # only when a mail is sent: the profile routes are imported by every cold start of the API

    with (_DATA / name).open("rb") as handle:
        return {key: str(value) for key, value in tomllib.load(handle).items()}


def verification_message(*, to: str, from_address: str, code: str) -> EmailMessage:
    return _message(_CODE_WORDING, to=to, from_address=from_address, code=code)


def address_in_use_message(*, to: str, from_address: str) -> EmailMessage:
    """What an address another account holds receives when someone claims it: no code, only how to move it."""
    return _message(_IN_USE_WORDING, to=to, from_address=from_address)


def _message(wording_name: str, *, to: str, from_address: str, code: str = "") -> EmailMessage:
    wording = _wording(wording_name)
    fields = {"code": code, "address": to, "minutes": CODE_TTL_SECONDS // 60}
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = to
    message["Subject"] = wording["subject"].format(**fields)
    # A machine's message: auto-responders must not answer it (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(wording["body"].strip().format(**fields) + "\n")
    return message
