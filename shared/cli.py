"""The `noask` command. One subcommand per verb: add a verb by writing its `_add_<verb>` and listing it in VERBS."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TextIO

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from shared import composition
from shared.guardrails import check_message, check_outcomes, rules_checked
from shared.models import Channel, DraftRequest, DraftResult, Rule, Violation
from shared.service import UnsafeDraftError
from shared.text import normalise
from shared.usecases.deadline import Deadline

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # what a shell reports for a writer whose reader closed the pipe (128 + SIGPIPE)


class UsageError(Exception):
    """Bad input from the command line: reported in one line, exit status 2, no traceback."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        status = run(args)
        sys.stdout.flush()  # inside the try: a reader that went away is noticed here, not at exit
        return status
    except UsageError as error:
        print(f"noask {args.verb}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader stopped early (`noask draft … | head`): stop quietly, as other command-line tools do.
        _discard_stdout()
        return EXIT_BROKEN_PIPE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="noask", description="Drafts no-ask networking messages.")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for add_verb in VERBS:
        add_verb(verbs)
    return parser


# ---- noask draft ------------------------------------------------------------------------------

_OPTION_FOR_FIELD = {
    "target_bio": "--bio-file",
    "pitch": "--pitch",
    "channel": "--channel",
    "target_name": "--target-name",
    "sender_name": "--sender-name",
    "sender_interests": "--sender-interests",
    "offer": "--offer",
}
_CHANNELS = [channel.value for channel in Channel]


def _add_draft(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser("draft", help="draft a no-ask message from a bio and your pitch")
    parser.add_argument("--bio-file", required=True, help="file holding the target's bio ('-' for stdin)")
    parser.add_argument("--pitch", required=True, help="your own pitch, a sentence or two")
    parser.add_argument(
        "--channel",
        choices=_CHANNELS,
        default=Channel.LINKEDIN_MESSAGE.value,
        help="where the message goes; sets its length (default: %(default)s)",
    )
    parser.add_argument(
        "--target-name",
        help="the name of the person you write to (default: the name the bio gives, e.g. 'Ana Ruiz is a designer…'; "
        "with none, no greeting by name)",
    )
    parser.add_argument("--sender-name", help="your name, to sign with (default: no signature)")
    parser.add_argument(
        "--sender-interests",
        metavar="TEXT",
        help='your own interests, e.g. "trail running, jazz piano"; the draft says an interest is shared only when '
        "these or your pitch name it (default: none)",
    )
    parser.add_argument(
        "--offer",
        metavar="TEXT",
        help='something you can give that needs nothing back, e.g. "my checklist for usability sessions" '
        "(default: none; the draft ends with a light question instead)",
    )
    parser.add_argument("--json", action="store_true", help="print the whole result as JSON (default: a readable report)")
    parser.set_defaults(run=_draft)


def _draft(args: argparse.Namespace) -> int:
    try:
        request = DraftRequest(
            target_bio=_read_text(args.bio_file, "--bio-file"),
            pitch=args.pitch,
            channel=Channel(args.channel),
            target_name=args.target_name,
            sender_name=args.sender_name,
            sender_interests=args.sender_interests,
            offer=args.offer,
        )
    except ValidationError as error:
        raise UsageError(_describe(error, _OPTION_FOR_FIELD)) from None
    try:
        create_draft = composition.create_draft_without_history()
        result = create_draft(request, user_id="cli", source="cli", deadline=Deadline.for_cli()).result
    except UnsafeDraftError as error:
        print(f"noask draft: {error.user_message}", file=sys.stderr)
        return EXIT_VIOLATIONS
    print(result.model_dump_json(indent=2) if args.json else describe_draft(result))
    return EXIT_OK


def describe_draft(result: DraftResult) -> str:
    lines = [f"Subject: {result.subject}", ""] if result.subject else []
    lines += [result.body, ""]
    interest = result.shared_interest
    if interest.found:
        shared = " (you share it)" if interest.shared_with_sender else ""
        lines.append(
            f'Shared interest: {interest.topic or "from the bio"}{shared}, resting on the bio\'s words "{interest.bio_evidence}"'
        )
    else:
        lines.append("Shared interest: none found in the bio; the draft opens with something the bio does say.")
    written_by = "the offline composer" if result.provider == "offline" else f"{result.provider} model {result.model}"
    lines.append(f"Written by {written_by} (prompt {result.prompt_version}, {result.attempts} model call(s)).")
    if result.fallback_reason:
        lines.append(f"Why offline: {result.fallback_reason}")
    if result.repaired_violations:
        lines.append("Fixed along the way: " + "; ".join(violation.message for violation in result.repaired_violations))
    lines.append("Checks:")
    lines += [f"  {'✓' if outcome.passed else '✗'} {outcome.explanation}" for outcome in result.checks]
    return "\n".join(lines)


# ---- noask check ------------------------------------------------------------------------------


class _CheckContext(BaseModel):
    """What is known around a message: each field given lets more rules apply (and the names may appear in it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bio: str | None = None
    pitch: str | None = None
    target_name: str | None = None
    sender_name: str | None = None
    sender_interests: str | None = None
    offer: str | None = None

    @field_validator("bio", "pitch", "target_name", "sender_name", "sender_interests", "offer", mode="after")
    @classmethod
    def _normalised(cls, value: str | None) -> str | None:
        # Blank counts as not given, as it does for a draft request.
        return (normalise(value) or None) if value is not None else None


class _CheckLine(_CheckContext):
    text: str


def _add_check(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "check",
        help="check messages for asks and the other guardrails",
        description="Check one message from stdin, or JSON lines with --jsonl. Each option given lets more checks apply; "
        "without one, its check is skipped. Exit status: 0 clean, 1 violations found, 2 bad or empty input "
        "(a malformed JSON line counts).",
    )
    parser.add_argument("--bio-file", help="the target's bio, for the grounding and link checks (default: none)")
    parser.add_argument("--pitch", help="your pitch, for the pitch, link and shared-interest checks (default: none)")
    parser.add_argument("--channel", choices=_CHANNELS, help="check the channel's length too (default: no length check)")
    parser.add_argument("--target-name", help="the recipient's name, which the message may use (default: none)")
    parser.add_argument("--sender-name", help="your name, which the message may use (default: none)")
    parser.add_argument(
        "--sender-interests",
        metavar="TEXT",
        help="your own interests: what the message may say you share with them (default: none)",
    )
    parser.add_argument("--offer", metavar="TEXT", help="what you offer them, which the message may mention (default: none)")
    parser.add_argument(
        "--jsonl",
        metavar="FILE",
        help='JSON lines {"text": ..., "bio"?, "pitch"?, "target_name"?, "sender_name"?, "sender_interests"?, '
        '"offer"?} from FILE or - for stdin; a field given on a line replaces the option for that line',
    )
    parser.set_defaults(run=_check)


def _check(args: argparse.Namespace) -> int:
    context = _CheckContext(
        bio=_read_text(args.bio_file, "--bio-file") if args.bio_file else None,
        pitch=args.pitch,
        target_name=args.target_name,
        sender_name=args.sender_name,
        sender_interests=args.sender_interests,
        offer=args.offer,
    )
    channel = Channel(args.channel) if args.channel else None
    if args.jsonl is None:
        text = normalise(sys.stdin.read(), keep_hidden=True)
        if not text:
            raise UsageError("the message to check is empty: give its text on stdin, or JSON lines with --jsonl")
        violations = _check_one(text, context, channel)
        print(_describe_check(violations, context, channel))
        return EXIT_VIOLATIONS if violations else EXIT_OK
    if args.jsonl == "-":
        return _check_lines(sys.stdin, sys.stdout, context=context, channel=channel)
    try:
        with open(args.jsonl, encoding="utf-8") as lines:
            return _check_lines(lines, sys.stdout, context=context, channel=channel)
    except OSError as error:
        raise UsageError(f"--jsonl: cannot read {args.jsonl}: {error.strerror}") from None


def _check_one(text: str, context: _CheckContext, channel: Channel | None) -> list[Violation]:
    return check_message(
        text,
        channel=channel,
        bio=context.bio,
        pitch=context.pitch,
        known_names=[name for name in (context.target_name, context.sender_name) if name],
        sender_interests=context.sender_interests,
        offer=context.offer,
    )


def _check_lines(lines: Iterable[str], out: TextIO, *, context: _CheckContext, channel: Channel | None) -> int:
    """One JSON line out per non-blank line in, in order; a malformed line gets an "error" line and the run goes on."""
    status = EXIT_OK
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = _CheckLine.model_validate_json(line)
        except ValidationError as error:
            out.write(json.dumps({"line": number, "error": _describe(error)}) + "\n")
            status = EXIT_USAGE
            continue
        text = normalise(item.text, keep_hidden=True)
        if not text:
            out.write(json.dumps({"line": number, "error": "text: the message to check is empty"}) + "\n")
            status = EXIT_USAGE
            continue
        given = item.model_dump(exclude={"text"}, exclude_unset=True)
        violations = _check_one(text, context.model_copy(update=given), channel)
        asks = any(violation.rule is Rule.ASK for violation in violations)
        listed = [
            {"rule": violation.rule.value, "message": violation.message, "span": violation.span} for violation in violations
        ]
        out.write(json.dumps({"ask": asks, "violations": listed}, ensure_ascii=False) + "\n")
        out.flush()
        if violations and status == EXIT_OK:
            status = EXIT_VIOLATIONS
    return status


def _describe_check(violations: list[Violation], context: _CheckContext, channel: Channel | None) -> str:
    rules = rules_checked(channel=channel, bio=context.bio, pitch=context.pitch, sender_interests=context.sender_interests)
    outcomes = check_outcomes(violations, rules=rules)
    lines = [f"{'✓' if outcome.passed else '✗'} {outcome.explanation}" for outcome in outcomes]
    for violation in violations:
        where = f': "{violation.span}"' if violation.span else ""
        lines.append(f"  {violation.rule.value}{where} — {violation.message}")
    lines.append("Clean: no violations." if not violations else f"{len(violations)} violation(s).")
    return "\n".join(lines)


# ---- helpers ----------------------------------------------------------------------------------


def _discard_stdout() -> None:
    """Point stdout at the null device, so the interpreter's final flush has nowhere to fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _read_text(path: str, option: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise UsageError(f"{option}: {path} is not UTF-8 text") from None
    except OSError as error:
        raise UsageError(f"{option}: cannot read {path}: {error.strerror}") from None


def _describe(error: ValidationError, options: Mapping[str, str] | None = None) -> str:
    """A pydantic error as one line, naming the field at fault (as its command-line option when given)."""
    problems = []
    for issue in error.errors(include_input=False, include_url=False):
        field = ".".join(str(part) for part in issue["loc"])
        problems.append(f"{(options or {}).get(field, field) or 'input'}: {issue['msg']}")
    return "; ".join(problems)


# ---- noask serve, noask invoke (the work lives in shared/local/) ------------------------------


def _add_serve(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from shared.local import server

    parser = verbs.add_parser("serve", help="run the web form and the API locally, on DynamoDB Local")
    server.build_parser(parser).set_defaults(run=server.run)


def _add_invoke(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from shared.local import invoke

    parser = verbs.add_parser("invoke", help="run a function from template.yaml once, as `sam local invoke` does")
    invoke.build_parser(parser).set_defaults(run=_invoke)


def _invoke(args: argparse.Namespace) -> int:
    from shared.local import invoke

    try:
        return invoke.run(args)
    except invoke.InvokeError as error:
        raise UsageError(str(error)) from None


def _add_parse_email(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from shared.local import parse_email

    parser = verbs.add_parser("parse-email", help="show how the email path reads a message: sender, note, pitch, bio, verdicts")
    parse_email.build_parser(parser).set_defaults(run=parse_email.run)


VERBS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    _add_draft,
    _add_check,
    _add_serve,
    _add_invoke,
    _add_parse_email,
)


if __name__ == "__main__":  # `python -m shared.cli …` works like `noask …`
    raise SystemExit(main())
