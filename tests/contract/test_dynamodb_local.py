"""DynamoDB Local as the launcher runs it: loopback only, and it never outlives whoever started it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from shared.local.dynamodb import DynamoDBLocal, local_client

pytestmark = pytest.mark.integration

TCP_LISTEN = "0A"


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port`, from /proc (hex, as the kernel writes them)."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == TCP_LISTEN and int(hex_port, 16) == port:
                addresses.add(address)
    return addresses


def process_running(pid: int) -> bool:
    """True while the process runs; an exited one that nobody has reaped yet (a zombie) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_it_listens_on_loopback_only(dynamodb_local: str) -> None:
    port = urlsplit(dynamodb_local).port
    assert port is not None

    # 0100007F is 127.0.0.1 in /proc's little-endian hex; 0.0.0.0 would be 00000000.
    assert listening_addresses(port) == {"0100007F"}


def test_stop_leaves_no_process_and_frees_the_port() -> None:
    server = DynamoDBLocal()
    server.start()
    pid, port = server.pid, server.port
    assert pid is not None
    assert port is not None
    assert local_client(server.endpoint_url).list_tables()["TableNames"] == []

    server.stop()

    assert not Path(f"/proc/{pid}").exists()  # exited and reaped: not even a zombie is left
    assert listening_addresses(port) == set()
    assert server.pid is None
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.endpoint_url


def test_it_stops_when_its_parent_is_killed(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from shared.local.dynamodb import DynamoDBLocal\n"
        "server = DynamoDBLocal()\n"
        "server.start()\n"
        "print(server.pid, server.port, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        java_pid, port = (int(value) for value in parent.stdout.readline().split())
        assert process_running(java_pid)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()

    # The launcher sees its stdin close and shuts down; nothing is left listening.
    assert wait_until(lambda: listening_addresses(port) == set(), timeout=30)
    assert wait_until(lambda: not process_running(java_pid), timeout=30)
