"""The run database's schema, as numbered migrations shared by SQLite and PostgreSQL.

Each migration is a list of statements both engines accept; ``agentnet_migrations`` records which
ones a database has. The engine-specific store applies the missing ones on first use, under a lock
that makes several processes starting at once apply each migration exactly once (SQLite: the write
lock of ``BEGIN IMMEDIATE``; PostgreSQL: an advisory lock). A migration is never edited once
released: change the schema by appending one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS agentnet_migrations (v INTEGER PRIMARY KEY, applied DOUBLE PRECISION NOT NULL)"
)

MIGRATIONS: list[list[str]] = [
    # 1: the run traces (runs.sqlite files made before migrations existed already hold these).
    [
        """CREATE TABLE IF NOT EXISTS agentnet_runs (
            id TEXT PRIMARY KEY,
            task TEXT NOT NULL,
            status TEXT NOT NULL,
            started DOUBLE PRECISION NOT NULL,
            finished DOUBLE PRECISION,
            plan TEXT NOT NULL,
            answer TEXT,
            error TEXT,
            budgets TEXT,
            source TEXT
        )""",
        """CREATE TABLE IF NOT EXISTS agentnet_steps (
            run_id TEXT NOT NULL,
            step_id TEXT NOT NULL,
            capability TEXT,
            why TEXT,
            status TEXT NOT NULL,
            node_id TEXT,
            output TEXT,
            prompt_tokens INTEGER DEFAULT 0,
            completion_tokens INTEGER DEFAULT 0,
            latency_s DOUBLE PRECISION DEFAULT 0,
            cost DOUBLE PRECISION DEFAULT 0,
            started DOUBLE PRECISION,
            finished DOUBLE PRECISION,
            PRIMARY KEY (run_id, step_id)
        )""",
        """CREATE TABLE IF NOT EXISTS agentnet_attempts (
            run_id TEXT NOT NULL,
            step_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            node_id TEXT NOT NULL,
            status TEXT NOT NULL,
            error_code TEXT,
            error TEXT,
            prompt_tokens INTEGER DEFAULT 0,
            completion_tokens INTEGER DEFAULT 0,
            latency_s DOUBLE PRECISION DEFAULT 0,
            cost DOUBLE PRECISION DEFAULT 0,
            at DOUBLE PRECISION NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS agentnet_attempts_run ON agentnet_attempts (run_id, step_id)",
    ],
    # 2: leases (one process executes a run at a time) and cancel requests from other processes.
    [
        "ALTER TABLE agentnet_runs ADD COLUMN owner TEXT",
        "ALTER TABLE agentnet_runs ADD COLUMN owner_since DOUBLE PRECISION",
        "ALTER TABLE agentnet_runs ADD COLUMN lease_until DOUBLE PRECISION",
        "ALTER TABLE agentnet_runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX IF NOT EXISTS agentnet_runs_started ON agentnet_runs (started)",
    ],
    # 3: the W3C traceparent of a run's first span (when traced), so its resumes join the same trace.
    ["ALTER TABLE agentnet_runs ADD COLUMN trace_context TEXT"],
    # 4: agentnet serve's A2A tasks (the SDK's Task as JSON, per caller), so they outlive a restart.
    [
        """CREATE TABLE IF NOT EXISTS agentnet_a2a_tasks (
            owner TEXT NOT NULL,
            id TEXT NOT NULL,
            task TEXT NOT NULL,
            updated DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (owner, id)
        )""",
    ],
    # 5: the prompt each step actually sent (its last call's messages as JSON, credentials masked), for `runs show`.
    ["ALTER TABLE agentnet_steps ADD COLUMN prompt TEXT"],
]


def pending(applied: int) -> list[tuple[int, Sequence[str]]]:
    """The migrations after version ``applied``, numbered from 1."""
    return [(number, statements) for number, statements in enumerate(MIGRATIONS, 1) if number > applied]


def apply(execute: Callable[[str, tuple[Any, ...]], Any], applied: int, now: float) -> int:
    """Run the pending migrations through ``execute`` (``?`` placeholders; the caller holds the lock
    and the transaction); returns the version reached."""
    version = applied
    for number, statements in pending(applied):
        for statement in statements:
            execute(statement, ())
        execute("INSERT INTO agentnet_migrations (v, applied) VALUES (?, ?)", (number, now))
        version = number
    return version
