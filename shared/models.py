"""Request, result and violation models shared by every entry point.

Annotations here are evaluated, not postponed (no `from __future__ import annotations`): pydantic reads every field's
type when a model class is defined, and a postponed one is a string it must compile and evaluate first, on every cold
start that imports these models.
"""

from enum import StrEnum
from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

MAX_BIO_CHARS = 8_000
MAX_PITCH_CHARS = 1_500
MAX_NAME_CHARS = 120
MAX_SENDER_INTERESTS_CHARS = 500
MAX_OFFER_CHARS = 300


class Channel(StrEnum):
    LINKEDIN_NOTE = "linkedin_note"
    LINKEDIN_NOTE_PREMIUM = "linkedin_note_premium"
    LINKEDIN_MESSAGE = "linkedin_message"
    EMAIL = "email"


class ChannelSpec(NamedTuple):
    """Limits of one channel: hard character cap and the word range we aim for (a named tuple: cheaper to define than a
    frozen dataclass, and as immutable)."""

    label: str
    max_chars: int | None
    min_words: int | None
    max_words: int | None
    has_subject: bool


CHANNEL_SPECS: dict[Channel, ChannelSpec] = {
    # LinkedIn connection notes: 200 characters on free accounts, 300 on Premium.
    Channel.LINKEDIN_NOTE: ChannelSpec("LinkedIn connection note", 200, None, None, False),
    Channel.LINKEDIN_NOTE_PREMIUM: ChannelSpec("LinkedIn Premium connection note", 300, None, None, False),
    # 25-90 words: the range that gets the most replies for longer messages.
    Channel.LINKEDIN_MESSAGE: ChannelSpec("LinkedIn message", 1_900, 25, 90, False),
    Channel.EMAIL: ChannelSpec("Email", 1_900, 25, 90, True),
}

RequiredText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class DraftRequest(BaseModel):
    """What a user asks for. Bio and pitch are untrusted text: data, never instructions."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    target_bio: RequiredText = Field(
        max_length=MAX_BIO_CHARS, description="The target person's bio, e.g. a LinkedIn About section."
    )
    pitch: RequiredText = Field(max_length=MAX_PITCH_CHARS, description="Your own elevator pitch, a sentence or two.")
    channel: Channel = Field(default=Channel.LINKEDIN_MESSAGE, description="Where the message will be sent.")
    target_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NAME_CHARS)] | None = None
    sender_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NAME_CHARS)] | None = None
    sender_interests: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_SENDER_INTERESTS_CHARS)] | None = (
        Field(default=None, description='Your own interests, free text, e.g. "trail running, watercolour, jazz piano".')
    )
    offer: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_OFFER_CHARS)] | None = Field(
        default=None,
        description='Something you can give that needs nothing back, e.g. "my checklist for remote usability sessions".',
    )

    @field_validator("target_bio", "pitch", "target_name", "sender_name", "sender_interests", "offer", mode="before")
    @classmethod
    def _normalise(cls, value: object) -> object:
        # Imported here: validating a request normalises its text; importing the models (every cold start) does not.
        from shared.text import normalise

        # Invisible characters are stripped before limits apply, so they cannot hide text.
        return normalise(value) if isinstance(value, str) else value

    @field_validator("target_name", "sender_name", "sender_interests", "offer")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @property
    def spec(self) -> ChannelSpec:
        return CHANNEL_SPECS[self.channel]


class Rule(StrEnum):
    ASK = "ask"
    UNGROUNDED_INTEREST = "ungrounded_interest"
    INVENTED_FACT = "invented_fact"
    MISSING_PITCH = "missing_pitch"
    LENGTH = "length"
    PLACEHOLDER = "placeholder"
    FOREIGN_LINK = "foreign_link"
    INJECTED_TEXT = "injected_text"
    # A claim of sharing an interest ("fellow runner", "I swim too") that the sender's interests and pitch do not support.
    UNSUPPORTED_CLAIM = "unsupported_claim"
    # Invisible, format, bidi-control or tag characters: text a reader cannot see but a model or filter can.
    HIDDEN_CHARACTER = "hidden_character"
    # A draft in a language whose asks the gate cannot read.
    UNCOVERED_LANGUAGE = "uncovered_language"
    # Checked by the drafting service, which alone knows the system prompt it rendered.
    PROMPT_LEAK = "prompt_leak"
    # Not a guardrail: a model answer that is not the expected JSON, explained to the model for repair.
    MALFORMED_OUTPUT = "malformed_output"


RULE_DESCRIPTIONS: dict[Rule, str] = {
    Rule.ASK: "Asks for nothing: no meeting, call, advice, referral, job, introduction or pressure to reply.",
    Rule.UNGROUNDED_INTEREST: "The shared interest rests on a quote that really is in the bio.",
    Rule.INVENTED_FACT: "Mentions no hobby, employer, school or fact that the bio and your pitch do not contain.",
    Rule.MISSING_PITCH: "Gives your pitch.",
    Rule.LENGTH: "Fits the channel's length.",
    Rule.PLACEHOLDER: "Has no unfilled placeholders such as [Name] or {{company}}.",
    Rule.FOREIGN_LINK: "Adds no link, address, phone number or account that you did not give.",
    Rule.INJECTED_TEXT: "Repeats no instruction or text planted in the bio or pitch for the model.",
    Rule.UNSUPPORTED_CLAIM: "Claims to share an interest only when your own interests or pitch say you do.",
    Rule.HIDDEN_CHARACTER: "Contains no invisible, formatting or direction-control characters.",
    Rule.UNCOVERED_LANGUAGE: "Is written in a language whose asks the checks can read.",
    Rule.PROMPT_LEAK: "Reveals nothing of noask's own instructions to the model.",
    Rule.MALFORMED_OUTPUT: "The model answered with one JSON object in the expected shape.",
}


class Violation(BaseModel):
    """One explained guardrail failure: which rule, why, and the text that broke it."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    rule: Rule
    message: str
    span: str = ""
    start: int | None = None
    end: int | None = None


class CheckOutcome(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True)

    rule: Rule
    passed: bool
    explanation: str


class SharedInterest(BaseModel):
    """The overlap the message opens with, and the bio quote it rests on (or an honest 'none found')."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    topic: str | None
    bio_evidence: str | None = Field(description="A quote that literally occurs in the bio, or null when none was found.")
    found: bool
    shared_with_sender: bool = Field(
        default=False, description="True when the sender's own interests include it, so the message may say it is shared."
    )

    @classmethod
    def none_found(cls) -> "SharedInterest":
        return cls(topic=None, bio_evidence=None, found=False)


Provider = Literal["openai", "offline"]


class ModelAttempt(BaseModel):
    """What became of one model call: its draft accepted as written or after repair, rejected, or the call failed.

    `detail` says why in plain words and never quotes text of a draft that was thrown away."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    outcome: Literal["accepted", "repaired", "rejected", "failed"]
    detail: str


class DraftResult(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True)

    body: str
    subject: str | None = None
    channel: Channel
    shared_interest: SharedInterest
    provider: Provider
    model: str
    prompt_version: str
    attempts: int = Field(description="LLM calls made (0 for a purely offline draft); a repair is a second call.")
    http_requests: int = Field(default=0, description="HTTP requests those calls took (retries and mode negotiation).")
    output_mode: str | None = Field(
        default=None, description="How the model was asked for JSON: json_schema, json_object_with_schema, json_object, prompt."
    )
    model_attempts: list[ModelAttempt] = Field(default_factory=list, description="Each model call's outcome, in order.")
    checks: list[CheckOutcome]
    repaired_violations: list[Violation] = Field(
        default_factory=list,
        description="Rules that model drafts thrown away along the way broke (without their text).",
    )
    fallback_reason: str | None = Field(
        default=None, description="Why the offline composer wrote this draft, when the LLM was configured."
    )
