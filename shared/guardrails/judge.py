"""The ask judge: when an LLM is configured, a second reading of a draft that passed every deterministic check.

The model answers one question in strict JSON, "does this message ask its reader for anything?". Its verdict
can only reject: a "yes" becomes an ASK violation that the drafting service repairs like any other; a "no",
a malformed answer, an error or a timeout leaves the deterministic verdict standing. The prompt is
prompts/judge.j2, rendered in the same Jinja2 sandbox as the drafting prompts, with the draft fenced as data.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

from jinja2 import DictLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.models import Rule, Violation
from shared.ports import ChatMessage, DraftModel, ModelError
from shared.text import normalise
from shared.text.patterns import compile_pattern

logger = logging.getLogger(__name__)

TEMPLATE_NAME: Final = "judge.j2"
# The longest quote kept from the judge's answer: enough for any one asking clause.
MAX_QUOTE_CHARS: Final = 300
# A draft that opens or closes one of the judge's fence tags could pretend its own text is outside the fence.
_FENCE_TAG = compile_pattern(r"<(\s*/?\s*(?:message|subject))")


# A verdict and a short quote, in JSON: nothing longer is worth waiting for.
JUDGE_ANSWER_TOKENS = 120


class JudgeVerdict(BaseModel):
    """What the judge must answer with (its strict JSON schema)."""

    model_config = ConfigDict(extra="forbid")

    asks: bool = Field(description="True when the message asks its reader for anything.")
    quote: str = Field(description="The shortest exact words of the message that ask, or an empty string.")


JUDGE_SCHEMA: Final[dict[str, object]] = JudgeVerdict.model_json_schema()


def _fenced(text: str) -> str:
    return _FENCE_TAG.sub("‹\\1", normalise(text))


class AskJudge:
    """Asks the configured model whether a draft asks for anything; only ever adds an ASK violation."""

    def __init__(self, model: DraftModel, prompts_dir: Path) -> None:
        self._model = model
        source = (prompts_dir / TEMPLATE_NAME).read_text(encoding="utf-8")
        environment = SandboxedEnvironment(
            loader=DictLoader({TEMPLATE_NAME: source}), undefined=StrictUndefined, autoescape=False
        )
        self._template = environment.get_template(TEMPLATE_NAME)

    def messages(self, body: str, subject: str | None) -> list[ChatMessage]:
        macros = self._template.module
        return [
            ChatMessage("system", str(macros.system())),  # type: ignore[attr-defined]
            ChatMessage("user", str(macros.user(_fenced(body), _fenced(subject or "")))),  # type: ignore[attr-defined]
        ]

    def violations(self, body: str, subject: str | None, *, deadline: float) -> list[Violation]:
        """[] unless the judge answers, in valid JSON, that the draft asks for something."""
        try:
            answer = self._model.complete_json(
                self.messages(body, subject), schema=JUDGE_SCHEMA, deadline=deadline, max_tokens=JUDGE_ANSWER_TOKENS
            )
            verdict = JudgeVerdict.model_validate_json(answer)
        except ModelError as error:
            logger.info("Ask judge unavailable; the deterministic verdict stands.", extra={"judge_error": error.code})
            return []
        except ValidationError:
            logger.info("Ask judge answered out of schema; the deterministic verdict stands.")
            return []
        if not verdict.asks:
            return []
        return [_violation(body, subject, verdict.quote.strip()[:MAX_QUOTE_CHARS])]


def _violation(body: str, subject: str | None, quote: str) -> Violation:
    start = body.find(quote) if quote else -1
    if start >= 0:
        return Violation(
            rule=Rule.ASK,
            message=f"A second reading found an ask: “{' '.join(quote.split())}”.",
            span=quote,
            start=start,
            end=start + len(quote),
        )
    where = " in the subject" if quote and subject and quote in subject else ""
    return Violation(rule=Rule.ASK, message=f"A second reading found that the message asks the reader for something{where}.")
