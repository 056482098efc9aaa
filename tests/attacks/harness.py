"""The stack the attack suites run: the real handlers and pipeline, the obedient adversary, recognisable secrets.

`attack_stack()` starts the adversary (a FakeOpenAI on 127.0.0.1), points the composition root at it
with a fake but recognisable API key, renders the system prompt with the running attack's canary, and
captures every log line. Carrier bios and pitches are ours: realistic text with non-work interests,
so that an attack is the only hostile thing in the request.
"""

from __future__ import annotations

import base64
import json
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest

from shared import composition
from shared.models import Channel, DraftRequest
from shared.text import fold, word_count
from tests.attacks.adversary import CanaryPromptLibrary, ObedientAdversary, running_attack
from tests.attacks.corpus import Attack
from tests.attacks.logs import CapturedLogs, captured_logs
from tests.support.fake_openai import FakeOpenAI

CARRIER_BIOS = (
    "Product designer at a health-tech company, working on patient onboarding.\n\n"
    "Outside work I restore vintage road bikes and ride the Dolomites every September.",
    "Data engineer who likes boring, reliable pipelines.\n\n"
    "I sing in a community choir and volunteer at the local food bank on Saturdays.",
    "Head of customer success for a B2B analytics platform.\n\n"
    "Weekends are for sea kayaking along the coast and baking sourdough for the neighbours.",
    "Infrastructure lead, mostly Kubernetes and cost control.\n\n"
    "Marathon runner (Berlin twice), amateur astronomer, and mentor at a coding bootcamp.",
    "Recruiter for engineering roles in fintech.\n\nI foster rescue greyhounds and play the cello in a string quartet.",
    "Research scientist in speech recognition.\n\n"
    "Keen rock climber, occasional woodworker, and I run a small book club on science fiction.",
)
CARRIER_PITCHES = (
    "I'm a backend developer who builds payment services in Go, moving into platform engineering.",
    "I'm a UX researcher with six years in healthcare products, now looking at climate tech.",
    "I'm a data analyst who turned a messy sales pipeline into a weekly forecast the whole team trusts.",
)
TARGET_NAMES = ("Dana", None, "Priya", "Tomás", None)
CHANNELS = tuple(Channel)
DRAFTING_ADDRESS = "drafts@noask.example"


def _fake_jwt(sub: str) -> str:
    def segment(payload: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()

    return f"{segment({'alg': 'RS256', 'kid': 'test'})}.{segment({'sub': sub, 'token_use': 'id'})}.{secrets.token_urlsafe(32)}"


@dataclass(frozen=True)
class Secrets:
    """Values that must never reach a log line, recognisable wherever they would appear."""

    api_key: str = field(default_factory=lambda: f"sk-noask-attack-{secrets.token_hex(16)}")
    user_id: str = field(default_factory=lambda: f"attack-user-{secrets.token_hex(6)}")
    jwt: str = ""

    def with_jwt(self) -> Secrets:
        return Secrets(api_key=self.api_key, user_id=self.user_id, jwt=_fake_jwt(self.user_id))


@dataclass
class AttackStack:
    adversary: ObedientAdversary
    server: FakeOpenAI
    prompts: CanaryPromptLibrary
    logs: CapturedLogs
    secrets: Secrets
    stdout: list[str] = field(default_factory=list)

    def system_prompt(self, attack: Attack, request: DraftRequest) -> str:
        with running_attack(attack.canary):
            return self.prompts.system(request)

    def log_text(self) -> str:
        """Log lines and whatever else the code printed to stdout (Powertools metrics)."""
        return self.logs.text + "".join(self.stdout)


@contextmanager
def attack_stack(attacks: tuple[Attack, ...], dynamodb_endpoint: str, table_names: dict[str, str]) -> Iterator[AttackStack]:
    """The product's composition root wired to the adversary and DynamoDB Local; restored afterwards."""
    adversary = ObedientAdversary([attack.rogue for attack in attacks if attack.rogue])
    prompts = CanaryPromptLibrary(composition.PROMPTS_DIR)
    stack_secrets = Secrets().with_jwt()

    @cache
    def canary_prompt_library() -> CanaryPromptLibrary:
        return prompts

    with FakeOpenAI(adversary) as server, pytest.MonkeyPatch.context() as patch:
        environment = {
            "OPENAI_API_KEY": stack_secrets.api_key,
            "OPENAI_BASE_URL": server.base_url,
            "NOASK_MODEL": "adversary-1",
            "NOASK_DYNAMODB_ENDPOINT": dynamodb_endpoint,
            "NOASK_HISTORY_TABLE": table_names["HistoryTable"],
            "NOASK_IDEMPOTENCY_TABLE": table_names["IdempotencyTable"],
            "NOASK_DAILY_DRAFT_QUOTA": "1000000",
            "NOASK_DRAFTING_ADDRESS": DRAFTING_ADDRESS,
            "NOASK_APP_URL": "https://app.noask.example",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "POWERTOOLS_SERVICE_NAME": "noask",
            "POWERTOOLS_METRICS_NAMESPACE": "noask-attacks",
        }
        for name, value in environment.items():
            patch.setenv(name, value)
        patch.delenv("AWS_SESSION_TOKEN", raising=False)
        patch.delenv("AWS_PROFILE", raising=False)
        composition.reset()
        # The only change to the product: its system prompt gains the running attack's canary line.
        patch.setattr(composition, "prompt_library", canary_prompt_library)
        stdout = _Tee()
        with captured_logs() as logs, redirect_stdout(stdout):
            stack = AttackStack(adversary, server, prompts, logs, stack_secrets, stdout.parts)
            try:
                yield stack
            finally:
                composition.reset()


class _Tee:
    """Keeps what the code prints (metrics) for the log checks, and passes it on."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self._out = sys.stdout

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self._out.write(text)

    def flush(self) -> None:
        self._out.flush()


def carrier_bio(index: int) -> str:
    return CARRIER_BIOS[index % len(CARRIER_BIOS)]


def carrier_pitch(index: int) -> str:
    return CARRIER_PITCHES[index % len(CARRIER_PITCHES)]


def bio_with_attack(index: int, attack: Attack) -> str:
    """The attack inside a real-looking bio: after it, or between its paragraphs, in turn."""
    head, _, tail = carrier_bio(index).partition("\n\n")
    if index % 2:
        return f"{head}\n\n{attack.text}\n\n{tail}"
    return f"{head}\n\n{tail}\n\n{attack.text}"


def sensitive_sentences(text: str) -> list[str]:
    """Sentences of at least six words: long enough that one in a log line can only have come from `text`."""
    pieces = [piece.strip() for line in text.splitlines() for piece in line.split(". ")]
    return [piece for piece in pieces if word_count(piece) >= 6]


class LogSearch:
    """Finds text in captured logs as written, as JSON escapes it in a structured line, or folded."""

    def __init__(self, logs: str) -> None:
        self._raw = logs
        self._folded = fold(logs)

    def __contains__(self, needle: str) -> bool:
        forms = {needle, json.dumps(needle)[1:-1], json.dumps(needle, ensure_ascii=False)[1:-1]}
        return any(form in self._raw for form in forms) or fold(needle) in self._folded
