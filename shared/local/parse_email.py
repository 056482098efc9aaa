"""`noask parse-email FILE.eml`: how the email path reads one message, as JSON, without drafting or sending.

No profile store is consulted, so `reply_allowed` covers the checks that need none (authentication,
scanning verdicts, auto-replies, bounces, lists, loops); the output says so in `scope`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from shared.email.parsing import MAX_RAW_EMAIL_BYTES, EmailTooLarge, ParsedEmail, parse_email
from shared.email.trust import read_verdicts, screen

EXIT_OK, EXIT_USAGE = 0, 2
SCOPE = (
    "No profile store was consulted: reply_allowed covers authentication, scanning verdicts and loop checks only. "
    "A real reply also needs a profile registered for the sender's address."
)


def build_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("file", metavar="FILE.eml", help="a raw message as SES stores it ('-' for stdin)")
    parser.add_argument(
        "--drafting-address", help="the address replies come from, for the loop check (default: NOASK_DRAFTING_ADDRESS)"
    )
    return parser


# How each rule of shared.target_name found the person, said for someone reading the report.
TARGET_RULES = {
    "speaker_heading": "the bio's first line is a name heading (a speaker blurb)",
    "intro_phrase": 'the bio introduces the person by name ("Meet …")',
    "third_person_opening": "the bio opens with the person's name, written in the third person",
    "self_introduction": 'the person names themself ("I\'m …")',
    "forwarded_sender_own_writing": "no name in the bio; the forwarded message is its sender's own writing",
}


def _target(parsed: ParsedEmail) -> str:
    if parsed.target_name is None:
        return "no name found: the draft will greet without one"
    return f"{parsed.target_name}: {TARGET_RULES.get(parsed.target_rule or '', parsed.target_rule or '')}"


def report(parsed: ParsedEmail, *, drafting_address: str) -> dict[str, Any]:
    decision = screen(parsed, own_address=drafting_address)
    return {
        **parsed.model_dump(mode="json", exclude={"trust"}),
        "target": _target(parsed),
        "verdicts": read_verdicts(parsed.trust).model_dump(mode="json"),
        "reply_allowed": decision.allowed,
        "reason": None if decision.allowed else decision.reason,
        "detail": decision.detail,
        "scope": SCOPE,
    }


def run(args: argparse.Namespace) -> int:
    from shared import composition

    try:
        raw = sys.stdin.buffer.read(MAX_RAW_EMAIL_BYTES + 1) if args.file == "-" else _read(Path(args.file))
        parsed = parse_email(raw)
    except (OSError, EmailTooLarge) as error:
        print(f"noask parse-email: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    drafting_address = args.drafting_address or composition.settings().drafting_address
    print(json.dumps(report(parsed, drafting_address=drafting_address), indent=2, ensure_ascii=False))
    return EXIT_OK


def _read(path: Path) -> bytes:
    if path.stat().st_size > MAX_RAW_EMAIL_BYTES:
        raise EmailTooLarge(f"{path} is larger than SES's {MAX_RAW_EMAIL_BYTES} bytes")
    return path.read_bytes()
