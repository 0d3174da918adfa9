"""Removing runs from the run database (`agentnet runs rm` and `runs prune`): their trace rows and
LangGraph checkpoints, never a run a live process executes. ``RunStore`` inherits it.

A run's rows and its checkpoints go in one transaction. They went in two, the rows first: a process
killed between them, or a database failing under the second, left checkpoints no run names, which
nothing ever removed (no prune sees a run that is not listed). A prune does not sweep checkpoints
whose thread is no run either: ``Executor.checkpointer`` is the store's saver, and an application
may keep graphs of its own there (``Executor.compile(plan, checkpointer=...)``)."""

from __future__ import annotations

from typing import Any

from agentnet.errors import NotFoundError, RunBusyError
from agentnet.executor import run_sql

# Runs deleted per transaction: a few hundred placeholders, within every engine's limit.
_CHUNK = 500


class RunRemoval:
    """``delete_run``, ``delete_runs`` and ``prune`` on a store's primitives (``RunStore``)."""

    _query: Any
    _transaction: Any
    checkpointer: Any
    get_run: Any
    # LangGraph's saver's tables, each keyed by thread_id (the run id): each engine names its own.
    CHECKPOINT_TABLES: tuple[str, ...]

    def delete_run(self, run_id: str) -> None:
        """Forget a run: its trace and checkpoints (not while a live process executes it)."""
        removed, running = self.delete_runs([run_id])
        if running:
            lease = self.get_run(run_id)["lease"] or {}
            raise RunBusyError(
                f"run {run_id} is running (pid {lease.get('pid')} on {lease.get('host')})",
                hint=f"wait for it, or stop it first (`agentnet runs show {run_id}` says where it runs)",
            )
        if not removed:
            raise NotFoundError(
                f"no run with id {run_id!r}", hint="list the runs with `agentnet runs list`", code="run_not_found"
            )

    def delete_runs(self, run_ids: list[str]) -> tuple[list[str], list[str]]:
        """Forget runs, but not those a live process executes: (removed, running). A chunk at a time,
        its leases read and its rows deleted in one transaction: `runs prune` read each run's whole
        trace (prompts and all) to see its lease, then deleted it in a transaction of its own."""
        removed: list[str] = []
        running: list[str] = []
        self.checkpointer()  # its tables exist (SQLite's saver makes them when first asked for)
        tables = [("agentnet_attempts", "run_id"), ("agentnet_steps", "run_id"), ("agentnet_runs", "id")]
        tables += [(table, "thread_id") for table in self.CHECKPOINT_TABLES]
        for start in range(0, len(run_ids), _CHUNK):
            chunk = tuple(run_ids[start : start + _CHUNK])
            marks = ",".join("?" * len(chunk))
            with self._transaction() as (execute, query):
                found = dict(query(run_sql.LIVE_SQL.format(marks=marks, now="{now}"), chunk))
                gone = tuple(run_id for run_id in chunk if run_id in found and not found[run_id])
                running += [run_id for run_id in chunk if found.get(run_id)]
                if gone:
                    in_gone = ",".join("?" * len(gone))
                    for table, key in tables:
                        execute(f"DELETE FROM {table} WHERE {key} IN ({in_gone})", gone)
            removed += gone
        return removed, running

    def prune(self, keep: int) -> tuple[list[str], list[str]]:
        """Forget all but the newest ``keep`` runs, but not those running: (removed, running)."""
        ids = [row[0] for row in self._query("SELECT id FROM agentnet_runs ORDER BY started DESC, id DESC", ())]
        return self.delete_runs(ids[keep:])
