"""What the gate says about a fixed set of texts, written to JSON, so a speed change can prove it changed no result.

    python -m tests.bench.gate_snapshot write /tmp/before.json    # on the code before the change
    python -m tests.bench.gate_snapshot compare /tmp/before.json  # after: lists every text whose result differs

Texts: every message of tests/redteam/messages.toml, tests/data/asks.txt and no_asks.txt, every catalogue example
(catch and near-miss), each through find_asks; the hostile bench shapes, ordinary prose and a few emoji asks through
check_message (message = bio) and the offline drafter. Nothing here is committed as data: it is regenerated each time.
"""

from __future__ import annotations

import json
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shared.composition import PROMPTS_DIR
from shared.guardrails import check_message, find_asks
from shared.guardrails.asks import ASK_KINDS
from shared.models import Channel, DraftRequest
from shared.prompts import PromptLibrary
from shared.service import DraftingService
from tests.bench.drafting import TYPICAL_PITCH, hostile_shapes, ordinary_prose

TESTS = Path(__file__).resolve().parents[1]
EMOJI_ASKS = ("☕ next week?", "📞?", "📅 Thursday?", "Loved your talk 🙂 ☕ sometime?", "📞📞📞 call me")


def ask_messages() -> Iterator[str]:
    redteam = tomllib.loads((TESTS / "redteam" / "messages.toml").read_text(encoding="utf-8"))
    for family in redteam["family"]:
        yield from family["messages"]
    for name in ("asks.txt", "no_asks.txt"):
        path = TESTS / "data" / name
        if path.is_file():
            yield from (line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    for kind in ASK_KINDS:
        for phrasing in kind.phrasings:
            yield from phrasing.catch
            yield from phrasing.near_miss
    yield from EMOJI_ASKS


def gate_texts() -> dict[str, str]:
    return {"ordinary prose": ordinary_prose(), **hostile_shapes(), **{f"emoji ask {ask}": ask for ask in EMOJI_ASKS}}


def _violations(found: list[Any]) -> list[list[Any]]:
    return [[violation.rule.value, violation.start, violation.end, violation.message] for violation in found]


def snapshot() -> dict[str, Any]:
    asks = {message: _violations(find_asks(message)) for message in ask_messages()}
    service = DraftingService(None, PromptLibrary(PROMPTS_DIR))
    checks, drafts = {}, {}
    for name, text in gate_texts().items():
        checks[name] = _violations(check_message(text, channel=Channel.LINKEDIN_MESSAGE, bio=text, pitch=TYPICAL_PITCH))
        result = service.draft(DraftRequest(target_bio=text, pitch=TYPICAL_PITCH), deadline=time.monotonic() + 60)
        drafts[name] = result.model_dump(mode="json")
    return {"find_asks": asks, "check_message": checks, "draft": drafts}


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    found = []
    for section, results in before.items():
        for text, result in results.items():
            now = after.get(section, {}).get(text, result)
            if now != result:
                found.append(f"{section}: {text[:80]!r}\n  before {str(result)[:300]}\n  after  {str(now)[:300]}")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("write", "compare"):
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[1])
    now = snapshot()
    if argv[0] == "write":
        path.write_text(json.dumps(now, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{sum(len(results) for results in now.values())} results written to {path}")
        return 0
    changed = differences(json.loads(path.read_text(encoding="utf-8")), now)
    print("\n".join(changed) or "no result changed")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
