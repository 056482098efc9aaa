"""Shapes of the HTTP API that are not core models: errors, stored drafts as served, checks, profiles.

Annotations are evaluated, not postponed, for the reason shared/models.py gives: pydantic reads them all when a model
class is defined (here on the API's first request).
"""

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from shared.history import DraftRecord, Source
from shared.models import (
    MAX_BIO_CHARS,
    MAX_NAME_CHARS,
    MAX_OFFER_CHARS,
    MAX_PITCH_CHARS,
    MAX_SENDER_INTERESTS_CHARS,
    Channel,
    CheckOutcome,
    DraftRequest,
    DraftResult,
    Violation,
)
from shared.text import normalise

# Longest message /checks accepts: well above any channel's limit, far below the body bound.
MAX_CHECK_TEXT_CHARS = 10_000
MAX_EMAIL_CHARS = 254  # RFC 5321's limit on a forward path.

# Deliberately loose: one @, a dot in the domain, no spaces. Deliverability is SES's business.
_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _normalised(value: object) -> object:
    # Same treatment as DraftRequest: invisible characters could hide an ask from the checks.
    return normalise(value) if isinstance(value, str) else value


Normalised = BeforeValidator(_normalised)
# A message the user will send as checked: its hidden characters stay for the check to report.
NormalisedKeepingHidden = BeforeValidator(lambda value: normalise(value, keep_hidden=True) if isinstance(value, str) else value)


class ErrorBody(BaseModel):
    model_config = ConfigDict(defer_build=True)

    code: str = Field(description="Stable machine-readable error code, e.g. validation_error, not_found, quota_exceeded.")
    message: str = Field(description="What went wrong and how to fix it, in plain words.")
    field: str | None = Field(default=None, description="The request field the error is about, e.g. target_bio.")
    correlation_id: str | None = Field(default=None, description="Quote it when reporting a server error.")


class ErrorEnvelope(BaseModel):
    model_config = ConfigDict(defer_build=True)

    error: ErrorBody


class DraftView(DraftResult):
    """A stored draft as the API serves it: the draft result plus its id, time, origin and what was asked."""

    id: str
    created_at: str
    source: Source
    request: DraftRequest

    @classmethod
    def of(cls, record: DraftRecord) -> "DraftView":
        return cls(
            id=record.id,
            created_at=record.created_at,
            source=record.source,
            request=record.request,
            **record.result.model_dump(),
        )


class DraftPage(BaseModel):
    model_config = ConfigDict(defer_build=True)

    items: list[DraftView]
    cursor: str | None = Field(description="Opaque: pass it back as ?cursor= for the next page; null on the last page.")


class CheckRequest(BaseModel):
    """A message the user wrote themselves, with the context that lets more rules apply."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    text: Annotated[str, NormalisedKeepingHidden, StringConstraints(min_length=1, max_length=MAX_CHECK_TEXT_CHARS)]
    bio: Annotated[str, Normalised, StringConstraints(max_length=MAX_BIO_CHARS)] | None = Field(
        default=None, description="The target's bio: enables the grounding and link checks."
    )
    pitch: Annotated[str, Normalised, StringConstraints(max_length=MAX_PITCH_CHARS)] | None = Field(
        default=None, description="Your pitch: enables the pitch-present and link checks."
    )
    channel: Channel | None = Field(default=None, description="Enables the length check.")
    target_name: Annotated[str, Normalised, StringConstraints(max_length=MAX_NAME_CHARS)] | None = Field(
        default=None, description="The recipient's name: greeting them by it is then no invented fact."
    )
    sender_name: Annotated[str, Normalised, StringConstraints(max_length=MAX_NAME_CHARS)] | None = Field(
        default=None, description="Your name: signing with it is then no invented fact."
    )
    sender_interests: Annotated[str, Normalised, StringConstraints(max_length=MAX_SENDER_INTERESTS_CHARS)] | None = Field(
        default=None, description="Your own interests: what the message may say you share with them."
    )
    offer: Annotated[str, Normalised, StringConstraints(max_length=MAX_OFFER_CHARS)] | None = Field(
        default=None, description="What you offer them, which the message may mention."
    )

    @property
    def known_names(self) -> tuple[str, ...]:
        return tuple(name for name in (self.target_name, self.sender_name) if name)


class CheckReport(BaseModel):
    model_config = ConfigDict(defer_build=True)

    passed: bool = Field(description="True when no rule was broken.")
    ask: bool = Field(description="True when the message asks the recipient for something.")
    violations: list[Violation]
    checks: list[CheckOutcome] = Field(description="One plain-English outcome per rule that was checked.")


def _email_address(value: str) -> str:
    if not _EMAIL_SHAPE.fullmatch(value):
        raise ValueError("must be an email address such as ada@example.com")
    return value.lower()


EmailAddress = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=MAX_EMAIL_CHARS), AfterValidator(_email_address)
]


class ProfileRequest(BaseModel):
    """Your defaults for drafts from forwarded email; `email`, when given, is claimed as POST /profile/addresses does."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    pitch: Annotated[str, Normalised, StringConstraints(strip_whitespace=True, max_length=MAX_PITCH_CHARS)] = Field(
        default="", description="The pitch used when a forwarded email's note has no pitch: line."
    )
    sender_name: Annotated[str, Normalised, StringConstraints(max_length=MAX_NAME_CHARS)] | None = None
    sender_interests: (
        Annotated[str, Normalised, StringConstraints(strip_whitespace=True, max_length=MAX_SENDER_INTERESTS_CHARS)] | None
    ) = Field(default=None, description="Your interests, used when the note has no interests: line.")
    offer: Annotated[str, Normalised, StringConstraints(strip_whitespace=True, max_length=MAX_OFFER_CHARS)] | None = Field(
        default=None, description="Something you can give that needs nothing back, used when the note has no offer: line."
    )
    email: EmailAddress | None = Field(
        default=None, description="An address to send from. It is usable only once verified: see POST /profile/addresses."
    )


class AddressRequest(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")

    email: EmailAddress


class VerifyRequest(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")

    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6}$")] = Field(
        description="The six-digit code noask mailed to the address."
    )


class AddressView(BaseModel):
    model_config = ConfigDict(defer_build=True)

    email: str
    state: Literal["pending", "verified"] = Field(
        description="verified: mail from it is drafted for you. pending: enter the code we mailed to it."
    )
    verified_by: Literal["code", "sign_in"] | None = None
    code_expires_at: str | None = Field(default=None, description="When the code mailed to a pending address stops working.")


class ProfileView(BaseModel):
    model_config = ConfigDict(defer_build=True)

    pitch: str
    sender_name: str | None = None
    sender_interests: str | None = None
    offer: str | None = None
    addresses: list[AddressView] = Field(description="Your sending addresses; only verified ones are drafted from.")
