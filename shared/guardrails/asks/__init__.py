"""Ask detection: does a message request anything of its recipient?

Mechanism here, phrasings in data/<language>.toml (each with the messages it must catch and
the near-misses it must let pass). See detect.py for the decisions on negation, open doors
and offers, and catalogue.py for the data format.
"""

from __future__ import annotations

from shared.guardrails.asks.catalogue import LANGUAGES, AskKind, Phrasing, ask_kinds
from shared.guardrails.asks.detect import find_asks

# Reading the data files is cheap; compiling a pattern waits for its first use.
ASK_KINDS: tuple[AskKind, ...] = ask_kinds()

__all__ = ["ASK_KINDS", "LANGUAGES", "AskKind", "Phrasing", "ask_kinds", "find_asks"]
