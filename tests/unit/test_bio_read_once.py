"""One draft reads each of its texts once: the analyses of the bio (its interests, the topics, names and numbers it
gives, the text planted in it, whose voice it is in) run once per request, however many checks (body, subject,
shared interest) use them.

Each analysis is replaced by a counting copy with the same cache, so a check that bypasses the cache, or a cache
that is dropped, shows up as a second computation of the same text.
"""

from __future__ import annotations

import functools
import uuid
from collections import Counter
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from shared import target_name
from shared.composition import PROMPTS_DIR
from shared.guardrails import grounding, injection, statements
from shared.interests import finder
from shared.models import Channel, DraftRequest
from shared.prompts import PromptLibrary
from shared.service import DraftingService
from shared.usecases.create_draft import CreateDraft
from shared.usecases.deadline import Deadline

ANALYSES: list[tuple[ModuleType, str]] = [
    (finder, "_ranked_interests"),
    (grounding, "_source_topics"),
    (grounding, "_source_name_keys"),
    (statements, "_source_numbers"),
    (injection, "_planted"),
    (target_name, "_pronoun_counts"),
]


def counting(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str) -> Counter[tuple[Any, ...]]:
    original: Any = getattr(module, name)
    computed: Counter[tuple[Any, ...]] = Counter()
    compute: Callable[..., Any] = getattr(original, "__wrapped__", original)

    def counted(*args: Any) -> Any:
        computed[args] += 1
        return compute(*args)

    # The same cache as the original's, or none when it has none: then every repeated read is counted.
    cached = functools.lru_cache(maxsize=original.cache_info().maxsize)(counted) if hasattr(original, "cache_info") else counted
    monkeypatch.setattr(module, name, cached)
    return computed


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.LINKEDIN_NOTE])
def test_each_analysis_of_a_new_bio_runs_once_per_draft(monkeypatch: pytest.MonkeyPatch, channel: Channel) -> None:
    counts = {f"{module.__name__}.{name}": counting(monkeypatch, module, name) for module, name in ANALYSES}
    create = CreateDraft(DraftingService(None, PromptLibrary(PROMPTS_DIR)), None, daily_quota=5)
    bio = (
        f"Ana Sousa ({uuid.uuid4().hex[:8]}) leads the data team at Northwind. Outside work she swims in the sea "
        "every morning and bakes bread with 3 friends."
    )

    record = create(
        DraftRequest(target_bio=bio, pitch="I build streaming pipelines.", channel=channel),
        user_id="cli",
        source="cli",
        deadline=Deadline.after(30),
    )

    assert record.result.body
    for analysis, computed in counts.items():
        assert computed, f"{analysis} was not used: the list of analyses is out of date"
        assert max(computed.values()) == 1, f"{analysis} read the same text {max(computed.values())} times"
