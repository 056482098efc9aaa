"""The `noask` command, run as the installed script and in-process. No model is configured: no sockets."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared import cli, composition
from shared.models import MAX_BIO_CHARS, MAX_PITCH_CHARS, Channel, DraftRequest, DraftResult
from shared.service import UnsafeDraftError

NOASK = Path(sys.executable).parent / "noask"

BIO = "Product designer at a travel startup. Weekends are for bouldering and baking sourdough with my kids."
PITCH = "I'm a front-end developer who builds accessible booking flows."
CLEAN = "Loved reading that you bake sourdough with your kids. I'm a front-end developer who builds accessible booking flows."
ASKING = "I'm a front-end developer. Would you be open to a quick call next week so I can pick your brain?"


def run_noask(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    # Without OPENAI_* the offline composer drafts: nothing leaves the machine.
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("OPENAI_", "NOASK_"))}
    return subprocess.run([str(NOASK), *args], input=stdin, capture_output=True, text=True, env=environment, timeout=60)


@pytest.fixture
def bio_file(tmp_path: Path) -> Path:
    path = tmp_path / "bio.txt"
    path.write_text(BIO, encoding="utf-8")
    return path


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_KEY_SECRET_NAME"):
        monkeypatch.delenv(name, raising=False)
    composition.reset()
    yield
    composition.reset()


# ---- noask draft ------------------------------------------------------------------------------


def test_draft_prints_a_readable_draft_with_its_checks(bio_file: Path) -> None:
    done = run_noask("draft", "--bio-file", str(bio_file), "--pitch", PITCH, "--target-name", "Ana", "--sender-name", "Sam")

    assert done.returncode == 0, done.stderr
    assert "Shared interest:" in done.stdout
    assert "Written by the offline composer" in done.stdout
    assert "Checks:" in done.stdout
    assert "✓" in done.stdout
    assert "✗" not in done.stdout
    assert "Subject:" not in done.stdout


def test_draft_json_is_the_draft_result(bio_file: Path) -> None:
    done = run_noask("draft", "--bio-file", str(bio_file), "--pitch", PITCH, "--channel", "email", "--json")

    assert done.returncode == 0, done.stderr
    result = DraftResult.model_validate_json(done.stdout)
    assert (result.provider, result.channel, result.attempts) == ("offline", Channel.EMAIL, 0)
    assert result.subject
    assert result.checks
    assert all(outcome.passed for outcome in result.checks)


def test_draft_reads_the_bio_from_stdin(
    offline: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Text(BIO))

    assert cli.main(["draft", "--bio-file", "-", "--pitch", PITCH, "--json"]) == 0
    assert DraftResult.model_validate_json(capsys.readouterr().out).provider == "offline"


def test_email_draft_shows_its_subject(offline: None, bio_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["draft", "--bio-file", str(bio_file), "--pitch", PITCH, "--channel", "email"]) == 0
    assert capsys.readouterr().out.startswith("Subject: ")


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["--pitch", "   "], "--pitch"),
        (["--pitch", "x" * (MAX_PITCH_CHARS + 1)], "--pitch"),
        (["--pitch", PITCH, "--target-name", "n" * 200], "--target-name"),
        (["--pitch", PITCH, "--channel", "fax"], "--channel"),
    ],
)
def test_bad_draft_input_is_one_clear_line_and_exit_2(bio_file: Path, arguments: list[str], named: str) -> None:
    done = run_noask("draft", "--bio-file", str(bio_file), *arguments)

    assert done.returncode == 2
    assert named in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("bio", "problem"),
    [(None, "cannot read"), ("", "at least 1 character"), ("b" * (MAX_BIO_CHARS + 1), "at most"), (b"\xff\xfe bio", "not UTF-8")],
)
def test_bad_bio_files_name_the_option(
    offline: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], bio: str | bytes | None, problem: str
) -> None:
    path = tmp_path / "bio.txt"
    if isinstance(bio, bytes):
        path.write_bytes(bio)
    elif bio is not None:
        path.write_text(bio, encoding="utf-8")

    assert cli.main(["draft", "--bio-file", str(path), "--pitch", PITCH]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("noask draft: error: --bio-file")
    assert problem in line


# ---- noask check ------------------------------------------------------------------------------


def test_check_one_clean_message_from_stdin() -> None:
    done = run_noask("check", stdin=CLEAN)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Clean" in done.stdout


def test_check_one_asking_message_explains_the_ask() -> None:
    done = run_noask("check", stdin=ASKING)

    assert done.returncode == 1
    assert "ask" in done.stdout
    assert "✗" in done.stdout


def test_check_jsonl_answers_each_line_in_order_and_survives_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": CLEAN}),
        json.dumps({"text": ASKING}),
        "{not json",
        "",
        json.dumps({"message": CLEAN}),
        json.dumps({"text": CLEAN, "bio": BIO, "pitch": PITCH}),
    ]
    done = run_noask("check", "--jsonl", "-", stdin="\n".join(lines) + "\n")

    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == 5  # the blank line is not an input
    assert answers[0] == {"ask": False, "violations": []}
    assert answers[1]["ask"] is True
    assert {violation["rule"] for violation in answers[1]["violations"]} >= {"ask"}
    assert all(set(violation) == {"rule", "message", "span"} for violation in answers[1]["violations"])
    assert any(violation["span"] for violation in answers[1]["violations"])
    assert "error" in answers[2]
    assert "error" in answers[3]
    assert "text" in answers[3]["error"]
    assert answers[4]["ask"] is False
    assert done.returncode == 2


def test_check_jsonl_exit_status_follows_the_violations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean, asking = tmp_path / "clean.jsonl", tmp_path / "asking.jsonl"
    clean.write_text(json.dumps({"text": CLEAN}) + "\n", encoding="utf-8")
    asking.write_text(json.dumps({"text": CLEAN}) + "\n" + json.dumps({"text": ASKING}) + "\n", encoding="utf-8")

    assert cli.main(["check", "--jsonl", str(clean)]) == 0
    assert cli.main(["check", "--jsonl", str(asking)]) == 1
    assert [json.loads(line)["ask"] for line in capsys.readouterr().out.splitlines()] == [False, False, True]


def test_check_uses_bio_pitch_and_channel_from_the_command_line(bio_file: Path) -> None:
    linked = f"{CLEAN} My portfolio: https://unknown.example/me"
    done = run_noask("check", "--bio-file", str(bio_file), "--pitch", PITCH, "--channel", "linkedin_note", stdin=linked)

    assert done.returncode == 1
    assert "foreign_link" in done.stdout
    assert "length" in done.stdout


def test_check_a_missing_jsonl_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--jsonl", str(tmp_path / "absent.jsonl")]) == 2
    assert capsys.readouterr().err.startswith("noask check: error: --jsonl")


def test_a_verb_is_required() -> None:
    done = run_noask()
    assert done.returncode == 2
    assert "VERB" in done.stderr


class _Text:
    """A minimal stdin stand-in."""

    def __init__(self, text: str) -> None:
        self._text = text

    def read(self) -> str:
        return self._text


# ---- names, the sender's interests and the offer; empty input; a closed pipe ------------------

SWIMMER_BIO = "Leads payments at a bank. Swims in the lake every morning."
SWIMMER_NOTE = "Hi Marta! Fellow open-water swimmer here. I'm a front-end developer who builds accessible booking flows. Sam"


def test_check_knows_the_names_and_the_sender_s_interests(tmp_path: Path) -> None:
    bio = tmp_path / "bio.txt"
    bio.write_text(SWIMMER_BIO, encoding="utf-8")
    common = ("check", "--bio-file", str(bio), "--pitch", PITCH)

    bare = run_noask(*common, stdin=SWIMMER_NOTE)
    assert bare.returncode == 1
    assert "unsupported_claim" in bare.stdout
    assert '"Marta"' in bare.stdout  # a name the bio does not give is an invented fact, unless it is hers

    known = run_noask(
        *common, "--target-name", "Marta", "--sender-name", "Sam", "--sender-interests", "open water swimming",
        stdin=SWIMMER_NOTE,
    )  # fmt: skip
    assert known.returncode == 0, known.stdout
    assert "Clean" in known.stdout


def test_check_jsonl_lines_carry_names_interests_and_offer() -> None:
    text = SWIMMER_NOTE.replace(" Sam", " Happy to send my Booking Flow Audit checklist.\nSam")
    base = {"text": text, "bio": SWIMMER_BIO, "pitch": PITCH}
    lines = [
        json.dumps(base),
        json.dumps(
            {
                **base,
                "target_name": "Marta",
                "sender_name": "Sam",
                "sender_interests": "open water swimming",
                "offer": "my Booking Flow Audit checklist",
            }
        ),
    ]
    done = run_noask("check", "--jsonl", "-", stdin="\n".join(lines) + "\n")

    bare, known = (json.loads(line) for line in done.stdout.splitlines())
    assert {violation["rule"] for violation in bare["violations"]} >= {"unsupported_claim", "invented_fact"}
    assert "Booking Flow Audit" in {violation["span"] for violation in bare["violations"]}
    assert known == {"ask": False, "violations": []}


def test_a_line_s_own_field_replaces_the_option(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    line = json.dumps({"text": "Fellow swimmer here!", "sender_interests": "chess"})
    monkeypatch.setattr(sys, "stdin", io.StringIO(line + "\n"))

    assert cli.main(["check", "--jsonl", "-", "--sender-interests", "swimming"]) == 1
    assert "unsupported_claim" in capsys.readouterr().out


@pytest.mark.parametrize("stdin", ["", "  \n\t\n"])
def test_check_says_an_empty_message_is_empty(stdin: str) -> None:
    done = run_noask("check", stdin=stdin)

    assert done.returncode == 2
    assert "Clean" not in done.stdout
    assert done.stderr.startswith("noask check: error: the message to check is empty")


def test_draft_passes_the_sender_s_interests_and_offer_to_the_service(
    bio_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[DraftRequest] = []

    class Recording:
        def draft(self, request: DraftRequest, *, deadline: float) -> DraftResult:
            asked.append(request)
            raise UnsafeDraftError("stop here")

    monkeypatch.setattr(composition, "drafting_service", Recording)
    arguments = ["--sender-interests", "open water swimming", "--offer", "my audit checklist"]

    assert cli.main(["draft", "--bio-file", str(bio_file), "--pitch", PITCH, *arguments]) == 1
    [request] = asked
    assert (request.sender_interests, request.offer) == ("open water swimming", "my audit checklist")


@pytest.mark.parametrize("option", ["--sender-interests", "--offer"])
def test_draft_names_the_option_when_a_sender_field_is_too_long(bio_file: Path, option: str) -> None:
    done = run_noask("draft", "--bio-file", str(bio_file), "--pitch", PITCH, option, "x" * 600)

    assert done.returncode == 2
    assert done.stderr.startswith(f"noask draft: error: {option}: ")


def test_draft_help_states_each_option_s_default() -> None:
    done = run_noask("draft", "--help")
    flat = " ".join(done.stdout.split())

    for option in ("--channel", "--sender-interests", "--offer", "--target-name", "--sender-name"):
        described = flat.split(option, 2)[-1].split(" --", 1)[0]
        assert "default" in described, option
    assert "(default: linkedin_message)" in flat


def test_a_reader_that_stops_early_gets_no_traceback(bio_file: Path) -> None:
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("OPENAI_", "NOASK_"))}
    command = [str(NOASK), "draft", "--bio-file", str(bio_file), "--pitch", PITCH, "--json"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.close()  # like `| head` that has read all it wants before noask writes
        errors = process.stderr.read().decode()
        status = process.wait(timeout=60)

    assert "Traceback" not in errors
    assert "BrokenPipeError" not in errors
    assert status == cli.EXIT_BROKEN_PIPE


def test_check_jsonl_says_which_line_is_empty() -> None:
    done = run_noask("check", "--jsonl", "-", stdin='{"text": "  "}\n' + json.dumps({"text": CLEAN}) + "\n")

    empty, clean = (json.loads(line) for line in done.stdout.splitlines())
    assert empty == {"line": 1, "error": "text: the message to check is empty"}
    assert clean == {"ask": False, "violations": []}
    assert done.returncode == 2
