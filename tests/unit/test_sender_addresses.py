"""Claiming and verifying sending addresses, on the in-memory store: codes, expiry, single use, limits, holders."""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest

from shared.usecases.sender_addresses import (
    CODE_TTL_SECONDS,
    CODES_PER_ADDRESS_PER_HOUR,
    CODES_PER_USER_PER_HOUR,
    MAX_ADDRESSES_PER_USER,
    MAX_ATTEMPTS_PER_CODE,
    AddressProblem,
    SenderAddresses,
)
from tests.support.emails import DRAFTING_ADDRESS, CapturingMailer, MemoryHistory

ADDRESS = "ada@example.org"


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
    return SenderAddresses(store, mailer, from_address=DRAFTING_ADDRESS, clock=clock)


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
    fixed = SenderAddresses(store, CapturingMailer(), from_address=DRAFTING_ADDRESS, make_code=lambda: "123456")
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


def test_codes_are_rate_limited_per_address(addresses: SenderAddresses, mailer: CapturingMailer, clock: Clock) -> None:
    for user in range(CODES_PER_ADDRESS_PER_HOUR):
        addresses.claim(f"u{user}", ADDRESS)
    with pytest.raises(AddressProblem) as limited:
        addresses.claim("another", ADDRESS)
    assert limited.value.kind == "rate_limited"
    assert limited.value.retry_after
    assert 0 < limited.value.retry_after <= 3600
    assert len(mailer.sent) == CODES_PER_ADDRESS_PER_HOUR
    clock.now += 3600
    addresses.claim("another", ADDRESS)
    assert len(mailer.sent) == CODES_PER_ADDRESS_PER_HOUR + 1


def test_codes_are_rate_limited_per_user(addresses: SenderAddresses, mailer: CapturingMailer) -> None:
    for n in range(CODES_PER_USER_PER_HOUR):
        addresses.claim("u1", f"person{n}@example.org")
    with pytest.raises(AddressProblem) as limited:
        addresses.claim("u1", "one.more@example.org")
    assert limited.value.kind == "rate_limited"
    assert len(mailer.sent) == CODES_PER_USER_PER_HOUR


def test_a_user_has_a_bounded_number_of_addresses(store: MemoryHistory, clock: Clock) -> None:
    addresses = SenderAddresses(store, CapturingMailer(), from_address=DRAFTING_ADDRESS, clock=clock)
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
