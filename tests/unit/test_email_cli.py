"""`noask parse-email`: what the email path would read from a message, as JSON."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from shared.cli import main
from tests.support.emails import EMAILS_DIR

REQUIRED_KEYS = {"sender", "note", "pitch", "channel", "bio", "forwarded_from", "verdicts", "reply_allowed", "reason", "scope"}


def parse_email_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["parse-email", *args]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def test_reports_the_note_overrides_bio_and_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    report = parse_email_json(capsys, str(EMAILS_DIR / "gmail_forward_en.eml"))

    assert set(report) >= REQUIRED_KEYS
    assert report["sender"] == "alex.kim@fabrikam.example"
    assert report["channel"] == "email"
    assert report["pitch"].startswith("I build open-source data quality tools")
    assert report["forwarded_from"] == "maya.lindqvist@northwind.example"
    assert report["target_name"] == "Maya Lindqvist"
    assert report["target_rule"] == "forwarded_sender_own_writing"
    assert report["target"].startswith("Maya Lindqvist: no name in the bio")
    assert "ultramarathon" in report["bio"]
    assert report["verdicts"]["dmarc"] == "pass"
    assert report["reply_allowed"] is True
    assert report["reason"] is None
    assert "No profile store was consulted" in report["scope"]


@pytest.mark.parametrize(
    ("name", "reason"), [("auto_reply", "auto_submitted"), ("bounce", "bounce"), ("spoofed_sender", "not_authenticated")]
)
def test_reports_why_no_reply_would_be_sent(capsys: pytest.CaptureFixture[str], name: str, reason: str) -> None:
    report = parse_email_json(capsys, str(EMAILS_DIR / f"{name}.eml"))

    assert report["reply_allowed"] is False
    assert report["reason"] == reason
    assert report["detail"]


def test_the_drafting_address_option_drives_the_loop_check(capsys: pytest.CaptureFixture[str]) -> None:
    report = parse_email_json(capsys, str(EMAILS_DIR / "pasted_bio_en.eml"), "--drafting-address", "Alex.Kim@fabrikam.example")
    assert (report["reply_allowed"], report["reason"]) == (False, "own_address")


def test_reads_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    raw = (EMAILS_DIR / "pasted_bio_ja_shift_jis.eml").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))

    report = parse_email_json(capsys, "-")
    assert report["channel"] == "linkedin_note"
    assert report["bio"].startswith("佐藤 花子")


def test_a_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["parse-email", str(tmp_path / "nope.eml")]) == 2
    assert "noask parse-email: error" in capsys.readouterr().err


def test_reports_which_rule_named_the_target(capsys: pytest.CaptureFixture[str]) -> None:
    report = parse_email_json(capsys, str(EMAILS_DIR / "forwards" / "case_speaker_bio_en.eml"))
    assert (report["target_name"], report["target_rule"]) == ("Kwame Mensah", "speaker_heading")
    assert "speaker blurb" in report["target"]


def test_a_message_with_too_many_mime_parts_is_an_error_not_a_crash(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    parts = "".join("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n" for _ in range(300))
    raw = f'From: a@b.example\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n{parts}--b--\r\n'
    (tmp_path / "many.eml").write_text(raw)
    assert main(["parse-email", str(tmp_path / "many.eml")]) == 2
    assert "more than 200 MIME parts" in capsys.readouterr().err
