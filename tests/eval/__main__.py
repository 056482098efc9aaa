"""`make eval`: the draft-quality report over the corpus in tests/eval/corpus, also written to docs/quality.md.

Every bio is drafted on all four channels through the real offline path (the drafting service with no model
configured, which is what everyone gets by default), then read with tests/eval/metrics.py. The report always
exits 0: it says which goals are met and which are missed, it does not gate anything.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from shared.composition import PROMPTS_DIR
from shared.guardrails import check_draft
from shared.models import CHANNEL_SPECS, Channel, DraftRequest, DraftResult, Rule, Violation
from shared.prompts import PromptLibrary
from shared.service import DraftingService, UnsafeDraftError
from tests.eval.metrics import (
    Entry,
    Spread,
    agreement_errors,
    claim_sentences,
    doubled_words,
    load_corpus,
    load_hobby_words,
    most_common_opening,
    names_any,
    opener,
    rate,
    sharing_claims,
)

ROOT = Path(__file__).resolve().parents[2]
REPORT_PATH = ROOT / "docs" / "quality.md"
# Eight drafts shown whole, with their bios: a hobby with an overlap, a third-person bio, a terse one-liner, a
# jargon headline, a Spanish bio, no hobby with unrelated sender interests, a forwarded intro, a speaker blurb.
SHOWCASE: tuple[tuple[str, Channel], ...] = (
    ("fp-icu-nurse", Channel.LINKEDIN_MESSAGE),
    ("tp-vet-surgeon", Channel.LINKEDIN_NOTE_PREMIUM),
    ("terse-sre", Channel.LINKEDIN_NOTE),
    ("jargon-k8s", Channel.EMAIL),
    ("es-payments-engineer", Channel.LINKEDIN_MESSAGE),
    ("nh-positioning", Channel.EMAIL),
    ("fw-design-systems", Channel.LINKEDIN_NOTE_PREMIUM),
    ("sp-climate-fintech", Channel.LINKEDIN_MESSAGE),
)
# How many bios the report lists for each kind of miss (one line per bio, its other channels counted).
MAX_EXAMPLES = 20
OPENING_WORDS = 4


@dataclass(frozen=True)
class Drafted:
    entry: Entry
    channel: Channel
    result: DraftResult | None
    violations: list[Violation]
    seconds: float
    error: str | None = None

    @property
    def body(self) -> str:
        return self.result.body if self.result else ""

    @property
    def text(self) -> str:
        """Subject and body: everything the recipient reads."""
        subject = self.result.subject if self.result and self.result.subject else ""
        return f"{subject}\n{self.body}" if subject else self.body

    @property
    def label(self) -> str:
        return f"{self.entry.id} / {self.channel.value}"


@dataclass
class Goal:
    name: str
    value: str
    target: str
    met: bool | None
    misses: list[str] = field(default_factory=list)


def draft_all(entries: Sequence[Entry]) -> list[Drafted]:
    service = DraftingService(None, PromptLibrary(PROMPTS_DIR))
    drafted = []
    for entry in entries:
        for channel in Channel:
            request = DraftRequest(
                target_bio=entry.bio,
                pitch=entry.pitch,
                channel=channel,
                target_name=entry.target_name,
                sender_name=entry.sender_name,
                sender_interests=entry.sender_interests,
                offer=entry.offer,
            )
            started = time.perf_counter()
            try:
                result = service.draft(request, deadline=time.monotonic() + 30)
            except UnsafeDraftError as error:
                drafted.append(Drafted(entry, channel, None, [], time.perf_counter() - started, error=str(error)))
                continue
            except Exception as error:  # a crash on one bio is a finding to report, not a reason to stop the report
                crash = f"crashed: {type(error).__name__}: {error}"
                drafted.append(Drafted(entry, channel, None, [], time.perf_counter() - started, error=crash))
                continue
            seconds = time.perf_counter() - started
            violations = check_draft(
                request,
                result.body,
                subject=result.subject,
                bio_evidence=result.shared_interest.bio_evidence,
                interest_topic=result.shared_interest.topic,
            )
            drafted.append(Drafted(entry, channel, result, violations, seconds))
    return drafted


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def goals(drafted: Sequence[Drafted]) -> list[Goal]:
    words = load_hobby_words()
    written = [draft for draft in drafted if draft.result is not None]
    found: list[Goal] = []

    def share_goal(
        name: str, pool: Sequence[Drafted], passes: Callable[[Drafted], bool], describe: Callable[[Drafted], str]
    ) -> None:
        misses = [draft for draft in pool if not passes(draft)]
        value = rate(len(pool) - len(misses), len(pool))
        found.append(
            Goal(
                name,
                f"{_percent(value)} ({len(pool) - len(misses)} of {len(pool)})",
                "100%",
                None if value is None else not misses,
                [describe(draft) for draft in misses],
            )
        )

    with_hobby = [draft for draft in written if draft.entry.hobbies]
    share_goal(
        "Hobby first (the opener names a labelled hobby)",
        with_hobby,
        lambda draft: names_any(opener(draft.body), draft.entry.hobbies, words),
        lambda draft: f"{draft.label}: hobbies {', '.join(draft.entry.hobbies)}; opener “{opener(draft.body)}”",
    )
    with_overlap = [draft for draft in written if draft.entry.overlap]
    share_goal(
        "Overlap found when it exists (shared_with_sender, overlap named)",
        with_overlap,
        lambda draft: bool(
            draft.result and draft.result.shared_interest.shared_with_sender and names_any(draft.body, draft.entry.overlap, words)
        ),
        lambda draft: (
            f"{draft.label}: overlap {', '.join(draft.entry.overlap)} (sender: “{draft.entry.sender_interests}”); "
            f"shared_with_sender={draft.result.shared_interest.shared_with_sender if draft.result else None}; "
            f"opener “{opener(draft.body)}”"
        ),
    )

    said = [
        draft
        for draft in with_overlap
        if any(names_any(sentence, draft.entry.overlap, words) for sentence in claim_sentences(opener(draft.body)))
    ]
    found.append(
        Goal(
            "Overlap said to be shared in the opener (“fellow …”, “… too”)",
            f"{_percent(rate(len(said), len(with_overlap)))} ({len(said)} of {len(with_overlap)})",
            "for information",
            None,
        )
    )

    false_claims = []
    for draft in written:
        if draft.entry.overlap:
            # With an overlap, a claim is expected; one that names none of the shared hobbies is still false.
            claims = [sentence for sentence in claim_sentences(draft.text) if not names_any(sentence, draft.entry.overlap, words)]
            flagged = False
        else:
            claims = sharing_claims(draft.text)
            flagged = bool(draft.result and draft.result.shared_interest.shared_with_sender)
        if claims or flagged:
            why = ", ".join(f"“{claim}”" for claim in claims) or "shared_with_sender=true"
            found_in = f"sender: “{draft.entry.sender_interests}”" if draft.entry.sender_interests else "no sender interests"
            false_claims.append(f"{draft.label}: {why} ({found_in})")
    found.append(Goal("False claims of a shared interest", str(len(false_claims)), "0", not false_claims, false_claims))

    agreement = [
        f"{draft.label}: {', '.join(f'“{error}”' for error in errors)}"
        for draft in written
        if (errors := agreement_errors(draft.text))
    ]
    found.append(Goal("Agreement errors (“you … bakes”, “to bakes”)", str(len(agreement)), "0", not agreement, agreement))
    doubled = [
        f"{draft.label}: {', '.join(f'“{words}”' for words in repeats)}"
        for draft in written
        if (repeats := doubled_words(draft.text))
    ]
    found.append(Goal("Drafts with a doubled word (“you you”)", str(len(doubled)), "for information", None, doubled))

    for rule, name in ((Rule.ASK, "Drafts with an ask"), (Rule.INVENTED_FACT, "Drafts with an invented fact")):
        broken = [
            f"{draft.label}: {'; '.join(violation.message for violation in draft.violations if violation.rule == rule)}"
            for draft in written
            if any(violation.rule == rule for violation in draft.violations)
        ]
        found.append(Goal(f"{name} (check_draft)", str(len(broken)), "0", not broken, broken))

    other = sorted(
        {violation.rule.value for draft in written for violation in draft.violations} - {Rule.ASK.value, Rule.INVENTED_FACT.value}
    )
    other_misses = [
        f"{draft.label}: {violation.rule.value}: {violation.message}"
        for draft in written
        for violation in draft.violations
        if violation.rule not in (Rule.ASK, Rule.INVENTED_FACT)
    ]
    found.append(
        Goal(
            "Drafts breaking any other rule",
            f"{len({m.split(':')[0] for m in other_misses})} ({', '.join(other) or 'none'})",
            "0",
            not other_misses,
            other_misses,
        )
    )
    refused = [f"{draft.label}: {draft.error}" for draft in drafted if draft.error]
    found.append(Goal("Drafts not returned (unsafe or crashed)", str(len(refused)), "0", not refused, refused))

    opening, share = most_common_opening([draft.body for draft in written], OPENING_WORDS)
    found.append(
        Goal(
            f"Most common {OPENING_WORDS}-word opening's share",
            f"{_percent(share)} (“{opening}”)",
            "≤ 20%",
            share <= 0.20 if written else None,
        )
    )
    return found


def kind_rows(drafted: Sequence[Drafted]) -> list[str]:
    """Hobby-first and overlap rates per kind of bio: where the misses concentrate."""
    words = load_hobby_words()
    rows = ["| Kind of bio | Drafts | Hobby first | Overlap found |", "| --- | ---: | --- | --- |"]
    for kind in sorted({draft.entry.kind for draft in drafted}):
        of_kind = [draft for draft in drafted if draft.entry.kind == kind and draft.result]
        with_hobby = [draft for draft in of_kind if draft.entry.hobbies]
        with_overlap = [draft for draft in of_kind if draft.entry.overlap]
        first = sum(1 for draft in with_hobby if names_any(opener(draft.body), draft.entry.hobbies, words))
        found = sum(
            1
            for draft in with_overlap
            if draft.result
            and draft.result.shared_interest.shared_with_sender
            and names_any(draft.body, draft.entry.overlap, words)
        )
        rows.append(
            f"| {kind} | {len(of_kind)} | {_percent(rate(first, len(with_hobby)))} | {_percent(rate(found, len(with_overlap)))} |"
        )
    return rows


def channel_rows(drafted: Sequence[Drafted]) -> list[str]:
    rows = [
        "| Channel | Drafts | Characters min / median / max | Limit | Words min / median / max | Word range |",
        "| --- | ---: | --- | ---: | --- | --- |",
    ]
    for channel in Channel:
        bodies = [draft.body for draft in drafted if draft.channel == channel and draft.result]
        if not bodies:
            continue
        spec = CHANNEL_SPECS[channel]
        chars = Spread.of([len(body) for body in bodies])
        counts = Spread.of([len(body.split()) for body in bodies])
        word_range = f"{spec.min_words}–{spec.max_words}" if spec.min_words else ""
        rows.append(
            f"| {channel.value} | {len(bodies)} | {chars.minimum:.0f} / {chars.median:.0f} / {chars.maximum:.0f} "
            f"| {spec.max_chars} | {counts.minimum:.0f} / {counts.median:.0f} / {counts.maximum:.0f} | {word_range} |"
        )
    return rows


def goal_rows(found: Sequence[Goal]) -> list[str]:
    rows = ["| Measure | Value | Goal | Met |", "| --- | --- | --- | --- |"]
    for goal in found:
        met = "n/a" if goal.met is None else ("met" if goal.met else "**missed**")
        rows.append(f"| {goal.name} | {goal.value} | {goal.target} | {met} |")
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def showcase_rows(drafted: Sequence[Drafted]) -> list[str]:
    by_key = {(draft.entry.id, draft.channel): draft for draft in drafted}
    rows = ["| Bio | Draft |", "| --- | --- |"]
    for entry_id, channel in SHOWCASE:
        draft = by_key.get((entry_id, channel))
        if draft is None:
            continue
        about = [f"**{entry_id}** ({draft.entry.kind})", draft.entry.bio, f"Pitch: {draft.entry.pitch}"]
        if draft.entry.sender_interests:
            about.append(f"Sender interests: {draft.entry.sender_interests}")
        if draft.entry.offer:
            about.append(f"Offer: {draft.entry.offer}")
        about.append(f"Labelled hobbies: {', '.join(draft.entry.hobbies) or 'none'}")
        if draft.result is None:
            shown = f"*no draft: {draft.error}*"
        else:
            shown = f"*{channel.value}*\n"
            if draft.result.subject:
                shown += f"Subject: {draft.result.subject}\n\n"
            shown += draft.result.body
        rows.append(f"| {_cell(chr(10).join(about))} | {_cell(shown)} |")
    return rows


def commit_description() -> str:
    def git(*args: str) -> str:
        completed = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return completed.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return f"{commit} (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else commit


def report(entries: Sequence[Entry], drafted: Sequence[Drafted], found: Sequence[Goal]) -> str:
    judged = [goal for goal in found if goal.met is not None]
    met = sum(1 for goal in judged if goal.met)
    timings = Spread.of([draft.seconds * 1000 for draft in drafted])
    kinds = sorted({entry.kind for entry in entries})
    lines = [
        "# noask draft quality",
        "",
        "Written by `make eval` (`python -m tests.eval`); re-run it to refresh. Every corpus bio is drafted on all four",
        "channels by the offline path (`DraftingService` with no model, the real prompts and guardrails), and each draft",
        "is read with `tests/eval/metrics.py`. The corpus and its labels are in `tests/eval/corpus/`; the hobbies are",
        "labelled as a person reads the bio, and `tests/eval/hobby_words.toml` says how a draft may name each one.",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Commit: {commit_description()}",
        f"- Corpus: {len(entries)} bios ({', '.join(kinds)}), "
        f"{sum(1 for entry in entries if entry.hobbies)} with a hobby, "
        f"{sum(1 for entry in entries if entry.sender_interests)} with sender interests "
        f"({sum(1 for entry in entries if entry.overlap)} of them overlapping), "
        f"{sum(1 for entry in entries if entry.offer)} with an offer; {len(drafted)} drafts",
        f"- Goals met: {met} of {len(judged)}",
        f"- Drafting time per draft (min / median / max): "
        f"{timings.minimum:.1f} / {timings.median:.1f} / {timings.maximum:.1f} ms",
        "",
        "## Goals",
        "",
        *goal_rows(found),
        "",
        "## By kind of bio",
        "",
        *kind_rows(drafted),
        "",
        "## Characters and words per channel",
        "",
        *channel_rows(drafted),
        "",
        "## Eight drafts with their bios",
        "",
        *showcase_rows(drafted),
    ]
    lines += ["", *HOW_MEASURED]
    missed = [goal for goal in found if goal.misses]
    if missed:
        lines += ["", "## Misses", ""]
        for goal in missed:
            lines += [f"### {goal.name} ({len(goal.misses)})", ""]
            by_bio: dict[str, list[str]] = {}
            for miss in goal.misses:
                by_bio.setdefault(miss.split(" / ", 1)[0], []).append(miss)
            for misses in list(by_bio.values())[:MAX_EXAMPLES]:
                others = f" (and on {len(misses) - 1} more channels)" if len(misses) > 1 else ""
                lines.append(f"- {misses[0]}{others}")
            if len(by_bio) > MAX_EXAMPLES:
                lines.append(f"- … and {len(by_bio) - MAX_EXAMPLES} more bios")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


HOW_MEASURED = (
    "## How each measure is taken",
    "",
    "- **Hobby first**: the opener is the first sentence after the greeting; it must name one of the bio's labelled"
    " hobbies (any word form from `hobby_words.toml`). Counted over drafts of bios that state a hobby.",
    "- **Overlap found**: over drafts of bios whose sender interests share a labelled hobby (in another word form or"
    " language), `shared_interest.shared_with_sender` is true and the draft names that hobby.",
    "- **False claims**: a sharing phrase (“fellow”, “… too”, “like you”, “we both”, “same here”, “as well”, “another"
    " … here”, “I'm also”) or `shared_with_sender` where there is no overlap; where there is one, a claim sentence that"
    " names none of the shared hobbies.",
    "- **Agreement errors**: “you” followed by a third-person verb (“you plays”, “you isn't”), a third-person verb"
    " joined by “and” in the same clause (“you run marathons and bakes bread”), or after “to” (“to bakes bread”);"
    " verbs from `agreement_verbs.txt`.",
    "- **Asks and invented facts**: `check_draft` on the returned draft with its whole request, the verdict the service uses.",
    "- **Opening share**: the most common first four words of the opener, folded, over all drafts.",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.eval", description=__doc__)
    parser.add_argument("--output", type=Path, default=REPORT_PATH, help="markdown report (default: docs/quality.md)")
    args = parser.parse_args(argv)

    entries = load_corpus()
    drafted = draft_all(entries)
    found = goals(drafted)
    judged = [goal for goal in found if goal.met is not None]
    print("\n".join(goal_rows(found)))
    print()
    print("\n".join(channel_rows(drafted)))
    print(f"\nGoals met: {sum(1 for goal in judged if goal.met)} of {len(judged)}")
    for goal in found:
        if goal.met is False:
            print(f"  missed: {goal.name}: {goal.value}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report(entries, drafted, found), encoding="utf-8")
    print(f"Written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
