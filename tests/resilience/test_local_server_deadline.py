"""`noask serve` under a stuck handler: the deadline stops the work, and Ctrl-C / SIGTERM stop the server.

A throwaway template declares one function whose handler sleeps, reports its remaining time, or answers at once.
No DynamoDB is needed: the server is given a fake endpoint that answers ListTables with no tables.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from shared.local.server import LocalApi

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# API Gateway's limit is 30 s; the tests shorten it so that a stuck request ends quickly.
SHORT_DEADLINE_SECONDS = 3.0
# Generous bounds: "promptly" means well before the 30 s a request may take, on a busy 2-core machine.
PROMPT_SECONDS = 25.0

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ProbeFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: .
      Handler: deadline_probe.handler
      Runtime: python3.11
      Timeout: 29
      Events:
        Sleep:
          Type: HttpApi
          Properties: {Method: GET, Path: /sleep}
        Remaining:
          Type: HttpApi
          Properties: {Method: GET, Path: /remaining}
"""

HANDLER = """\
import json
import os
import time
from pathlib import Path


def handler(event, context):
    if event["rawPath"] == "/sleep":
        Path(__file__).with_name("sleeping.pid").write_text(str(os.getpid()))
        while True:  # a handler that never finishes, burning CPU as a quadratic pattern would
            time.sleep(0.01)
    body = {"remaining_ms": context.get_remaining_time_in_millis(), "pid": os.getpid()}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
"""


@pytest.fixture
def probe_template(tmp_path: Path) -> Path:
    (tmp_path / "deadline_probe.py").write_text(HANDLER, encoding="utf-8")
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE, encoding="utf-8")
    return template


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _get_until_dropped(url: str) -> None:
    """A request the server will drop when it stops: the dropped connection is the expected end."""
    with contextlib.suppress(OSError):
        _get(url)


def _wait_for(condition: object, seconds: float = PROMPT_SECONDS) -> bool:
    assert callable(condition)
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _sleeping_pid(template: Path) -> int:
    pid_file = template.with_name("sleeping.pid")
    assert _wait_for(pid_file.exists), "the stuck handler never started"
    return int(pid_file.read_text())


def test_the_handler_is_told_the_time_left_before_the_deadline(probe_template: Path) -> None:
    with LocalApi(template_path=probe_template, port=0, workers=1, integration_timeout_seconds=SHORT_DEADLINE_SECONDS) as api:
        api.start_in_thread()
        status, body = _get(f"{api.url}/remaining")
    assert status == 200
    assert isinstance(body["remaining_ms"], int)
    assert 0 < body["remaining_ms"] <= SHORT_DEADLINE_SECONDS * 1000


def test_a_request_past_its_deadline_gets_503_and_its_stuck_worker_is_replaced(probe_template: Path) -> None:
    with LocalApi(template_path=probe_template, port=0, workers=1, integration_timeout_seconds=SHORT_DEADLINE_SECONDS) as api:
        api.start_in_thread()
        started = time.monotonic()
        status, body = _get(f"{api.url}/sleep")
        elapsed = time.monotonic() - started
        stuck = _sleeping_pid(probe_template)

        assert status == 503
        assert body == {"message": "Service Unavailable"}
        assert elapsed < PROMPT_SECONDS
        assert _wait_for(lambda: _gone(stuck)), "the worker kept running after its request's deadline"

        # The only worker slot is free again, and a fresh worker answers (a retry if it was still starting up).
        for _ in range(5):
            status, body = _get(f"{api.url}/remaining")
            if status == 200:
                break
        assert status == 200
        assert body["pid"] != stuck


class _NoTables(BaseHTTPRequestHandler):
    """Just enough of DynamoDB for `noask serve` to start on a template without tables."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"TableNames": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def fake_dynamodb() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NoTables)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_noask_serve_stops_promptly_with_a_request_in_flight(
    probe_template: Path, fake_dynamodb: str, stop_signal: signal.Signals
) -> None:
    command = [
        sys.executable,
        "-c",
        "import sys; from shared.cli import main; sys.exit(main())",
        "serve",
        "--no-dynamodb",
        "--port",
        "0",
        "--workers",
        "1",
        "-t",
        str(probe_template),
    ]
    environment = {**os.environ, "NOASK_DYNAMODB_ENDPOINT": fake_dynamodb, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        first_line = server.stdout.readline()
        assert "running at" in first_line, first_line
        url = first_line.split("running at", 1)[1].strip().rstrip("/")
        in_flight = threading.Thread(target=_get_until_dropped, args=(f"{url}/sleep",), daemon=True)
        in_flight.start()
        stuck = _sleeping_pid(probe_template)

        stopped_at = time.monotonic()
        server.send_signal(stop_signal)
        server.wait(timeout=PROMPT_SECONDS)
        assert time.monotonic() - stopped_at < PROMPT_SECONDS
        assert server.returncode == 0
        assert _wait_for(lambda: _gone(stuck)), "the busy worker outlived the server"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
