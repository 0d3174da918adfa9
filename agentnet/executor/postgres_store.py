"""The run store on PostgreSQL: runs shared by every process and machine that uses the database.

LangGraph's own ``PostgresSaver`` holds the checkpoints; agentnet's run, step and attempt tables
live in the same database. Both schemas are migrated on first use under an advisory lock, so
servers starting together apply each migration once. Connections come from a ``psycopg_pool``
pool that checks a connection before lending it (``lendable``), so one that died while a long model
call ran (a restarted server, an idle timeout, "SSL connection has been closed") is replaced, not
used.
Install with ``pip install 'agentnet[postgres]'``.
"""

from __future__ import annotations

import logging
import select
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from agentnet.errors import RunStoreError
from agentnet.executor.pending_rows import HELD, WritesWithHeldRows
from agentnet.executor.postgres_schema import DEFAULT_WHERE, drivers, migrate, reach, unreachable, unreadable
from agentnet.executor.store import RunStore
from agentnet.redact import redact_url

if TYPE_CHECKING:
    from agentnet.config import RunsSettings

# A pooled connection back in the pool for less than this is lent without a round trip to the
# server when its socket shows nothing happened to it (see ``lendable``).
IDLE_PING_S = 2.0
_RETURNED = "_agentnet_returned"
# Set while a call is made again after a dropped connection: every connection lent is pinged.
_PING_ALWAYS: ContextVar[bool] = ContextVar("agentnet_ping_always", default=False)
T = TypeVar("T")
# Commit the current transaction without waiting for the WAL flush (``set_config``'s ``true``:
# for this transaction only; unlike SET LOCAL it does not warn in a pipeline's implicit one).
ASYNC_COMMIT = "SELECT set_config('synchronous_commit', 'off', true)"


def returned(conn: Any) -> None:
    """The pool's reset hook: when the connection came back (``lendable`` reads it)."""
    setattr(conn, _RETURNED, time.monotonic())


def lendable(conn: Any) -> None:
    """The pool's check before it lends a connection: raises when the connection is dead.

    A ping is one round trip; pinging before every lend cost a step four round trips (about an
    eighth of the client's CPU per step). A connection the server closed (a restart, an
    administrator, an idle timeout on its side) has its socket readable at once, with the server's
    goodbye or the end of the stream; so a connection used moments ago whose socket has nothing to
    read is lent as it is, and any other (idle longer, or with something to read) is pinged as
    before. What the ping alone would catch, a peer gone without a word, takes time to matter:
    connections idle longer than ``IDLE_PING_S`` are pinged.
    """
    since = getattr(conn, _RETURNED, None)
    recent = since is not None and time.monotonic() - since < IDLE_PING_S and not _PING_ALWAYS.get()
    if recent and not conn.closed and not _readable(conn.pgconn.socket):
        return
    drivers()[1].ConnectionPool.check_connection(conn)


def again_if_dropped(action: Callable[[], T]) -> T:
    """``action``, and once more if it failed on a connection the server had closed.

    The server closes a connection (a restart, ``pg_terminate_backend``) a moment after it decides
    to: a connection lent in that moment passed ``lendable`` and fails at its first statement,
    which the server never executed. The second try pings every connection it is lent. A connection
    cut while its commit was under way may have committed the first try: every write the store and
    LangGraph's saver make is an upsert, an update or, for an attempt row, an insert of a (run, step,
    seq) not yet there (``run_sql.ATTEMPT_SQL``), so the second try changes nothing then.
    """
    try:
        return action()
    except RunStoreError as exc:
        cause = exc.__context__
        # No SQLSTATE: the client found the connection gone; 57P*: the server said it is closing it;
        # 08*: a connection failure. Anything else (a cancelled statement, 57014) is not retried, nor
        # the pool's timeout (an OperationalError too): no connection was lent, and a second wait of
        # runs.connect_timeout_s made a call to a database that is down take twice that.
        psycopg, psycopg_pool = drivers()
        if isinstance(cause, psycopg_pool.PoolTimeout) or not isinstance(cause, psycopg.OperationalError):
            raise
        if not (getattr(cause, "sqlstate", None) or "08").startswith(("57P", "08")):
            raise
    token = _PING_ALWAYS.set(True)
    try:
        return action()
    finally:
        _PING_ALWAYS.reset(token)


def _readable(fd: int) -> bool:
    if hasattr(select, "poll"):  # no limit on descriptor numbers, unlike select()
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))  # POLLHUP and POLLERR come whether asked for or not
    return bool(select.select([fd], [], [], 0)[0])


class PostgresRunStore(RunStore):
    """Checkpoints (LangGraph's ``PostgresSaver``), traces and leases in one PostgreSQL database."""

    NOW = "EXTRACT(EPOCH FROM clock_timestamp())::double precision"
    SHARE = " FOR SHARE"
    # PostgresSaver's tables (what its delete_thread deletes from).
    CHECKPOINT_TABLES = ("checkpoints", "checkpoint_blobs", "checkpoint_writes")

    def __init__(self, url: str, settings: RunsSettings, where: str = DEFAULT_WHERE) -> None:
        """``where``: where the URL is set, for the hints (``run_db.runs_url_where``)."""
        super().__init__(url, settings.lease_s)
        self.where = where
        psycopg, psycopg_pool = drivers()
        self._errors = (psycopg.OperationalError, psycopg_pool.PoolTimeout)
        self._pool_timeout = psycopg_pool.PoolTimeout
        self._pool_max, self._wait_s = settings.pool_max, settings.connect_timeout_s
        # Set when the pool waited in vain and the database did not answer either: until it answers
        # again, each call asks it directly first (failing at once, saying why) instead of waiting.
        self._down = False
        # Class 22 (data exceptions) and a table or column that is not there: what was stored is not
        # what this version reads; any other error (a constraint, a bug of ours) stays as it is.
        self._unreadable = (psycopg.DataError, psycopg.errors.UndefinedColumn, psycopg.errors.UndefinedTable)
        pool_log = logging.getLogger("psycopg.pool")
        if pool_log.level == logging.NOTSET:  # unless the application set it: the store names the failure itself
            pool_log.setLevel(logging.ERROR)  # (the pool warned on stderr at every reconnect attempt)
        migrate(url, settings.connect_timeout_s, where)
        from psycopg.rows import dict_row

        self._pool = psycopg_pool.ConnectionPool(
            url,
            min_size=settings.pool_min,
            max_size=settings.pool_max,
            # What LangGraph's saver needs of its connections (it shares this pool).
            kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
            check=lendable,
            reset=returned,
            timeout=settings.connect_timeout_s,
            name="agentnet-runs",
            open=False,
        )
        self._pool.open(wait=False)
        self._saver: Any = None
        self._saver_lock = threading.Lock()

    def _dialect(self, sql: str) -> str:
        return super()._dialect(sql).replace("?", "%s")

    def _no_connection(self) -> RunStoreError:
        """Why the pool lent no connection within runs.connect_timeout_s: its own error says only
        that it waited ("couldn't get a connection after 10.00 sec"), so the database is asked."""
        try:
            reach(self.url, 2, self.where)
        except RunStoreError as exc:  # down, refusing the user, out of connections: libpq says which
            self._down = True
            return exc
        return RunStoreError(
            f"cannot use the run database {redact_url(self.url)}: all {self._pool_max} connections this process "
            f"may open to it (runs.pool_max) were busy for {self._wait_s:g} s",
            hint="raise runs.pool_max (within PostgreSQL's max_connections), or runs.connect_timeout_s",
        )

    @contextmanager
    def _guard(self) -> Iterator[None]:
        if self._down:
            reach(self.url, 2, self.where)  # raises at once while it is still down
            self._down = False
        try:
            yield
        except self._pool_timeout:
            raise self._no_connection() from None
        except self._errors as exc:
            raise unreachable(self.url, exc, self.where) from None
        except self._unreadable as exc:
            raise unreadable(self.url, exc, self.where) from None

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        from psycopg.rows import tuple_row

        with self._guard(), self._pool.connection() as conn:
            yield conn, conn.cursor(row_factory=tuple_row)

    def _execute(self, sql: str, params: tuple[Any, ...]) -> int:
        def once() -> int:
            with self._cursor() as (_, cur):
                return int(cur.execute(self.q(sql), params).rowcount)

        return again_if_dropped(once)

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        def once() -> list[tuple[Any, ...]]:
            with self._cursor() as (_, cur):
                return list(cur.execute(self.q(sql), params).fetchall())

        return again_if_dropped(once)

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._cursor() as (conn, cur), conn.transaction():

            def execute(sql: str, params: tuple[Any, ...]) -> int:
                return int(cur.execute(self.q(sql), params).rowcount)

            def query(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
                return list(cur.execute(self.q(sql), params).fetchall())

            yield execute, query

    @contextmanager
    def _trace_transaction(self) -> Iterator[Any]:
        """A transaction for trace rows (a failed step's end, rows still held at a run's end),
        pipelined (``execute`` returns -1 as its count is not yet known) and committed without
        waiting for the WAL flush; kept a psycopg transaction, unlike ``_write_then_read``, as the
        lease check (``FOR SHARE``) is read before the writes are sent.

        What that can lose: nothing when an agentnet process dies (the server holds the commit);
        on a crash of the database server itself, the rows committed within 3 x wal_writer_delay
        (0.6 s by default) before it and not flushed since by a synchronous commit (the WAL is
        written in order: the next step's checkpoint flushes them), a detail of the trace: the
        step's checkpoint, which says whether it finished, is synchronous.
        """
        with self._cursor() as (conn, cur), conn.pipeline(), conn.transaction():
            cur.execute(ASYNC_COMMIT)

            def execute(sql: str, params: tuple[Any, ...]) -> int:
                cur.execute(self.q(sql), params)
                return -1

            def query(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
                return list(cur.execute(self.q(sql), params).fetchall())

            yield execute, query

    def _write_then_read(self, writes: list[Any], read: Any) -> list[tuple[Any, ...]]:
        return again_if_dropped(lambda: self._write_then_read_once(writes, read))

    def _write_then_read_once(self, writes: list[Any], read: Any) -> list[tuple[Any, ...]]:
        """As ``_trace_transaction`` commits, in one round trip: the writes, then the read, sent
        in one pipeline with no BEGIN or COMMIT of psycopg's (each costs a sync of its own, so the
        pipeline waited for the server four times). Statements a pipeline sends before its sync
        are one implicit transaction (PostgreSQL's extended protocol): committed at the sync, or
        rolled back whole when one fails, the rest skipped; as atomic as BEGIN ... COMMIT. The
        connections are in autocommit mode, so psycopg adds nothing. The read's rows are fetched
        once the pipeline has synced."""
        from psycopg.rows import tuple_row

        if len(writes) == 1:  # a step's start with no rows held: one statement
            ((sql, params),) = writes
            with self._cursor() as (_, cur):
                return list(cur.execute(self._written_then_read(sql, read[0]), (*params, *read[1])).fetchall())
        with self._cursor() as (conn, cur):
            reader = conn.cursor(row_factory=tuple_row)
            with conn.pipeline():
                cur.execute(ASYNC_COMMIT)
                for sql, params in writes:
                    cur.execute(self.q(sql), params)
                reader.execute(self.q(read[0]), read[1])
            return list(reader.fetchall())

    def _written_then_read(self, write: str, read: str) -> str:
        """One write and one read as one statement (so one implicit transaction, with no pipeline
        to enter and leave: a step's start costs a third less of the client's CPU), committed
        without waiting for the WAL flush. The write is a data-modifying WITH query, which always
        runs; the read sees the same snapshot as the write's own conditions (it reads no row the
        write changes). ``set_config`` in a WITH query the read joins, so it is evaluated."""
        key = f"{write}\x00{read}"
        found = self._sql.get(key)
        if found is None:
            found = self._sql[key] = (
                f"WITH written AS ({self.q(write)} RETURNING 1),"
                " async_commit AS (SELECT set_config('synchronous_commit', 'off', true))"
                f" SELECT r.* FROM ({self.q(read)}) AS r, async_commit"
            )
        return found

    def checkpointer(self) -> Any:
        with self._saver_lock:
            if self._saver is None:
                self._saver = _saver_class(self)(self._pool)
                self._rows_with_writes = True
            return self._saver

    def close(self) -> None:
        super().close()
        self._pool.close()


def _saver_class(store: PostgresRunStore) -> Any:
    """``PostgresSaver`` whose connection failures name the database and the fix, like the store's."""
    from langgraph.checkpoint.postgres import PostgresSaver

    class Saver(WritesWithHeldRows, PostgresSaver):
        """A finished task's writes are committed without waiting for the WAL flush, with the
        step's held trace rows (``pending_rows.py``): one WAL flush per step (the checkpoint's)
        where LangGraph's saver alone makes two. Why that keeps the guarantees, from LangGraph's
        source (langgraph 1.2, pregel/_loop.py and main.py; checkpoint-postgres base.py):

        - the worker's: a commit the server acknowledged survives the death of the process that
          made it whatever ``synchronous_commit`` says; only a crash of the server itself loses it;
        - ``put_writes`` is submitted to LangGraph's background executor and nothing waits for it
          before the next superstep; with ``durability="sync"`` LangGraph waits, after each
          superstep, for that superstep's checkpoint (``put``, synchronous here), which holds the
          same results as channel values, and a resume reads the newest checkpoint and only the
          writes saved against it (``SELECT_SQL``). Once that checkpoint is flushed (and it
          flushes every commit before it: the WAL is written in order) the writes are never read
          again. Before then, a crash of the database server within the WAL writer's delay (3 x
          ``wal_writer_delay``, 0.6 s by default) after a step's end runs that step again on
          resume, as SQLite's ``synchronous=NORMAL`` does on a power cut. Synchronous writes would
          close that window for +2.2 to 2.4 ms per step (A/B, docs/scaling.md)."""

        pending = store._pending

        # What a step's run calls, made again once after a dropped connection (``again_if_dropped``).
        def get_tuple(self, config: Any) -> Any:
            return again_if_dropped(lambda: super(Saver, self).get_tuple(config))

        def put(self, config: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
            return again_if_dropped(lambda: super(Saver, self).put(config, checkpoint, metadata, new_versions))

        def put_writes(self, config: Any, writes: Any, task_id: str, task_path: str = "") -> None:
            again_if_dropped(lambda: super(Saver, self).put_writes(config, writes, task_id, task_path))

        @contextmanager
        def _cursor(self, *, pipeline: bool = False) -> Iterator[Any]:
            with store._guard(), super()._cursor(pipeline=pipeline) as cur:
                held = HELD.get()
                if pipeline and held is not None:
                    # Local to the pipeline's one (implicit) transaction: the pooled connection
                    # keeps synchronous commits for everything else. The held trace rows of the
                    # step go in the same transaction, with no round trip of their own.
                    cur.execute(ASYNC_COMMIT)
                    for sql, params in held:
                        cur.execute(store.q(sql), params)
                yield cur

    return Saver
