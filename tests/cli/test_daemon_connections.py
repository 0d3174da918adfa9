"""One connection of ``agentnet daemon`` never holds up another's replies (server/daemon.py).

A real daemon process (daemon_worker.py: ``run_daemon`` whose handed-off command prints without end)
and real loopback sockets: a caller that stops reading stalls its own command's output, and only that.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from processes import stop_process, wait_until

WORKER = Path(__file__).parent / "daemon_worker.py"


@pytest.fixture
def daemon(agentnet_home: Path) -> Iterator[dict[str, Any]]:
    process = subprocess.Popen([sys.executable, str(WORKER)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    state = agentnet_home / "daemon.json"
    try:
        wait_until(lambda: state.exists() or process.poll() is not None, "the daemon's daemon.json", 60)
        assert state.exists(), process.communicate(timeout=10)[1]
        yield json.loads(state.read_text())
    finally:
        stop_process(process)
        process.communicate()


def connected(state: dict[str, Any], request: dict[str, Any], receive_buffer: int | None = None) -> socket.socket:
    conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer is not None:  # before connecting: the window it offers the daemon stays that small
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    conn.settimeout(10)
    conn.connect(("127.0.0.1", int(state["port"])))
    conn.sendall(json.dumps({"token": state["token"], **request}).encode() + b"\n")
    return conn


def reply(conn: socket.socket) -> dict[str, Any]:
    """The first line the daemon sends (fails after 10 s without one)."""
    with conn, conn.makefile("rb") as lines:
        return dict(json.loads(lines.readline()))


def stalled(count: Path, still_s: float = 1.5) -> bool:
    """Whether the command's output stopped growing (its caller's buffers are full) for ``still_s``."""
    if not count.exists():
        return False
    before = count.read_text()
    time.sleep(still_s)
    return bool(before) and count.read_text() == before


def test_a_caller_that_stops_reading_holds_up_no_other_connection(daemon: dict[str, Any], tmp_path: Path) -> None:
    count = tmp_path / "written"
    # 1 GiB: far more than the socket buffers between the daemon and a caller hold.
    command = {"op": "cli", "argv": ["loud", str(count), "16384"], "env": dict(os.environ), "cwd": str(tmp_path)}
    command["job"] = "a"
    silent = connected(daemon, command, receive_buffer=4096)  # never read: its command blocks writing to it
    try:
        wait_until(lambda: stalled(count), "the command to stall on its caller", 60)
        assert int(count.read_text()) < 1 << 30  # stalled, not done
        # Another connection's status, and the busy reply to a command that would queue, come at once.
        started = time.monotonic()
        assert reply(connected(daemon, {"op": "status"}))["status"]["pid"] == daemon["pid"]
        busy = {**command, "argv": ["loud", str(tmp_path / "other"), "0"], "job": "b", "wait": False}
        assert reply(connected(daemon, busy)) == {"busy": True}
        assert time.monotonic() - started < 5
    finally:
        silent.close()
    # The caller gone, its command is interrupted once and ends as any command does (served), not cut
    # short by a second interrupt while it ends; the daemon runs the next one.
    wait_until(lambda: reply(connected(daemon, {"op": "status"}))["status"]["served"] == 1, "the command's end", 30)
    quiet = {**command, "argv": ["loud", str(tmp_path / "quiet"), "0"], "job": "c", "wait": False}
    assert reply(connected(daemon, quiet)) == {"exit": 0}


def test_a_connection_that_sends_no_request_is_closed_and_its_thread_ends(daemon: dict[str, Any]) -> None:
    """Anyone on the machine may connect to the daemon's port (the token is checked in the request line):
    a connection that sent nothing, or half a line, held a daemon thread for as long as it stayed open."""
    from agentnet.server.daemon import REQUEST_LINE_S

    def threads() -> int:
        status = Path(f"/proc/{daemon['pid']}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("Threads:")).split()[1])

    before = threads()
    silent = [socket.create_connection(("127.0.0.1", int(daemon["port"])), timeout=30) for _ in range(20)]
    silent[0].sendall(b'{"token": "half a line')
    wait_until(lambda: threads() >= before + 20, "the daemon to take the 20 connections", 30)
    started = time.monotonic()
    for conn in silent:
        with conn:
            assert conn.recv(1) == b""  # closed by the daemon
    assert REQUEST_LINE_S - 1 <= time.monotonic() - started <= REQUEST_LINE_S + 10
    wait_until(lambda: threads() <= before, "the daemon's threads for those connections to end", 10)
    assert reply(connected(daemon, {"op": "status"}))["status"]["pid"] == daemon["pid"]
