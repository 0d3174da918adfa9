"""A run is executed by one process at a time, on SQLite and on PostgreSQL, with real processes and
signals: concurrent resumes, kill -9 of the owner, a frozen owner, cancel from another process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from processes import start_worker, wait_until

from agentnet.config import load_config
from agentnet.errors import RunBusyError, RunError
from agentnet.executor import Executor, open_run_store
from agentnet.planner.plan import Plan, Step
from agentnet.testing import ScriptedModel

WORKER = Path(__file__).with_name("run_worker.py")
LEASE_S = 3.0


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, agentnet_home: Path) -> str:
    """The run database for the test: the SQLite default, or a fresh PostgreSQL database; short leases."""
    Path("agentnet.yaml").write_text(f"runs:\n  lease_s: {LEASE_S}\n")
    if request.param == "postgres":
        monkeypatch.setenv("AGENTNET_RUNS_URL", request.getfixturevalue("pg_url"))
    return str(request.param)


def stored_run(run_id: str) -> dict[str, Any]:
    """The run as the run database has it; the store (a PostgreSQL pool, with engine=postgresql) closed
    again, so no pool is left for the garbage collector to stop from one of its own threads."""
    store = open_run_store()
    try:
        return store.get_run(run_id)
    finally:
        store.close()


def finish(process: subprocess.Popen[str], timeout_s: float = 120) -> dict[str, Any]:
    stdout, stderr = process.communicate(timeout=timeout_s)
    lines = stdout.strip().splitlines()
    assert lines, f"worker printed nothing (exit {process.returncode}):\n{stderr[-3000:]}"
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def crashed_run(run_id: str, tmp_path: Path) -> int:
    """A run whose owner was killed with kill -9 while s2 ran (s1 and s3 done); returns the dead pid."""
    signal_file = tmp_path / f"{run_id}.blocked"
    owner = start_worker(WORKER, "block", run_id, signal_file)
    wait_until(lambda: signal_file.exists() or owner.poll() is not None, "the blocking step")
    assert owner.poll() is None, owner.communicate()
    owner.send_signal(signal.SIGKILL)
    owner.communicate(timeout=10)
    return owner.pid


def resume_when_lease_expires(run_id: str, tmp_path: Path) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        result = finish(start_worker(WORKER, "resume", run_id, tmp_path / "unused"))
        if result.get("error") != "run_busy" or time.monotonic() > deadline:
            return result


def test_kill_9_of_the_owner_then_resume_elsewhere_repeats_no_finished_step(engine: str, tmp_path: Path) -> None:
    dead = crashed_run("crash", tmp_path)
    trace = stored_run("crash")
    assert trace["status"] == "running"
    assert trace["lease"]["pid"] == dead
    if engine == "postgres":
        # Other machines cannot see that pid is gone: the lease must run out first, and says so.
        blocker = ScriptedModel.build("blocker", ["never"])
        executor = Executor([blocker], runs=load_config().runs)
        try:
            with pytest.raises(RunBusyError, match=f"pid {dead} since .* lease expires in"):
                executor.resume("crash")
        finally:
            executor.close()
        assert blocker.calls == []
    resumed = resume_when_lease_expires("crash", tmp_path)
    assert resumed["status"] == "succeeded", resumed
    assert resumed["calls"] == {"fast": 0, "side": 0, "blocker": 1}
    assert "two after one" in resumed["answer"]
    attempts = {s["id"]: len(s["attempts"]) for s in stored_run("crash")["steps"]}
    assert attempts == {"s1": 1, "s3": 1, "s2": 1}


def test_concurrent_resumes_execute_the_step_once_and_the_loser_names_the_owner(engine: str, tmp_path: Path) -> None:
    crashed_run("twice", tmp_path)
    if engine == "postgres":
        wait_until(lambda: stored_run("twice")["lease"]["expires_in_s"] < 0, "the lease to expire")
    gates = [tmp_path / "first.started", tmp_path / "second.started"]
    workers = [start_worker(WORKER, "resume-gated", "twice", gate) for gate in gates]
    # Exactly one of them gets to the gated step; the other is refused at once.
    wait_until(lambda: any(g.exists() for g in gates) and any(w.poll() is not None for w in workers), "one to win")
    winner = 0 if gates[0].exists() else 1
    loser = finish(workers[1 - winner])
    assert loser["error"] == "run_busy", loser
    assert f"pid {workers[winner].pid} since" in loser["message"]
    gates[winner].with_suffix(".go").write_text("go")
    won = finish(workers[winner])
    assert won["status"] == "succeeded" and won["calls"]["blocker"] == 1
    assert not gates[1 - winner].exists()
    s2 = {s["id"]: s for s in stored_run("twice")["steps"]}["s2"]
    assert [a["status"] for a in s2["attempts"]] == ["ok"]


def test_a_frozen_owner_loses_its_lease_and_stops_without_overwriting(engine: str, tmp_path: Path) -> None:
    signal_file = tmp_path / "frozen.blocked"
    owner = start_worker(WORKER, "block", "frozen", signal_file)
    wait_until(lambda: signal_file.exists(), "the blocking step")
    owner.send_signal(signal.SIGSTOP)
    try:
        resumed = resume_when_lease_expires("frozen", tmp_path)
        assert resumed["status"] == "succeeded", resumed
    finally:
        owner.send_signal(signal.SIGCONT)
    # Thawed, the old owner finds its lease taken and stops; the new owner's result stands.
    stopped = finish(owner)
    assert stopped["error"] == "lease_lost", stopped
    trace = stored_run("frozen")
    assert trace["status"] == "succeeded" and trace["lease"] is None
    assert {s["id"]: s["status"] for s in trace["steps"]} == {"s1": "succeeded", "s3": "succeeded", "s2": "succeeded"}


def test_cancel_from_another_process_stops_the_run_within_a_heartbeat(engine: str, tmp_path: Path) -> None:
    signal_file = tmp_path / "cancel.blocked"
    owner = start_worker(WORKER, "block", "cancel", signal_file)
    wait_until(lambda: signal_file.exists(), "the blocking step")
    store = open_run_store()
    assert store.cancel("cancel") == "requested"
    stopped = finish(owner, timeout_s=30)
    assert stopped["error"] == "cancelled", stopped
    trace = store.get_run("cancel")
    assert trace["status"] == "interrupted" and trace["error"]["code"] == "cancelled"
    assert store.cancel("cancel") == "not_running"
    store.close()
    # Cancelled is resumable: the finished steps stay done.
    resumed = finish(start_worker(WORKER, "resume", "cancel", tmp_path / "unused"))
    assert resumed["status"] == "succeeded" and resumed["calls"] == {"fast": 0, "side": 0, "blocker": 1}


def test_cancel_of_a_run_whose_owner_died_marks_it_interrupted_at_once(engine: str, tmp_path: Path) -> None:
    crashed_run("orphan", tmp_path)
    store = open_run_store()
    wait_until(lambda: store.cancel("orphan") == "cancelled", "the orphan to be cancelled", timeout_s=30)
    assert store.get_run("orphan")["status"] == "interrupted"
    store.close()


def test_a_step_that_finishes_after_its_run_was_taken_is_not_kept(engine: str) -> None:
    """The owner's heartbeat stalls (fault injected: it stops renewing, as in a frozen process) while
    a step runs; the lease expires and another store claims the run; the step then finishes: its
    result must be refused, not saved beside the new owner's."""
    settings = load_config().runs.model_copy(update={"lease_s": 0.5})
    other = open_run_store(settings)

    def taken_meanwhile(messages: list[dict[str, str]]) -> str:
        executor.store._heartbeat.beat = lambda leases: None  # type: ignore[method-assign]
        deadline = time.monotonic() + 30
        while True:  # the lease runs out on the database's clock; then the claim succeeds
            try:
                other.start_run("late", "taken", {}, {})
                return "finished late"
            except RunBusyError:
                assert time.monotonic() < deadline, "the stalled lease never expired"
                time.sleep(0.1)

    executor = Executor([ScriptedModel.build("slow", [taken_meanwhile])], runs=settings)
    try:
        with pytest.raises(RunError) as refused:
            executor.run(Plan(task="t", steps=[Step(id="s1", capability="slow", instruction="i")]), run_id="late")
        assert refused.value.code == "lease_lost"
        step = other.get_run("late")["steps"][0]
        assert step["status"] == "running" and step["attempts"] == [], step
        saved = other.checkpointer().get_tuple({"configurable": {"thread_id": "late", "checkpoint_ns": ""}})
        assert "finished late" not in repr(saved.pending_writes if saved else None)
    finally:
        executor.close()
        other.close()


def test_runs_show_says_a_run_whose_owner_was_killed_is_not_running(engine: str, tmp_path: Path) -> None:
    """`agentnet runs show` (the real CLI) of a run whose process died: once its lease ran out it said
    "running on HOST pid N ... (lease expires in -5.1 s unless renewed)"; now that nothing runs it, and the
    command that continues it."""
    dead = crashed_run("stopped", tmp_path)
    wait_until(lambda: stored_run("stopped")["lease"]["expires_in_s"] < 0, "the lease to expire")
    agentnet = str(Path(sys.executable).parent / "agentnet")
    wide = {**os.environ, "COLUMNS": "400"}  # one line each: rich wraps a tree's lines at the terminal's width
    shown = subprocess.run([agentnet, "runs", "show", "stopped"], capture_output=True, text=True, timeout=120, env=wide)
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    assert f"not running: {socket.gethostname()} pid {dead} ran it from" in text, text
    assert "stopped renewing its lease" in text and "continue it with `agentnet run --resume stopped`" in text
    assert "expires in -" not in text
    # Shown with a config file, the command it names uses it too: without it, it read another database.
    Path("shared.yaml").write_text(Path("agentnet.yaml").read_text())
    shown = subprocess.run([agentnet, "runs", "show", "stopped", "-c", "shared.yaml"], capture_output=True, text=True,
                           timeout=120, env=wide)  # fmt: skip
    assert "continue it with `agentnet run --resume stopped -c shared.yaml`" in shown.stdout, shown.stdout
    listed = subprocess.run([agentnet, "runs", "list"], capture_output=True, text=True, timeout=120, env=wide)
    row = next(line for line in listed.stdout.splitlines() if line.strip().startswith("stopped"))
    assert "not running" in row and "not running: its process stopped renewing its lease" in listed.stdout
    resumed = resume_when_lease_expires("stopped", tmp_path)
    assert resumed["status"] == "succeeded", resumed
