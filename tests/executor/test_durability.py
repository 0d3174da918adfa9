"""Crashes and interrupts in real processes: kill -9, Ctrl-C (SIGINT), two runs at once."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from processes import start_worker

from agentnet.executor import open_run_store

WORKER = Path(__file__).with_name("run_worker.py")


def _wait_for(path: Path, process: subprocess.Popen[str], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"worker exited early: {process.communicate()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("the blocking step never started")
        time.sleep(0.05)


def _resume(run_id: str, tmp_path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, str(WORKER), "resume", run_id, str(tmp_path / "unused")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_kill_9_mid_run_then_resume_skips_finished_steps(tmp_path: Path, agentnet_home: Path) -> None:
    signal_file = tmp_path / "blocked"
    process = start_worker(WORKER, "block", "crash1", signal_file)
    _wait_for(signal_file, process)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=10)
    assert process.returncode == -signal.SIGKILL

    store = open_run_store()
    trace = store.get_run("crash1")
    # The process died without a chance to say so: the run is still marked running.
    assert trace["status"] == "running"
    assert {s["id"]: s["status"] for s in trace["steps"]} == {"s1": "succeeded", "s3": "succeeded", "s2": "running"}

    resumed = _resume("crash1", tmp_path)
    assert resumed["status"] == "succeeded"
    # s1 and s3 finished before the crash: not run again. s2 runs once and sees s1's output.
    assert resumed["calls"] == {"fast": 0, "side": 0, "blocker": 1}
    assert "two after one" in str(resumed["answer"])
    assert "three" in str(resumed["answer"])
    assert store.get_run("crash1")["status"] == "succeeded"


def test_ctrl_c_saves_run_as_interrupted_and_resumable(tmp_path: Path, agentnet_home: Path) -> None:
    signal_file = tmp_path / "blocked"
    process = start_worker(WORKER, "block", "sigint1", signal_file)
    _wait_for(signal_file, process)
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    # The blocked step is abandoned at once, not waited for (it would block for 300 s).
    assert time.monotonic() - started < 10
    assert process.returncode != 0
    assert "KeyboardInterrupt" in stderr

    trace = open_run_store().get_run("sigint1")
    assert trace["status"] == "interrupted"
    assert {s["id"]: s["status"] for s in trace["steps"]}["s2"] == "interrupted"

    resumed = _resume("sigint1", tmp_path)
    assert resumed["status"] == "succeeded"
    assert resumed["calls"] == {"fast": 0, "side": 0, "blocker": 1}


def test_two_runs_in_two_processes_both_complete(tmp_path: Path, agentnet_home: Path) -> None:
    first = start_worker(WORKER, "pair", "runA", tmp_path / "a")
    second = start_worker(WORKER, "pair", "runB", tmp_path / "b")
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    for process, (stdout, stderr) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, stderr
        assert json.loads(stdout.strip().splitlines()[-1])["status"] == "succeeded"
    store = open_run_store()
    assert {r["id"]: r["status"] for r in store.list_runs()} == {"runA": "succeeded", "runB": "succeeded"}
    for run_id in ("runA", "runB"):
        steps = store.get_run(run_id)["steps"]
        assert sorted(s["id"] for s in steps) == ["join", "p0", "p1", "p2"]
        assert all(s["output"].startswith(run_id) for s in steps)
    conn = sqlite3.connect(agentnet_home / "runs.sqlite")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        threads = {row[0] for row in conn.execute("SELECT DISTINCT thread_id FROM checkpoints")}
        assert threads == {"runA", "runB"}
    finally:
        conn.close()
