"""What the browser tests share: a page that fails the test on a script error or a request to an
unexpected origin, screenshots, and `noask serve` (what `make run` runs) as a child process."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Page, Request

from shared.local.dynamodb import TEMPLATE_PATH

ARTIFACTS = TEMPLATE_PATH.parent / "test-artifacts"
NOASK = Path(sys.executable).with_name("noask")
# No model and no sign-in, whatever the shell holds: the page drafts offline, as `make run` does on a fresh machine.
LOCAL_DEFAULTS = {
    "OPENAI_API_KEY": "",
    "OPENAI_BASE_URL": "",
    "OPENAI_API_KEY_SECRET_NAME": "",
    "NOASK_COGNITO_DOMAIN_URL": "",
    "NOASK_COGNITO_CLIENT_ID": "",
    # The tests draft more than a day's default quota for one user.
    "NOASK_DAILY_DRAFT_QUOTA": "1000",
}
SERVE_STARTUP_SECONDS = 120
SERVE_STOP_SECONDS = 60


@contextmanager
def watched_page(
    browser: Browser, *, allowed_origins: tuple[str, ...], expected_errors: tuple[str, ...] = (), **context_options: Any
) -> Iterator[Page]:
    """A page in a fresh context (its own storage, a 1280×900 window unless `context_options` say otherwise); on exit,
    no console error (but those containing one of `expected_errors`), no script error, and no request to an origin
    outside `allowed_origins` may have happened."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_options})
    page = context.new_page()
    problems: list[str] = []
    foreign: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # A CSP violation, a script error or a failed request lands here.
        if message.type == "error" and not any(expected in message.text for expected in expected_errors):
            problems.append(message.text)

    def on_request(request: Request) -> None:
        if not request.url.startswith(allowed_origins):
            foreign.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", on_request)
    try:
        yield page
    finally:
        context.close()
    assert problems == [], problems
    assert foreign == [], foreign


def save_screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


# ---- noask serve ------------------------------------------------------------------------------


@dataclass
class ServeProcess:
    """A running `noask serve`: its URL, its process, and what it printed."""

    process: subprocess.Popen[str]
    url: str = ""
    output: list[str] = field(default_factory=list)


def process_tree(root: int) -> dict[int, tuple[str, str]]:
    """Every live descendant of `root`, from /proc: {pid: (command name, start time)}.

    The start time tells a leftover process from a new one that was given the same pid."""
    parents: dict[int, int] = {}
    details: dict[int, tuple[str, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended while we looked
        # The command name sits in parentheses and may itself hold spaces or parentheses.
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(rest[1])
        details[int(entry.name)] = (name, rest[19])
    found: dict[int, tuple[str, str]] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = details[pid]
                frontier.append(pid)
    return found


def still_running(processes: Mapping[int, tuple[str, str]], *, grace_seconds: float = 10) -> dict[int, str]:
    """The processes of a `process_tree` snapshot still running after waiting up to `grace_seconds` for them to end,
    by pid and name.

    A zombie has ended: multiprocessing's resource tracker, for one, is never waited for by its parent
    and waits for init to reap it once the parent is gone. A child may also end a moment after its parent (the
    tracker ends when it reads the end of its pipe): on a busy machine, checking at once saw one as left behind."""
    deadline = time.monotonic() + grace_seconds
    while (left := _running(processes)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def _running(processes: Mapping[int, tuple[str, str]]) -> dict[int, str]:
    left = {}
    for pid, (name, started) in processes.items():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[19] == started and fields[0] != "Z":
            left[pid] = name
    return left


@contextmanager
def noask_serve(environment: Mapping[str, str], log_path: Path) -> Iterator[ServeProcess]:
    """`noask serve --port 0` exactly as `make run` starts it (the port aside), until it prints its URL and
    answers; on exit, Ctrl-C (SIGINT) and a wait for it to end. Its stderr (the request log) goes to log_path."""
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [str(NOASK), "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env={**os.environ, **environment},
        )
    served = ServeProcess(process)
    lines: queue.Queue[str] = queue.Queue()

    def read_output() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            served.output.append(line)
            lines.put(line)

    reader = threading.Thread(target=read_output, name="noask-serve-output", daemon=True)
    reader.start()
    try:
        try:
            first = lines.get(timeout=SERVE_STARTUP_SECONDS)
        except queue.Empty:
            raise AssertionError(f"noask serve printed nothing; its log:\n{log_path.read_text()}") from None
        assert first.startswith("noask is running at http://127.0.0.1:"), f"{first!r}\n{log_path.read_text()}"
        served.url = first.split()[-1].rstrip("/")
        wait_until_answering(served.url)
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=SERVE_STOP_SECONDS)
        finally:
            if process.poll() is None:
                process.kill()
            reader.join(timeout=SERVE_STOP_SECONDS)


def wait_until_answering(url: str) -> None:
    """Until GET / answers 200 (HTTP errors and refused connections are both OSErrors: retried)."""
    deadline = time.monotonic() + SERVE_STARTUP_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"{url}/", timeout=10):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)
