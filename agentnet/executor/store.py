"""The run database: LangGraph checkpoints and agentnet's run traces in one SQLite file.

``$AGENTNET_HOME/runs.sqlite`` holds the checkpointer's tables (``checkpoints``, ``writes``) and
the trace tables below. WAL mode and a busy timeout let several processes run at once; each
process opens its own connections. Traces are written as things happen (not at the end), so a
crash leaves a readable record of everything up to the crash.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentnet.errors import NotFoundError
from agentnet.home import home_path

if TYPE_CHECKING:
    from langgraph.checkpoint.sqlite import SqliteSaver

RUNS_DB_NAME = "runs.sqlite"
BUSY_TIMEOUT_S = 30.0

RUN_STATUSES = ("running", "succeeded", "failed", "interrupted", "budget_exceeded")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS agentnet_runs (
    id TEXT PRIMARY KEY,
    task TEXT NOT NULL,
    status TEXT NOT NULL,
    started REAL NOT NULL,
    finished REAL,
    plan TEXT NOT NULL,
    answer TEXT,
    error TEXT,
    budgets TEXT,
    source TEXT
);
CREATE TABLE IF NOT EXISTS agentnet_steps (
    run_id TEXT NOT NULL,
    step_id TEXT NOT NULL,
    capability TEXT,
    why TEXT,
    status TEXT NOT NULL,
    node_id TEXT,
    output TEXT,
    prompt_tokens INTEGER DEFAULT 0,
    completion_tokens INTEGER DEFAULT 0,
    latency_s REAL DEFAULT 0,
    cost REAL DEFAULT 0,
    started REAL,
    finished REAL,
    PRIMARY KEY (run_id, step_id)
);
CREATE TABLE IF NOT EXISTS agentnet_attempts (
    run_id TEXT NOT NULL,
    step_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    node_id TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT,
    error TEXT,
    prompt_tokens INTEGER DEFAULT 0,
    completion_tokens INTEGER DEFAULT 0,
    latency_s REAL DEFAULT 0,
    cost REAL DEFAULT 0,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS agentnet_attempts_run ON agentnet_attempts (run_id, step_id);
"""


_ATTEMPT_SQL = (
    "INSERT INTO agentnet_attempts (run_id, step_id, seq, node_id, status, error_code, error, prompt_tokens,"
    " completion_tokens, latency_s, cost, at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)


def _attempt_row(run_id: str, step_id: str, attempt: dict[str, Any], seq: int) -> tuple[Any, ...]:
    return (
        run_id,
        step_id,
        seq,
        attempt["node_id"],
        attempt["status"],
        attempt.get("error_code"),
        attempt.get("error"),
        attempt.get("prompt_tokens", 0),
        attempt.get("completion_tokens", 0),
        attempt.get("latency_s", 0.0),
        attempt.get("cost", 0.0),
        time.time(),
    )


def runs_db_path() -> Path:
    return home_path(RUNS_DB_NAME)


def connect(path: Path) -> sqlite3.Connection:
    """A connection safe to share between threads (callers lock) and between processes (WAL)."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    _retry_locked(lambda: conn.execute("PRAGMA journal_mode=WAL"))
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def _retry_locked(action: Any, attempts: int = 50) -> Any:
    # Switching journal mode needs a moment of exclusive access; another process may hold it.
    for index in range(attempts):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or index == attempts - 1:
                raise
            time.sleep(0.05)
    return None


def open_checkpointer(path: Path | None = None) -> SqliteSaver:
    """LangGraph's SQLite checkpointer on the run database (own connection, WAL, busy timeout)."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    saver = SqliteSaver(connect(path or runs_db_path()))
    _retry_locked(saver.setup)
    return saver


class RunStore:
    """Run traces: one row per run, per step and per attempt."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or runs_db_path()
        self._conn = connect(self.path)
        self._lock = threading.Lock()
        _retry_locked(lambda: self._conn.executescript(_SCHEMA))

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        with self._lock:
            _retry_locked(lambda: self._conn.execute(sql, params))

    # --- runs ------------------------------------------------------------------------------

    def start_run(self, run_id: str, task: str, plan: dict[str, Any], budgets: dict[str, Any]) -> None:
        self._write(
            "INSERT INTO agentnet_runs (id, task, status, started, plan, budgets, source) VALUES (?,?,?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET status='running', finished=NULL, error=NULL",
            (run_id, task, "running", time.time(), json.dumps(plan), json.dumps(budgets), plan.get("source")),
        )

    def set_status(
        self, run_id: str, status: str, *, answer: str | None = None, error: dict[str, Any] | None = None
    ) -> None:
        finished = None if status == "running" else time.time()
        self._write(
            "UPDATE agentnet_runs SET status=?, finished=?, answer=COALESCE(?, answer), error=? WHERE id=?",
            (status, finished, answer, json.dumps(error) if error else None, run_id),
        )

    # --- steps and attempts ----------------------------------------------------------------

    def step_started(self, run_id: str, step_id: str, capability: str, why: str) -> int:
        """Mark the step running; returns how many attempts it already has (a resumed or looped step)."""
        self._write(
            "INSERT INTO agentnet_steps (run_id, step_id, capability, why, status, started) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT(run_id, step_id) DO UPDATE SET status='running', started=excluded.started",
            (run_id, step_id, capability, why, "running", time.time()),
        )
        with self._lock:
            row = self._conn.execute(
                "SELECT COUNT(*) FROM agentnet_attempts WHERE run_id=? AND step_id=?", (run_id, step_id)
            ).fetchone()
        return int(row[0])

    def record_attempt(self, run_id: str, step_id: str, attempt: dict[str, Any], seq: int) -> None:
        self._write(_ATTEMPT_SQL, _attempt_row(run_id, step_id, attempt, seq))

    def step_finished(
        self,
        run_id: str,
        step_id: str,
        status: str,
        result: dict[str, Any] | None = None,
        attempt: tuple[dict[str, Any], int] | None = None,
    ) -> None:
        """The step's outcome, with its last attempt, in one transaction (one WAL commit)."""
        result = result or {}
        step_row = (
            status,
            result.get("node_id"),
            result.get("text"),
            result.get("prompt_tokens", 0),
            result.get("completion_tokens", 0),
            result.get("latency_s", 0.0),
            result.get("cost", 0.0),
            time.time(),
            run_id,
            step_id,
        )

        def write() -> None:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                if attempt is not None:
                    self._conn.execute(_ATTEMPT_SQL, _attempt_row(run_id, step_id, *attempt))
                self._conn.execute(
                    "UPDATE agentnet_steps SET status=?, node_id=?, output=?, prompt_tokens=?, completion_tokens=?,"
                    " latency_s=?, cost=?, finished=? WHERE run_id=? AND step_id=?",
                    step_row,
                )
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

        with self._lock:
            _retry_locked(write)

    # --- reading ---------------------------------------------------------------------------

    def list_runs(self, limit: int = 50) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, status, task, started, finished FROM agentnet_runs ORDER BY started DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [{"id": r[0], "status": r[1], "task": r[2], "started": _iso(r[3]), "finished": _iso(r[4])} for r in rows]

    def get_run(self, run_id: str) -> dict[str, Any]:
        """The whole trace of one run: plan, status, answer, error, steps with their attempts."""
        with self._lock:
            row = self._conn.execute(
                "SELECT id, task, status, started, finished, plan, answer, error, budgets FROM agentnet_runs"
                " WHERE id=?",
                (run_id,),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no run with id {run_id!r}", hint="list the runs with `agentnet runs list`")
            steps = self._conn.execute(
                "SELECT step_id, capability, why, status, node_id, output, prompt_tokens, completion_tokens,"
                " latency_s, cost FROM agentnet_steps WHERE run_id=? ORDER BY started",
                (run_id,),
            ).fetchall()
            attempts = self._conn.execute(
                "SELECT step_id, seq, node_id, status, error_code, error, prompt_tokens, completion_tokens,"
                " latency_s, cost FROM agentnet_attempts WHERE run_id=? ORDER BY at, seq",
                (run_id,),
            ).fetchall()
        by_step: dict[str, list[dict[str, Any]]] = {}
        for a in attempts:
            by_step.setdefault(a[0], []).append(
                {
                    "seq": a[1],
                    "node_id": a[2],
                    "status": a[3],
                    "error_code": a[4],
                    "error": a[5],
                    "prompt_tokens": a[6],
                    "completion_tokens": a[7],
                    "latency_s": a[8],
                    "cost": a[9],
                }
            )
        step_list = [
            {
                "id": s[0],
                "capability": s[1],
                "why": s[2],
                "status": s[3],
                "node_id": s[4],
                "output": s[5],
                "prompt_tokens": s[6],
                "completion_tokens": s[7],
                "latency_s": s[8],
                "cost": s[9],
                "attempts": by_step.get(s[0], []),
            }
            for s in steps
        ]
        return {
            "id": row[0],
            "task": row[1],
            "status": row[2],
            "started": _iso(row[3]),
            "finished": _iso(row[4]),
            "plan": json.loads(row[5]),
            "answer": row[6],
            "error": json.loads(row[7]) if row[7] else None,
            "budgets": json.loads(row[8]) if row[8] else {},
            "steps": step_list,
            "tokens": sum(s["prompt_tokens"] + s["completion_tokens"] for s in step_list),
            "cost": sum(s["cost"] for s in step_list),
        }


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))
