"""The run database: LangGraph checkpoints, agentnet's run traces and run leases, in one database.

``RunStore`` is the one interface; ``run_db.open_run_store()`` picks the engine from the URL:

- ``sqlite:///PATH`` (the default: ``$AGENTNET_HOME/runs.sqlite``, no setup): LangGraph's SQLite
  saver beside the trace tables, WAL mode, for the processes of one machine.
- ``postgresql://…``: LangGraph's PostgreSQL saver beside the trace tables, on a connection pool,
  for any number of processes and machines.

Both run the same SQL (``migrations.py`` holds the schema); an engine module only supplies
connections, transactions, the database's clock and its checkpointer. Traces are written as things
happen (not at the end), so a crash leaves a readable record of everything up to the crash. A run is
executed by one process at a time: starting or resuming it claims its lease (``lease.py``), and
every step checks the lease is still held before it calls a model.
"""

from __future__ import annotations

import json
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from agentnet.errors import NotFoundError, RunStoreError
from agentnet.executor import run_sql
from agentnet.executor.lease import Heartbeat, Instant, Lease, Owner, busy_error, lease_lost, run_cancelled
from agentnet.executor.pending_rows import PendingRows, Row
from agentnet.executor.run_reading import RunReading
from agentnet.executor.run_removal import RunRemoval
from agentnet.redact import redact_text, redact_url

RUN_STATUSES = ("running", "succeeded", "failed", "interrupted", "budget_exceeded")

Execute = Callable[[str, tuple[Any, ...]], int]
Query = Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]


@contextmanager
def unsaved_on_failure() -> Iterator[None]:
    """Around opening the run database and writing a new run's row: a ``RunStoreError`` from there says the
    run was never saved. The CLI said "once the database is back, `agentnet runs show ID` shows what was
    saved" of a run that no database held ("no run with id ..." once it was back)."""
    try:
        yield
    except RunStoreError as exc:
        exc.run_saved = False
        raise


class RunStore(RunReading, RunRemoval, ABC):
    """Run traces (one row per run, step and attempt), run leases, and the LangGraph checkpointer.

    Engines implement the primitives (``_execute``, ``_query``, ``_transaction``, ``checkpointer``,
    ``close``), which take SQL written with ``?`` placeholders, ``{now}`` and ``{share}`` and pass
    it through ``q()``; and the dialect: ``NOW``, the database's clock in epoch seconds (leases are
    compared on one clock, whichever machine asks), and ``SHARE``, a row lock for a read inside a
    transaction.
    """

    NOW = ""
    SHARE = ""

    def __init__(self, url: str, lease_s: float) -> None:
        self.url = url
        self.lease_s = lease_s
        self.owner = Owner.here()
        self._owner_json = self.owner.to_json()
        self._sql: dict[str, str] = {}
        self._heartbeat = Heartbeat(self._renew, lease_s)
        # A succeeded step's rows, held for the saver to commit with the step's writes (see
        # pending_rows.py); engines whose saver does so set ``_rows_with_writes`` when they make it.
        self._pending = PendingRows()
        self._rows_with_writes = False
        self._claimed: dict[str, Instant] = {}

    # --- what an engine provides -----------------------------------------------------------

    @abstractmethod
    def _execute(self, sql: str, params: tuple[Any, ...]) -> int:
        """Run one statement on its own (autocommit); the number of rows it changed."""

    @abstractmethod
    def _query(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Rows of one query."""

    @abstractmethod
    def _transaction(self) -> Any:
        """A context manager yielding ``(execute, query)`` bound to one transaction."""

    def _trace_transaction(self) -> Any:
        """A transaction for the step and attempt rows (engines may commit it more cheaply)."""
        return self._transaction()

    def _write_then_read(self, writes: list[Row], read: Row) -> list[tuple[Any, ...]]:
        """``writes``, then the query ``read``, in one trace transaction; the query's rows."""
        with self._trace_transaction() as (execute, query):
            for sql, params in writes:
                execute(sql, params)
            return query(*read)

    @abstractmethod
    def checkpointer(self) -> Any:
        """LangGraph's saver for this database (created once, closed with the store)."""

    def close(self) -> None:
        self._heartbeat.close()
        for run_id in self._pending.runs():
            with suppress(Exception):  # the database is gone: the runs' resumes run those steps again
                self._flush(run_id)

    def _flush(self, run_id: str) -> None:
        """Commit the run's held rows now (the end of its execution, closing the store)."""
        with self._pending.taken(run_id) as held:
            if held:
                with self._trace_transaction() as (execute, _query):
                    for sql, params in held:
                        execute(sql, params)

    def _dialect(self, sql: str) -> str:
        return sql.replace("{now}", self.NOW).replace("{share}", self.SHARE)

    def q(self, sql: str) -> str:
        """``sql`` in this engine's terms (translated once, then cached)."""
        found = self._sql.get(sql)
        if found is None:
            found = self._sql[sql] = self._dialect(sql)
        return found

    @property
    def display_url(self) -> str:
        """The URL as shown to people: no credentials."""
        return redact_url(self.url)

    # --- runs and leases -------------------------------------------------------------------

    def start_run(self, run_id: str, task: str, plan: dict[str, Any], budgets: dict[str, Any]) -> None:
        """Record the run as running and claim its lease; ``RunBusyError`` when a live process holds it."""
        params = (
            run_id,
            task,
            time.time(),
            json.dumps(plan),
            json.dumps(budgets),
            plan.get("source"),
            self._owner_json,
            self.lease_s,
        )
        if self._claim(run_id, params):
            return
        rows = self._query(run_sql.HOLDER_SQL, (run_id,))
        holder = Owner.from_json(rows[0][0]) if rows else None
        if holder is not None and self._may_take_from(holder):
            self._execute("UPDATE agentnet_runs SET owner=NULL WHERE id=? AND owner=?", (run_id, rows[0][0]))
            if self._claim(run_id, params):
                return
            rows = self._query(run_sql.HOLDER_SQL, (run_id,))
            holder = Owner.from_json(rows[0][0]) if rows else None
        if holder is None and self._claim(run_id, params):  # released meanwhile
            return
        if holder is None:
            raise busy_error(run_id, Owner(id="?", host="another process", pid=0), None, None)
        raise busy_error(run_id, holder, rows[0][1], rows[0][2])

    def refused(self, run_id: str, task: str, plan: dict[str, Any], error: dict[str, Any]) -> None:
        """Record a run that failed before it started (no lease, no steps), unless the id is taken."""
        now = time.time()
        self._execute(run_sql.REFUSED_SQL, (run_id, task, now, now, json.dumps(plan), json.dumps(error), "{}"))

    def _claim(self, run_id: str, params: tuple[Any, ...]) -> bool:
        sent = Instant()
        if not self._execute(run_sql.CLAIM_SQL, params):
            return False
        self._claimed[run_id] = sent  # for the lease ``executing`` holds next
        return True

    def _may_take_from(self, holder: Owner) -> bool:
        """Whether a live-looking lease may be taken at once (engines that can see the holder is dead)."""
        return False

    @contextmanager
    def executing(self, run_id: str, cancel: threading.Event) -> Iterator[Lease]:
        """Keep the run's lease renewed while it executes; the lease says why it stopped if it did."""
        lease = self._heartbeat.hold(run_id, cancel, self._claimed.pop(run_id, None))
        try:
            yield lease
        finally:
            self._heartbeat.drop(run_id)
            # Rows that cannot be written now stay held for the next write or close: the run's own
            # outcome (or error) matters more here.
            with suppress(Exception):
                self._flush(run_id)

    def _renew(self, run_ids: list[str]) -> tuple[set[str], set[str]]:
        marks = ",".join("?" * len(run_ids))
        rows = []
        with self._transaction() as (execute, query):
            execute(
                f"UPDATE agentnet_runs SET lease_until = {{now}} + ? WHERE owner = ? AND id IN ({marks})",
                (self.lease_s, self._owner_json, *run_ids),
            )
            rows = query(
                f"SELECT id, cancel_requested FROM agentnet_runs WHERE owner = ? AND id IN ({marks})",
                (self._owner_json, *run_ids),
            )
        return {r[0] for r in rows}, {r[0] for r in rows if r[1]}

    def set_status(
        self, run_id: str, status: str, *, answer: str | None = None, error: dict[str, Any] | None = None
    ) -> None:
        """The run's outcome; releases its lease. Ignored when another process owns the run now."""
        finished = None if status == "running" else time.time()
        self._execute(
            run_sql.STATUS_SQL,
            (status, finished, answer, json.dumps(error) if error else None, run_id, self._owner_json),
        )

    def stop_all(self, resume: Callable[[str], str] | None = None) -> list[str]:
        """Stop the runs this store executes, and any it starts from now on, saved interrupted as the
        process shuts down (``agentnet serve`` on SIGTERM), their errors saying how to resume them with
        ``resume(run_id)`` when given; the ids of those running now."""
        return self._heartbeat.stop_all("shutdown", resume)

    def executing_ids(self) -> list[str]:
        """The runs this store executes now."""
        return self._heartbeat.held_ids()

    def stopped_ids(self) -> list[str]:
        """The runs ``stop_all`` stopped, then or as they started."""
        return list(self._heartbeat.stopped)

    def start_again(self) -> None:
        """Runs started from now on run, after ``stop_all`` (a server stopped inside a process that goes on)."""
        self._heartbeat.start_again()

    def cancel(self, run_id: str) -> str:
        """Stop a run wherever it executes: ``cancelled`` (it had no live owner: marked interrupted
        now), ``requested`` (its owner stops it within a heartbeat) or ``not_running``."""
        lease = self._heartbeat.held(run_id)
        if lease is not None:
            lease.stop("cancelled")
        rows = self._query(run_sql.HOLDER_SQL, (run_id,))
        if not rows:
            raise NotFoundError(
                f"no run with id {run_id!r}", hint="list the runs with `agentnet runs list`", code="run_not_found"
            )
        holder = Owner.from_json(rows[0][0])
        dead = rows[0][0] if holder is not None and self._may_take_from(holder) else None
        error = {"code": "cancelled", "message": "cancelled on request", "hint": f"resume: {run_id}"}
        if self._execute(run_sql.ORPHAN_CANCEL_SQL, (time.time(), json.dumps(error), run_id, dead)):
            return "cancelled"
        if self._execute("UPDATE agentnet_runs SET cancel_requested=1 WHERE id=? AND status='running'", (run_id,)):
            return "requested"
        return "not_running"

    # --- steps and attempts ----------------------------------------------------------------

    def trace_context(self, run_id: str) -> str | None:
        """The W3C ``traceparent`` of the run's first traced span, or None."""
        rows = self._query("SELECT trace_context FROM agentnet_runs WHERE id=?", (run_id,))
        return rows[0][0] if rows else None

    def keep_trace_context(self, run_id: str, traceparent: str) -> None:
        """Remember the run's first traced span (once), for its resumes to join."""
        self._execute(
            "UPDATE agentnet_runs SET trace_context=? WHERE id=? AND trace_context IS NULL", (traceparent, run_id)
        )

    def step_started(
        self, run_id: str, step_id: str, capability: str, why: str, prompt: list[dict[str, Any]] | None = None
    ) -> int:
        """Mark the step running with the messages it sends (the last call's, for a looped step, so ``runs
        show`` prints what the model read; anything shaped like a credential masked); returns how many
        attempts it already has (a resumed or looped step).

        Before any model is called: the run must still be ours, and nobody may have cancelled it."""
        sent = redact_text(json.dumps(prompt, ensure_ascii=False)) if prompt is not None else None
        lease = self._heartbeat.held(run_id)
        row = (run_id, step_id, capability, why, "running", time.time(), sent)
        # The step's row only while the run is ours and not cancelled, written with any rows still
        # held for the run and the check read after it, in one transaction (one round trip where
        # the engine can); a refused start raises below, before any model is called.
        start = (
            (run_sql.STEP_START_SQL, row)
            if lease is None
            else (run_sql.STEP_START_IF_OURS_SQL, (*row, run_id, self._owner_json))
        )
        with self._pending.taken(run_id) as held:
            rows = self._write_then_read([*held, start], (run_sql.STEP_CHECK_SQL, (run_id, step_id, run_id)))
        if rows and lease is not None:
            if rows[0][0] != self._owner_json:
                lease.stop("taken")
                raise lease_lost(run_id)
            if rows[0][1]:
                lease.stop("cancelled")
                raise run_cancelled(run_id)
        return int(rows[0][2]) if rows else 0

    def record_attempt(self, run_id: str, step_id: str, attempt: dict[str, Any], seq: int) -> None:
        self._execute(run_sql.ATTEMPT_SQL, run_sql.attempt_row(run_id, step_id, attempt, seq))

    def step_finished(
        self,
        run_id: str,
        step_id: str,
        status: str,
        result: dict[str, Any] | None = None,
        attempt: tuple[dict[str, Any], int] | None = None,
    ) -> None:
        """The step's outcome, with its last attempt, in one transaction; refused (``lease_lost``)
        when another process took the run meanwhile, so its result is not kept twice. A succeeded
        step's rows are held for the transaction that saves the step's writes (``pending_rows.py``)."""
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
        rows = [(run_sql.ATTEMPT_SQL, run_sql.attempt_row(run_id, step_id, *attempt))] if attempt is not None else []
        rows.append((run_sql.STEP_END_SQL, step_row))
        lease = self._heartbeat.held(run_id)
        if lease is not None and self._rows_with_writes and status == "succeeded":
            # Asked of the database only when the lease's own timing cannot vouch for it (one
            # statement and round trip less for a step that finishes within half a lease of the
            # last renewal).
            if not lease.surely_ours(self.lease_s):
                self._check_owner(run_id, lease, self._query, run_sql.OWNER_READ_SQL)
            self._pending.add(run_id, rows)
            return
        with self._pending.taken(run_id) as held, self._trace_transaction() as (execute, query):
            if lease is not None:
                self._check_owner(run_id, lease, query, run_sql.OWNER_SQL)
            for sql, params in held + rows:
                execute(sql, params)

    def _check_owner(self, run_id: str, lease: Lease, query: Query, sql: str) -> None:
        owner = query(sql, (run_id,))
        if owner and owner[0][0] != self._owner_json:
            lease.stop("taken")
            raise lease_lost(run_id)

    # --- A2A tasks: agentnet serve's, as the SDK's JSON, per caller (server/a2a_tasks.py) ------

    def put_task(self, owner: str, task_id: str, task_json: str) -> None:
        self._execute(run_sql.TASK_PUT_SQL, (owner, task_id, task_json, time.time()))

    def get_task(self, owner: str, task_id: str) -> str | None:
        rows = self._query("SELECT task FROM agentnet_a2a_tasks WHERE owner=? AND id=?", (owner, task_id))
        return str(rows[0][0]) if rows else None

    def owner_tasks(self, owner: str) -> list[str]:
        return [str(r[0]) for r in self._query("SELECT task FROM agentnet_a2a_tasks WHERE owner=?", (owner,))]

    def delete_task(self, owner: str, task_id: str) -> None:
        self._execute("DELETE FROM agentnet_a2a_tasks WHERE owner=? AND id=?", (owner, task_id))
