"""Debian's Chromium, launched once for every browser test; Playwright never downloads a browser here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.harness import LOCAL_DEFAULTS, ServeProcess, noask_serve, process_tree, still_running

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.skip("Debian chromium is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def serve_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where `noask serve` writes its stderr: the request log, and the verification codes it does not mail."""
    return tmp_path_factory.mktemp("noask-serve") / "stderr.log"


@pytest.fixture(scope="module")
def server(dynamodb_local: str, serve_log: Path) -> Iterator[ServeProcess]:
    """`noask serve` on the session's DynamoDB Local (it reuses the one NOASK_DYNAMODB_ENDPOINT names), stopped
    with Ctrl-C after the module: it must exit 0 and leave none of its processes behind."""
    environment = {**LOCAL_DEFAULTS, "NOASK_DYNAMODB_ENDPOINT": dynamodb_local}
    with noask_serve(environment, serve_log) as served:
        yield served
        children = process_tree(served.process.pid)
    assert served.process.returncode == 0
    assert "Stopped." in "".join(served.output)
    assert children  # its worker processes
    assert still_running(children) == {}


@pytest.fixture(scope="module")
def server_url(server: ServeProcess) -> str:
    return server.url
