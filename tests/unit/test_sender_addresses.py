"""Claiming and verifying sending addresses, on the in-memory store: codes, expiry, single use, limits, holders,
answers that never tell whether another account uses an address, and hashes that need the server's pepper."""

from __future__ import annotations

import hmac
import re
from email.message import EmailMessage
from typing import Any

import pytest

from shared.usecases.sender_addresses import (
    CODE_DIGITS,
    CODE_TTL_SECONDS,
    CODES_PER_ADDRESS_PER_HOUR,
    CODES_PER_USER_AND_ADDRESS_PER_HOUR,
    CODES_PER_USER_PER_HOUR,
    MAX_ADDRESSES_PER_USER,
    MAX_ATTEMPTS_PER_CODE,
    AddressProblem,
    SenderAddress,
    SenderAddresses,
    code_digest,
)
from tests.support.emails import DRAFTING_ADDRESS, CapturingMailer, MemoryHistory

ADDRESS = "ada@example.org"
PEPPER = b"the server's pepper"


def pepper() -> bytes:
    return PEPPER


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store() -> MemoryHistory:
    return MemoryHistory()


@pytest.fixture
def mailer() -> CapturingMailer:
    return CapturingMailer()


@pytest.fixture
def addresses(store: MemoryHistory, mailer: CapturingMailer, clock: Clock) -> SenderAddresses:
    return SenderAddresses(store, mailer, from_address=DRAFTING_ADDRESS, pepper=pepper, clock=clock)


def code_in(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    found = re.search(r"^\s+([0-9]{6})$", body.get_content(), re.MULTILINE)
    assert found is not None
    return found.group(1)


def test_a_claim_mails_a_code_to_the_address_and_stores_only_its_salted_hash(
    addresses: SenderAddresses, store: MemoryHistory, mailer: CapturingMailer
) -> None:
    claim = addresses.claim("u1", "  Ada@Example.ORG ")
    [message] = mailer.sent
    code = code_in(message)
    assert (str(message["To"]), str(message["From"])) == (ADDRESS, DRAFTING_ADDRESS)
    assert str(message["Auto-Submitted"]) == "auto-generated"
    assert claim.address == ADDRESS
    assert claim.state == "pending"
    stored = store.get_address("u1", ADDRESS)
    assert stored is not None
    assert code not in stored.model_dump_json()
    assert stored.code_hash
    assert len(stored.code_hash) == 64
    assert addresses.verify("u1", ADDRESS, code).state == "verified"
    assert store.address_holder(ADDRESS) == "u1"


def test_the_same_code_hashes_differently_per_claim(addresses: SenderAddresses, store: MemoryHistory) -> None:
    fixed = SenderAddresses(store, CapturingMailer(), from_address=DRAFTING_ADDRESS, pepper=pepper, make_code=lambda: "123456")
    first = fixed.claim("u1", ADDRESS)
    second = fixed.claim("u2", ADDRESS)
    assert first.code_hash != second.code_hash


def test_a_code_works_once(addresses: SenderAddresses, store: MemoryHistory, mailer: CapturingMailer) -> None:
    addresses.claim("u1", ADDRESS)
    code = code_in(mailer.sent[-1])
    addresses.verify("u1", ADDRESS, code)
    addresses.release("u1", ADDRESS)
    with pytest.raises(AddressProblem) as again:
        addresses.verify("u1", ADDRESS, code)
    assert again.value.kind == "no_claim"
    assert store.address_holder(ADDRESS) is None


def test_a_newer_code_replaces_the_older_one(addresses: SenderAddresses, mailer: CapturingMailer) -> None:
    addresses.claim("u1", ADDRESS)
    old = code_in(mailer.sent[-1])
    addresses.claim("u1", ADDRESS)
    new = code_in(mailer.sent[-1])
    if old != new:
        with pytest.raises(AddressProblem) as stale:
            addresses.verify("u1", ADDRESS, old)
        assert stale.value.kind == "wrong_code"
    assert addresses.verify("u1", ADDRESS, new).state == "verified"


def test_a_code_expires(addresses: SenderAddresses, mailer: CapturingMailer, clock: Clock) -> None:
    addresses.claim("u1", ADDRESS)
    clock.now += CODE_TTL_SECONDS
    with pytest.raises(AddressProblem) as expired:
        addresses.verify("u1", ADDRESS, code_in(mailer.sent[-1]))
    assert expired.value.kind == "expired"


def test_wrong_codes_run_out_and_then_even_the_right_one_is_refused(
    addresses: SenderAddresses, mailer: CapturingMailer, store: MemoryHistory
) -> None:
    addresses.claim("u1", ADDRESS)
    code = code_in(mailer.sent[-1])
    wrong = "000000" if code != "000000" else "111111"
    kinds = []
    for _ in range(MAX_ATTEMPTS_PER_CODE):
        with pytest.raises(AddressProblem) as refused:
            addresses.verify("u1", ADDRESS, wrong)
        kinds.append(refused.value.kind)
    assert kinds == ["wrong_code"] * (MAX_ATTEMPTS_PER_CODE - 1) + ["too_many_attempts"]
    with pytest.raises(AddressProblem) as locked:
        addresses.verify("u1", ADDRESS, code)
    assert locked.value.kind == "too_many_attempts"
    assert store.address_holder(ADDRESS) is None


def test_one_account_spending_its_codes_for_an_address_does_not_stop_another_accounts_code(
    addresses: SenderAddresses, mailer: CapturingMailer
) -> None:
    """Before, three codes an hour per address counted every user together: an attacker's three claims an hour kept
    the mailbox's owner from ever getting a code."""
    for _ in range(CODES_PER_USER_AND_ADDRESS_PER_HOUR):
        addresses.claim("attacker", ADDRESS)
    with pytest.raises(AddressProblem) as limited:
        addresses.claim("attacker", ADDRESS)
    assert limited.value.kind == "rate_limited"
    # The attacker may still mail codes to other addresses (the per-user limit is separate).
    addresses.claim("attacker", "another@example.org")

    addresses.claim("owner", ADDRESS)
    assert addresses.verify("owner", ADDRESS, code_in(mailer.sent[-1])).state == "verified"


def test_the_per_address_ceiling_bounds_every_mail_an_inbox_gets_an_hour(
    addresses: SenderAddresses, mailer: CapturingMailer, clock: Clock
) -> None:
    # Each user spends their whole allowance for the address, until the address's ceiling is reached.
    for n in range(CODES_PER_ADDRESS_PER_HOUR):
        addresses.claim(f"u{n // CODES_PER_USER_AND_ADDRESS_PER_HOUR}", ADDRESS)
    with pytest.raises(AddressProblem) as limited:
        addresses.claim("newcomer", ADDRESS)
    assert limited.value.kind == "rate_limited"
    assert limited.value.retry_after
    assert 0 < limited.value.retry_after <= 3600
    assert len(mailer.sent) == CODES_PER_ADDRESS_PER_HOUR
    clock.now += 3600
    addresses.claim("newcomer", ADDRESS)
    assert len(mailer.sent) == CODES_PER_ADDRESS_PER_HOUR + 1


def test_a_request_refused_by_the_callers_own_limit_spends_nothing_of_the_addresss_ceiling(
    addresses: SenderAddresses, mailer: CapturingMailer
) -> None:
    for _ in range(CODES_PER_USER_AND_ADDRESS_PER_HOUR):
        addresses.claim("attacker", ADDRESS)
    for _ in range(20):
        with pytest.raises(AddressProblem, match="Too many codes"):
            addresses.claim("attacker", ADDRESS)
    others = CODES_PER_ADDRESS_PER_HOUR - CODES_PER_USER_AND_ADDRESS_PER_HOUR
    for user in range(others):
        addresses.claim(f"u{user}", ADDRESS)
    assert len(mailer.sent) == CODES_PER_ADDRESS_PER_HOUR


def test_codes_are_rate_limited_per_user(addresses: SenderAddresses, mailer: CapturingMailer) -> None:
    for n in range(CODES_PER_USER_PER_HOUR):
        addresses.claim("u1", f"person{n}@example.org")
    with pytest.raises(AddressProblem) as limited:
        addresses.claim("u1", "one.more@example.org")
    assert limited.value.kind == "rate_limited"
    assert len(mailer.sent) == CODES_PER_USER_PER_HOUR


def test_a_user_has_a_bounded_number_of_addresses(store: MemoryHistory, clock: Clock) -> None:
    addresses = SenderAddresses(store, CapturingMailer(), from_address=DRAFTING_ADDRESS, pepper=pepper, clock=clock)
    for n in range(MAX_ADDRESSES_PER_USER):
        clock.now += 3600
        addresses.claim("u1", f"person{n}@example.org")
    clock.now += 3600
    with pytest.raises(AddressProblem) as refused:
        addresses.claim("u1", "eleventh@example.org")
    assert refused.value.kind == "too_many_addresses"


def test_the_verified_sign_in_email_is_verified_at_once_without_a_code(
    addresses: SenderAddresses, mailer: CapturingMailer, store: MemoryHistory
) -> None:
    claim = addresses.claim("u1", ADDRESS, signed_in_as="ADA@example.org")
    assert (claim.state, claim.verified_by) == ("verified", "sign_in")
    assert mailer.sent == []
    assert store.address_holder(ADDRESS) == "u1"
    # Another sign-in's email does not verify this one.
    other = addresses.claim("u1", "bob@example.org", signed_in_as=ADDRESS)
    assert other.state == "pending"


def test_an_address_someone_verified_cannot_be_claimed_or_verified_by_another(
    addresses: SenderAddresses, mailer: CapturingMailer
) -> None:
    addresses.claim("squatter", ADDRESS)
    squatters_code = code_in(mailer.sent[-1])
    addresses.claim("owner", ADDRESS, signed_in_as=ADDRESS)
    with pytest.raises(AddressProblem) as taken:
        addresses.verify("squatter", ADDRESS, squatters_code)
    assert taken.value.kind == "taken"
    with pytest.raises(AddressProblem) as claimed:
        addresses.claim("squatter", ADDRESS, signed_in_as=ADDRESS)
    assert claimed.value.kind == "taken"
    # Released by its holder, it is free again.
    assert addresses.release("owner", ADDRESS) is True
    assert addresses.claim("newcomer", ADDRESS, signed_in_as=ADDRESS).state == "verified"


# ---- an address another account holds: the same answer as a free one, a notice instead of a code ----


class RecordingStore(MemoryHistory):
    """The in-memory store, noting which of its methods each claim calls: the work a held and a free address cost."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def __getattribute__(self, name: str) -> Any:
        attribute = super().__getattribute__(name)
        if callable(attribute) and not name.startswith("_"):
            super().__getattribute__("calls").append(name)
        return attribute


def held_by_owner(addresses: SenderAddresses, address: str) -> None:
    addresses.claim("owner", address, signed_in_as=address)


def shape(claim: SenderAddress) -> dict[str, object]:
    """What a claim looks like from outside: its state and which fields are set, not their secret values."""
    return {name: value if name in ("state", "attempts") else value is not None for name, value in claim.model_dump().items()}


def test_claiming_an_address_another_account_holds_answers_as_a_free_address_does(clock: Clock) -> None:
    store, mailer = RecordingStore(), CapturingMailer()
    addresses = SenderAddresses(store, mailer, from_address=DRAFTING_ADDRESS, pepper=pepper, clock=clock)
    held, free = "held@example.org", "free@example.org"
    held_by_owner(addresses, held)
    store.calls.clear()

    held_claim = addresses.claim("curious", held)
    held_calls, store.calls[:] = list(store.calls), []
    free_claim = addresses.claim("curious", free)
    free_calls = list(store.calls)

    assert shape(held_claim) == shape(free_claim)
    assert held_claim.state == "pending"
    assert held_claim.code_expires_at == free_claim.code_expires_at
    assert [(claim.address, claim.state) for claim in addresses.addresses("curious")] == [(free, "pending"), (held, "pending")]
    # The same reads and writes, in the same order, and one mail each.
    assert held_calls == free_calls
    assert "put_claim" in held_calls
    assert [str(message["To"]) for message in mailer.sent] == [held, free]
    assert store.address_holder(held) == "owner"


def test_the_held_address_is_mailed_a_notice_with_no_code(addresses: SenderAddresses, mailer: CapturingMailer) -> None:
    held_by_owner(addresses, ADDRESS)
    addresses.claim("curious", "  ADA@example.org")
    [notice] = mailer.sent
    body = notice.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    text = f"{notice['Subject']}\n{body.get_content()}"
    assert (str(notice["To"]), str(notice["From"]), str(notice["Auto-Submitted"])) == (
        ADDRESS,
        DRAFTING_ADDRESS,
        "auto-generated",
    )
    assert re.search(rf"[0-9]{{{CODE_DIGITS}}}", text) is None
    assert ADDRESS in text
    assert "already in use by another noask account" in text
    assert "remove it" in text
    assert "{" not in text


def test_no_code_verifies_a_claim_of_a_held_address_and_it_fails_as_a_wrong_code_does(
    store: MemoryHistory, mailer: CapturingMailer, clock: Clock
) -> None:
    # Even the code the generator would have mailed does not verify it.
    addresses = SenderAddresses(
        store, mailer, from_address=DRAFTING_ADDRESS, pepper=pepper, clock=clock, make_code=lambda: "123456"
    )
    held_by_owner(addresses, ADDRESS)
    addresses.claim("curious", ADDRESS)
    addresses.claim("honest", "free@example.org")
    refusals = {}
    for user, address in (("curious", ADDRESS), ("honest", "free@example.org")):
        answers = []
        for _ in range(MAX_ATTEMPTS_PER_CODE + 1):
            with pytest.raises(AddressProblem) as refused:
                addresses.verify(user, address, "654321")
            answers.append((refused.value.kind, refused.value.message))
        refusals[user] = answers
    assert refusals["curious"] == refusals["honest"]
    assert store.address_holder(ADDRESS) == "owner"

    addresses.claim("curious", ADDRESS)
    with pytest.raises(AddressProblem) as refused:
        addresses.verify("curious", ADDRESS, "123456")
    assert refused.value.kind == "wrong_code"
    claim = store.get_address("curious", ADDRESS)
    assert claim is not None
    assert claim.code_hash
    assert claim.code_salt
    # Not one of the million codes hashes to what the claim holds (code_digest's message, built once; about 2 s).
    head, held_hash = f"{claim.code_salt}\ncurious\n{ADDRESS}\n".encode(), bytes.fromhex(claim.code_hash)
    assert hmac.digest(PEPPER, head + b"123456", "sha256").hex() == code_digest(
        pepper=PEPPER, salt=claim.code_salt, user_id="curious", address=ADDRESS, code="123456"
    )
    codes = (b"%0*d" % (CODE_DIGITS, number) for number in range(10**CODE_DIGITS))
    assert [code for code in codes if hmac.digest(PEPPER, head + code, "sha256") == held_hash] == []
    assert store.address_holder(ADDRESS) == "owner"


def test_a_notice_counts_against_the_limits_as_a_code_does(addresses: SenderAddresses, mailer: CapturingMailer) -> None:
    held_by_owner(addresses, ADDRESS)
    for _ in range(CODES_PER_USER_AND_ADDRESS_PER_HOUR):
        addresses.claim("curious", ADDRESS)
    with pytest.raises(AddressProblem) as limited:
        addresses.claim("curious", ADDRESS)
    assert limited.value.kind == "rate_limited"
    assert len(mailer.sent) == CODES_PER_USER_AND_ADDRESS_PER_HOUR


def test_whoever_proved_the_mailbox_by_signing_in_is_told_the_address_is_held(addresses: SenderAddresses) -> None:
    held_by_owner(addresses, ADDRESS)
    with pytest.raises(AddressProblem) as taken:
        addresses.claim("second-account", ADDRESS, signed_in_as=ADDRESS)
    assert taken.value.kind == "taken"


# ---- the pepper ----


def test_the_stored_hash_cannot_be_checked_without_the_pepper(
    addresses: SenderAddresses, store: MemoryHistory, mailer: CapturingMailer
) -> None:
    addresses.claim("u1", ADDRESS)
    code = code_in(mailer.sent[-1])
    claim = store.get_address("u1", ADDRESS)
    assert claim is not None
    assert claim.code_salt is not None
    digest = {"salt": claim.code_salt, "user_id": "u1", "address": ADDRESS, "code": code}
    assert code_digest(pepper=PEPPER, **digest) == claim.code_hash
    assert code_digest(pepper=b"", **digest) != claim.code_hash
    # The same store read by a function with another pepper cannot verify the code.
    elsewhere = SenderAddresses(store, mailer, from_address=DRAFTING_ADDRESS, pepper=lambda: b"another pepper")
    with pytest.raises(AddressProblem) as refused:
        elsewhere.verify("u1", ADDRESS, code)
    assert refused.value.kind == "wrong_code"


def test_the_pepper_is_read_only_when_a_code_is_made_or_checked(store: MemoryHistory) -> None:
    reads: list[int] = []

    def counted() -> bytes:
        reads.append(1)
        return PEPPER

    addresses = SenderAddresses(store, CapturingMailer(), from_address=DRAFTING_ADDRESS, pepper=counted)
    addresses.addresses("u1")
    addresses.claim("u1", ADDRESS, signed_in_as=ADDRESS)
    assert reads == []
    addresses.claim("u1", "other@example.org")
    assert reads == [1]
