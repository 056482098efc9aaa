"""The `noask` command, run as the installed script and in-process. No model is configured: no sockets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared import cli, composition
from shared.models import MAX_BIO_CHARS, MAX_PITCH_CHARS, Channel, DraftResult

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
