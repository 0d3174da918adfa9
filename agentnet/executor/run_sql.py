"""The SQL of the run store, written once for every engine (``RunStore.q`` translates it): ``?``
placeholders, ``{now}`` (the database's clock, epoch seconds) and ``{share}`` (a row lock for a
read inside a transaction)."""

from __future__ import annotations

import time
from typing import Any

# Written once per (run, step, seq) however often it is sent: a write made again after its connection
# was lost (``postgres_store.again_if_dropped``) may have committed the first time. An attempt's seq is
# its step's count of attempts before it (one process executes a run), so it is never reused otherwise.
ATTEMPT_SQL = (
    "INSERT INTO agentnet_attempts (run_id, step_id, seq, node_id, status, error_code, error, prompt_tokens,"
    " completion_tokens, latency_s, cost, at) SELECT ?,?,?,?,?,?,?,?,?,?,?,?"
    " WHERE NOT EXISTS (SELECT 1 FROM agentnet_attempts WHERE run_id=? AND step_id=? AND seq=?)"
)
# A new run, or a run whose lease is free, expired or already ours: claimed in one statement.
CLAIM_SQL = (
    "INSERT INTO agentnet_runs (id, task, status, started, plan, budgets, source, owner, owner_since, lease_until,"
    " cancel_requested) VALUES (?,?,'running',?,?,?,?,?,{now},{now} + ?,0)"
    " ON CONFLICT(id) DO UPDATE SET status='running', finished=NULL, error=NULL, owner=excluded.owner,"
    " owner_since=excluded.owner_since, lease_until=excluded.lease_until, cancel_requested=0"
    " WHERE agentnet_runs.owner IS NULL OR agentnet_runs.lease_until < {now} OR agentnet_runs.owner = excluded.owner"
)
# A run that failed before it could start (its task could not be planned): recorded once, never over
# a run that exists (another start, in another process, took the id first).
REFUSED_SQL = (
    "INSERT INTO agentnet_runs (id, task, status, started, finished, plan, error, budgets, source, cancel_requested)"
    " VALUES (?,?,'failed',?,?,?,?,?,NULL,0) ON CONFLICT(id) DO NOTHING"
)
HOLDER_SQL = "SELECT owner, owner_since, lease_until - {now} FROM agentnet_runs WHERE id=?"
STATUS_SQL = (
    "UPDATE agentnet_runs SET status=?, finished=?, answer=COALESCE(?, answer), error=?, owner=NULL,"
    " lease_until=NULL WHERE id=? AND (owner IS NULL OR owner=?)"
)
STEP_CHECK_SQL = (
    "SELECT owner, cancel_requested, (SELECT COUNT(*) FROM agentnet_attempts WHERE run_id=? AND step_id=?)"
    " FROM agentnet_runs WHERE id=?"
)
STEP_START_SQL = (
    "INSERT INTO agentnet_steps (run_id, step_id, capability, why, status, started, prompt) VALUES (?,?,?,?,?,?,?) "
    "ON CONFLICT(run_id, step_id) DO UPDATE SET status='running', started=excluded.started, prompt=excluded.prompt"
)
# The same, only while the run is owned by the given owner and not cancelled.
STEP_START_IF_OURS_SQL = (
    "INSERT INTO agentnet_steps (run_id, step_id, capability, why, status, started, prompt) SELECT ?,?,?,?,?,?,?"
    " WHERE EXISTS (SELECT 1 FROM agentnet_runs WHERE id=? AND owner=? AND cancel_requested=0) "
    "ON CONFLICT(run_id, step_id) DO UPDATE SET status='running', started=excluded.started, prompt=excluded.prompt"
)
STEP_END_SQL = (
    "UPDATE agentnet_steps SET status=?, node_id=?, output=?, prompt_tokens=?, completion_tokens=?,"
    " latency_s=?, cost=?, finished=? WHERE run_id=? AND step_id=?"
)
OWNER_SQL = "SELECT owner FROM agentnet_runs WHERE id=?{share}"
# Outside a transaction: a plain read (on PostgreSQL a row lock would make it a transaction that
# waits for a WAL flush to commit).
OWNER_READ_SQL = "SELECT owner FROM agentnet_runs WHERE id=?"
TASK_PUT_SQL = (
    "INSERT INTO agentnet_a2a_tasks (owner, id, task, updated) VALUES (?,?,?,?)"
    " ON CONFLICT(owner, id) DO UPDATE SET task=excluded.task, updated=excluded.updated"
)
ORPHAN_CANCEL_SQL = (
    "UPDATE agentnet_runs SET status='interrupted', finished=?, error=?, owner=NULL, lease_until=NULL"
    " WHERE id=? AND status='running' AND (owner IS NULL OR lease_until < {now} OR owner = ?)"
)


def attempt_row(run_id: str, step_id: str, attempt: dict[str, Any], seq: int) -> tuple[Any, ...]:
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
        run_id,
        step_id,
        seq,
    )


# Of the runs asked for (``{marks}`` placeholders), each with whether a live process executes it.
LIVE_SQL = (
    "SELECT id, CASE WHEN status = 'running' AND owner IS NOT NULL AND lease_until > {now} THEN 1 ELSE 0 END"
    " FROM agentnet_runs WHERE id IN ({marks})"
)
