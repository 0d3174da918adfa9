"""Real processes for tests: start a worker script, wait for an effect in another process or thread,
find the step a CLI run is executing, stop a server.

One copy of each, so that a fix (a closed pipe, a bounded wait) reaches every test that starts or
waits for a process; the tests differ only in which worker script and which condition they pass.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path


def unmeasured_env(**extra: str) -> dict[str, str]:
    """This process's environment for a third-party Python server (`chroma run`, the MCP SDK server of
    tests/mcp), without COVERAGE_PROCESS_START: coverage would start its tracer there,
    measuring nothing of agentnet (source_pkgs) while it slows every call the server makes. A process that
    runs any agentnet code keeps it: a CLI command, `agentnet serve`, a worker, tests/server/a2a_agent.py,
    and the llama_cpp.server of conftest.py (it calls agentnet.nodes.pool.avoid_amx_kernels first)."""
    return {name: value for name, value in os.environ.items() if name != "COVERAGE_PROCESS_START"} | extra


def start_worker(worker: Path, mode: str, run_id: str, signal_file: Path) -> subprocess.Popen[str]:
    """``python WORKER MODE RUN_ID SIGNAL_FILE`` with its output unbuffered, so a test reads each line
    (the run's JSON result) as the worker prints it, even if the worker is then killed."""
    return subprocess.Popen(
        [sys.executable, str(worker), mode, run_id, str(signal_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def wait_until(condition: Callable[[], object], what: str, timeout_s: float = 60) -> None:
    """Poll ``condition()`` until it is true; fail naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.05)


def running_step(db: Path, process: subprocess.Popen[str], timeout_s: float = 240) -> str:
    """The id of the run whose step is running in the SQLite run database ``db``, once the CLI
    ``process`` has started one (the tables may not exist yet when it is first read)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        if not db.exists():
            continue
        conn = sqlite3.connect(db, timeout=5)
        try:
            row = conn.execute("SELECT run_id FROM agentnet_steps WHERE status='running'").fetchone()
        except sqlite3.OperationalError:
            row = None  # tables not created yet
        finally:
            conn.close()
        if row is not None:
            return str(row[0])
    raise AssertionError(f"no step started: {process.communicate(timeout=60)}")


def cpu_seconds(pid: int) -> float:
    """The CPU seconds process ``pid`` has spent so far (its utime and stime)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime and stime, in clock ticks of 1/100 s


def cpu_after_line(process: subprocess.Popen[str], marker: str, timeout_s: float = 60) -> tuple[str, float]:
    """Read ``process``'s stderr to its end and reap it: the text, and the CPU seconds it spent from
    the first line holding ``marker`` to its exit. CPU time, not wall time: what a process does after
    saying it stops is the same on an idle and a loaded machine, the time it takes is not."""
    assert process.stderr is not None
    lines: list[str] = []
    at_marker: float | None = None
    timer = threading.Timer(timeout_s, process.kill)  # a process that never ends fails its test, not the run
    timer.start()
    try:
        for line in process.stderr:
            lines.append(line)
            if at_marker is None and marker in line:
                at_marker = cpu_seconds(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
        process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    text = "".join(lines)
    assert at_marker is not None, f"{marker!r} not in: {text}"
    return text, usage.ru_utime + usage.ru_stime - at_marker


def stop_process(process: subprocess.Popen[str] | subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 10 s: a server that ignores the first must not outlive its test."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
