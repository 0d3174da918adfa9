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
import time
from collections.abc import Callable
from pathlib import Path


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


def stop_process(process: subprocess.Popen[str] | subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 10 s: a server that ignores the first must not outlive its test."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
