"""A command given more piped stdin than the daemon reads in one request runs in its own process.

With `agentnet daemon` running, `agentnet run "count the words" < big.txt` (5 MB) failed at once with
"the agentnet daemon stopped before the command finished": the daemon reads a request line of at most
4 MB (server/daemon.REQUEST_LINE_BYTES; stdin goes as base64 in it), found the cut line unreadable
and closed the connection, while it was running fine. Real daemon, real CLI processes.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AGENTNET, *args], input=stdin, capture_output=True, text=True, timeout=300, check=False, env=dict(os.environ)
    )


@pytest.fixture
def daemon(agentnet_home: Path) -> Iterator[None]:
    started = cli("daemon", "start")
    assert started.returncode == 0, started.stderr
    try:
        yield
    finally:
        state = agentnet_home / "daemon.json"
        if cli("daemon", "stop").returncode != 0 and state.exists():
            with contextlib.suppress(ProcessLookupError, ValueError, KeyError):
                os.kill(int(json.loads(state.read_text())["pid"]), signal.SIGKILL)


def served() -> int:
    return int(json.loads(cli("daemon", "status", "--json").stdout)["served"])


@pytest.mark.usefixtures("daemon")
def test_stdin_longer_than_a_daemon_request_runs_here() -> None:
    before = served()
    text = "bees make honey. " * 300_000  # 5.1 MB
    ran = cli("run", "count the words", "--json", stdin=text)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert json.loads(ran.stdout.splitlines()[-1])["answer"] == "900000 words"
    small = cli("run", "count the words", "--json", stdin="bees make honey.\n")
    assert small.returncode == 0 and json.loads(small.stdout.splitlines()[-1])["answer"] == "3 words", small.stderr
    assert served() == before + 1  # the small one went to the daemon; the large one ran here


@pytest.mark.usefixtures("daemon")
def test_endless_stdin_with_a_daemon_running_stops_at_the_limit() -> None:
    """`cat /dev/zero | agentnet run ...` read stdin whole to hand it to the daemon: memory ran out.
    Now the command reads what a request can carry, runs here past that, and stops at the limit. The
    process's address space is capped, so a regression fails here, not the machine."""
    Path("agentnet.yaml").write_text("runs:\n  max_artifact_bytes: 1000000\n")
    zeros = subprocess.Popen(["cat", "/dev/zero"], stdout=subprocess.PIPE)
    try:
        ran = subprocess.run(
            [AGENTNET, "run", "count the words"],
            stdin=zeros.stdout,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30)),
        )
    finally:
        zeros.kill()
        zeros.wait()
        zeros.stdout.close()
    assert ran.returncode == 2, ran.stderr[-2000:]
    assert "stdin goes on past 1,000,000 bytes" in ran.stderr and "Traceback" not in ran.stderr
