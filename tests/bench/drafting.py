"""Figures of offline drafting and checking: time for a typical bio, and hostile 8,000-character inputs.

Hostile shapes are timed against ordinary prose of the same length, interleaved in one run (shape by shape,
round by round) so that a busy moment on the machine weighs on both sides of each ratio. Every call gets a
text it has not seen (a short distinct prefix), so caches keyed on the bio cannot make a repeat look free.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from shared.composition import PROMPTS_DIR
from shared.guardrails import check_message
from shared.models import MAX_BIO_CHARS, Channel, DraftRequest
from shared.prompts import PromptLibrary
from shared.service import DraftingService
from tests.bench.figures import Figure

DATA = Path(__file__).resolve().parents[1] / "data"
TYPICAL_BIO = DATA / "bios" / "third_person.txt"
PROSE_BIO = DATA / "bios" / "long_8000.txt"
TYPICAL_PITCH = "I'm a data engineer who builds streaming pipelines for climate researchers, moving into platform work."
# A typical bio is drafted this many times, each with a sentence of its own, and the median reported.
TYPICAL_RUNS = 40
DRAFT_GOAL_MS = 10.0
HOSTILE_LENGTH = MAX_BIO_CHARS
RATIO_GOAL = 2.0
# Rounds over every shape continue while under this budget (at least one round), up to MAX_ROUNDS.
HOSTILE_BUDGET_SECONDS = 60.0
MAX_ROUNDS = 5
_NAMES = ("Ann", "Bob", "Cy", "Dee", "Eve", "Flo", "Gus", "Hal", "Ida", "Jo")


def _fill(unit: str, length: int = HOSTILE_LENGTH) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def _names_after_long_word(length: int = HOSTILE_LENGTH) -> str:
    sentences = " ".join(f"{_NAMES[i % 10]} met {_NAMES[(i + 3) % 10]}." for i in range(length // 8))
    return ("x" * 2_000 + " " + sentences)[:length]


def hostile_shapes() -> dict[str, str]:
    """Inputs that make a backtracking pattern quadratic or worse, each HOSTILE_LENGTH characters long."""
    return {
        'runs of "a-"': _fill("a-"),
        'runs of "a."': _fill("a."),
        "one long word, then many short sentences with names": _names_after_long_word(),
        "alternating classes": _fill("a1!A "),
        "emoji runs": _fill("😀🎉🏃🌊"),
        "one emoji with a skin tone, repeated": _fill("👍🏽"),
        "family emoji (joiner sequences), repeated": _fill("👨\u200d👩\u200d👧\u200d👦"),
        "emoji between letters": _fill("😀a🎉b🏃c🌊d"),
        "emoji between words": _fill("🎉 party ☕ time 📞 now "),
        "keycap emoji": _fill("1\ufe0f\u20e3a"),
        "emoji joined in no named sequence": _fill("😀\u200d🎉\u200d"),
        "a letter under many combining marks": "a" + "\u0301" * (HOSTILE_LENGTH - 1),
        "letters with combining marks": _fill("e\u0301\u0302"),
        "fullwidth letters": _fill("ｃｏｆｆｅｅ　ｃａｌｌ？"),
        "zero-width spaces between letters": _fill("c\u200ba\u200bl\u200bl "),
        "spaced-out letters": _fill("c a l l "),
        "leetspeak": _fill("c0ff33 "),
        'short lines of "http://"': _fill("http://\n"),
        'runs of "@"': _fill("@"),
        'runs of "a@b."': _fill("a@b."),
        "HTML tags, repeated": _fill("<b>x</b>"),
        "letters on lines of their own": _fill("c\na\nl\nl\n"),
        "parenthesised letters": _fill("⒞⒜⒧⒧ "),
        "Arabic-Indic and fullwidth digits": _fill("٠٧٧٠٠ ９００１２３ "),
        "short domains, repeated": _fill("a.io "),
        "digits and dots": _fill("1.2."),
        "digits and spaces": _fill("12 "),
    }


def ordinary_prose(length: int = HOSTILE_LENGTH) -> str:
    return _fill(PROSE_BIO.read_text(encoding="utf-8").strip() + " ", length)


def _distinct(text: str, round_number: int) -> str:
    prefix = f"Ref {round_number}. "
    return prefix + text[: len(text) - len(prefix)]


def _timed(call: Callable[[str], object], argument: str) -> float:
    started = time.perf_counter()
    call(argument)
    return time.perf_counter() - started


def _service() -> DraftingService:
    return DraftingService(None, PromptLibrary(PROMPTS_DIR))


def offline_drafting_time() -> list[Figure]:
    """Median time of one offline draft (compose + final gate) for a typical bio the process has not seen yet."""
    service = _service()
    bio = TYPICAL_BIO.read_text(encoding="utf-8").strip()

    def draft(sentence: str) -> None:
        request = DraftRequest(target_bio=f"{bio} {sentence}", pitch=TYPICAL_PITCH)
        service.draft(request, deadline=time.monotonic() + 30)

    draft("")  # imports, compiled patterns and data files load once per process, as in a warm Lambda container
    times = [_timed(draft, f"She has lived in Trento for {run} years.") * 1000 for run in range(TYPICAL_RUNS)]
    return [
        Figure(
            "Offline draft, typical bio",
            statistics.median(times),
            "ms",
            baseline_name="goal",
            baseline=DRAFT_GOAL_MS,
            note=f"median of {TYPICAL_RUNS} linkedin_message drafts of tests/data/bios/third_person.txt, each with a new "
            f"sentence (no cache hit), through DraftingService without a model; max {max(times):.1f} ms",
        )
    ]


def _rounds() -> Iterator[int]:
    started = time.monotonic()
    for round_number in range(MAX_ROUNDS):
        if round_number and time.monotonic() - started > HOSTILE_BUDGET_SECONDS:
            return
        yield round_number


def hostile_input_ratios() -> list[Figure]:
    """Per shape: median time of check and of draft over the same for prose, measured interleaved."""
    service = _service()
    prose = ordinary_prose()
    shapes = {"ordinary prose": prose, **hostile_shapes()}

    def check(text: str) -> None:
        check_message(text, channel=Channel.LINKEDIN_MESSAGE, bio=text, pitch=TYPICAL_PITCH)

    def draft(text: str) -> None:
        service.draft(DraftRequest(target_bio=text, pitch=TYPICAL_PITCH), deadline=time.monotonic() + 30)

    check("warm up")
    draft("Warm-up bio: a teacher who hikes.")
    timings: dict[tuple[str, str], list[float]] = {}
    rounds = 0
    for round_number in _rounds():
        rounds += 1
        for name, text in shapes.items():
            distinct = _distinct(text, round_number)
            for kind, call in (("check", check), ("draft", draft)):
                timings.setdefault((kind, name), []).append(_timed(call, distinct) * 1000)
    figures = []
    for kind, label in (("check", "noask check (check_message, message = bio)"), ("draft", "offline draft")):
        floor = statistics.median(timings[(kind, "ordinary prose")])
        for name in shapes:
            if name == "ordinary prose":
                continue
            figures.append(
                Figure(
                    f"Hostile 8,000 characters, {label}: {name}",
                    statistics.median(timings[(kind, name)]),
                    "ms",
                    baseline_name="ordinary prose",
                    baseline=floor,
                    note=f"median of {rounds} interleaved rounds; goal: at most {RATIO_GOAL:g}× prose",
                )
            )
    return figures
