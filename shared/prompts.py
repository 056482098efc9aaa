"""Prompt templates: rendered in a Jinja2 sandbox, with the bio, pitch and the sender's own words fenced off as untrusted data."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from jinja2 import DictLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from shared.models import DraftRequest, Violation
from shared.ports import ChatMessage
from shared.text import normalise

TEMPLATE_NAMES = ("system.j2", "user.j2", "repair.j2")
# The user message's fields that carry untrusted data (everything else in it is our own wording).
_DATA_FIELDS = frozenset({"bio", "pitch", "target_name", "sender_name", "sender_interests", "offer", "shared_topic"})
_DATA_MARKER = "\x00"  # never in data: normalise() drops control characters

# The tags user.j2 wraps untrusted text in. Data that opens or closes one of them could
# pretend its own text is outside the fence, so that "<" becomes a look-alike.
_DELIMITER_TAG = re.compile(
    r"<(?=\s*/?\s*(?:bio|pitch|target_name|sender_name|sender_interests|offer|shared_topic)\b)", re.IGNORECASE
)


def as_untrusted_data(text: str) -> str:
    """The text as it may appear inside a delimiter tag: normalised, with no delimiter tag of its own."""
    return _DELIMITER_TAG.sub("‹", normalise(text))


class PromptLibrary:
    """The system, user and repair prompts from one directory, and the version that identifies them."""

    def __init__(self, directory: Path) -> None:
        sources = {name: (directory / name).read_text(encoding="utf-8") for name in TEMPLATE_NAMES}
        release = (directory / "VERSION").read_text(encoding="utf-8").strip()
        digest = hashlib.sha256()
        for name in TEMPLATE_NAMES:
            digest.update(f"{name}\0{sources[name]}\0".encode())
        # Any edit to a template changes the version stored with each draft, even without a release bump.
        self.version = f"{release}+{digest.hexdigest()[:10]}"
        self._env = SandboxedEnvironment(
            loader=DictLoader(sources),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
        )

    def system(self, request: DraftRequest) -> str:
        return self._env.get_template("system.j2").render(channel=request.spec)

    def user(self, request: DraftRequest, *, shared_topic: str | None = None) -> str:
        """`shared_topic` names the bio's interest the sender also has (the overlap found), if any."""
        return self._env.get_template("user.j2").render(**self._user_fields(request, shared_topic))

    def user_fixed_wording(self, request: DraftRequest, *, shared_topic: str | None = None) -> str:
        """The user message with every piece of data left out: the instructions it carries, which no draft may repeat."""
        # Each piece of data given becomes a marker, so the template takes the same branches, then the markers go.
        fields = self._user_fields(request, shared_topic)
        marked = {name: _DATA_MARKER if name in _DATA_FIELDS and value else value for name, value in fields.items()}
        return self._env.get_template("user.j2").render(**marked).replace(_DATA_MARKER, "")

    def _user_fields(self, request: DraftRequest, shared_topic: str | None) -> dict[str, object]:
        # A blank field keeps the branch that says it is missing; the rest is fenced untrusted text.
        return {
            "channel": request.spec,
            "bio": as_untrusted_data(request.target_bio),
            "pitch": as_untrusted_data(request.pitch),
            "target_name": as_untrusted_data(request.target_name or ""),
            "sender_name": as_untrusted_data(request.sender_name or ""),
            "sender_interests": as_untrusted_data(request.sender_interests or ""),
            "offer": as_untrusted_data(request.offer or ""),
            "shared_topic": as_untrusted_data(shared_topic or ""),
        }

    def repair(self, violations: Sequence[Violation]) -> str:
        # Spans quote the model's own output, which may echo the bio: they are fenced like the bio.
        listed = [
            {"rule": violation.rule.value, "message": violation.message, "span": as_untrusted_data(violation.span)}
            for violation in violations
        ]
        return self._env.get_template("repair.j2").render(violations=listed)

    def draft_messages(self, request: DraftRequest, *, shared_topic: str | None = None) -> list[ChatMessage]:
        return [
            ChatMessage("system", self.system(request)),
            ChatMessage("user", self.user(request, shared_topic=shared_topic)),
        ]
