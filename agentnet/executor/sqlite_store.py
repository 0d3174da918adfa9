"""The run store on one SQLite file (the default): ``$AGENTNET_HOME/runs.sqlite``, no setup.

WAL mode and a busy timeout let the processes of one machine share it; each store has its own
connections. A file that is not a SQLite database, or was cut short, is refused with its path and
what to do, never replaced by a new empty one.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from agentnet.errors import RunStoreError
from agentnet.executor import migrations
from agentnet.executor.lease import Owner
from agentnet.executor.pending_rows import HELD, WritesWithHeldRows
from agentnet.executor.store import RunStore
from agentnet.retry import RetryPolicy

T = TypeVar("T")

BUSY_TIMEOUT_S = 30.0


def connect(path: Path) -> sqlite3.Connection:
    """A connection safe to share between threads (callers lock) and between processes (WAL)."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    _retry_locked(lambda: conn.execute("PRAGMA journal_mode=WAL"))
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def _is_locked(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


# Switching journal mode or starting a write needs a moment of exclusive access; another process may
# hold it: about 2.5 s of short, even waits.
_WHILE_LOCKED = RetryPolicy(
    max_attempts=50, initial_interval=0.05, backoff_factor=1.0, jitter=False, retry_on=_is_locked
)


def _retry_locked(action: Callable[[], T]) -> T:
    return _WHILE_LOCKED.call(action)


def damaged(path: Path, detail: str) -> RunStoreError:
    return RunStoreError(
        f"the run database {path} is damaged ({detail}); agentnet will not replace it with an empty one",
        hint=f"move it aside (`mv {path} {path}.broken`) and agentnet starts a new one; `sqlite3 {path}.broken "
        ".recover` may save its runs. Or point runs.url (agentnet.yaml) or AGENTNET_RUNS_URL at another database",
        code="runs_db_corrupt",
    )


def unwritable(path: Path, exc: sqlite3.Error) -> RunStoreError | None:
    """A write SQLite could not make (a full disk, a file-size limit, a failing disk) or a file it could
    not open for writing (a read-only folder or disk, no permission) as an error naming the file and the
    fix; None for any other error. SQLite rolled the statement back: nothing stored before is changed."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name in ("SQLITE_CANTOPEN", "SQLITE_READONLY") or name.startswith(("SQLITE_CANTOPEN_", "SQLITE_READONLY_")):
        why = "it is a folder" if path.is_dir() else "its folder or disk is read-only, or this user may not write there"
        return RunStoreError(
            f"cannot open the run database {path} to write ({exc}): {why}",
            hint=f"make {path} a writable file (or remove it: agentnet creates it), or point AGENTNET_HOME, "
            "runs.url or AGENTNET_RUNS_URL at a folder you can write",
            code="runs_db_unwritable",
        )
    if name != "SQLITE_FULL" and not name.startswith("SQLITE_IOERR"):
        return None
    folder = path.parent
    return RunStoreError(
        f"cannot write the run database {path} ({exc}, {name}): the disk holding it is full, a file-size "
        "limit was reached or the disk failed; the runs stored before are unchanged",
        hint=f"free space where {folder} is (`df -h {folder}`), or point AGENTNET_HOME, runs.url or "
        "AGENTNET_RUNS_URL at a disk with room; a run stopped by this continues from its last saved "
        "step with `agentnet run --resume RUN_ID` (`agentnet runs list` shows it)",
        code="runs_db_write_failed",
    )


def check_size(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file shorter than its own header says (cut short by a copy, a full disk, a crash).

    Asked of SQLite, never by opening the file ourselves: closing any other descriptor of the file
    would drop this process's SQLite locks on it (POSIX locks are per process), which corrupts
    databases. Only checked while the write-ahead log is empty, when the header alone tells the size.
    """
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    size = path.stat().st_size
    if size < pages * page_size:
        raise damaged(path, f"cut short: {size} bytes where its header says {pages * page_size}")


class SQLiteRunStore(RunStore):
    """Checkpoints (LangGraph's ``SqliteSaver``), traces and leases in one SQLite file."""

    NOW = "((julianday('now') - 2440587.5) * 86400.0)"
    # SqliteSaver's tables (what its delete_thread deletes from).
    CHECKPOINT_TABLES = ("checkpoints", "writes")

    def __init__(self, path: Path, *, lease_s: float = 15.0) -> None:
        super().__init__(f"sqlite:///{path}", lease_s)
        self.path = path
        self._lock = threading.Lock()
        self._saver: Any = None
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._guard():
            self._conn = connect(path)
            check_size(self._conn, path)
            _retry_locked(self._migrate)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            failed_write = unwritable(self.path, exc)
            if failed_write is not None:
                raise failed_write from None
            if isinstance(exc, sqlite3.OperationalError | sqlite3.IntegrityError):
                raise
            raise damaged(self.path, str(exc)) from None

    def _migrate(self) -> None:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(migrations.MIGRATIONS_TABLE)
            applied = conn.execute("SELECT COALESCE(MAX(v), 0) FROM agentnet_migrations").fetchone()[0]
            migrations.apply(conn.execute, int(applied), time.time())
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _may_take_from(self, holder: Owner) -> bool:
        # Every process sharing this file runs on this machine, so a holder that no longer exists
        # is certainly gone: its run is taken over now, not when its lease runs out.
        return holder.is_dead_here()

    def _execute(self, sql: str, params: tuple[Any, ...]) -> int:
        sql = self.q(sql)
        with self._lock, self._guard():
            return int(_retry_locked(lambda: self._conn.execute(sql, params)).rowcount)

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        sql = self.q(sql)
        with self._lock, self._guard():
            return list(_retry_locked(lambda: self._conn.execute(sql, params).fetchall()))

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        conn = self._conn

        def execute(sql: str, params: tuple[Any, ...]) -> int:
            return int(conn.execute(self.q(sql), params).rowcount)

        def query(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
            return list(conn.execute(self.q(sql), params).fetchall())

        with self._lock, self._guard():
            _retry_locked(lambda: conn.execute("BEGIN IMMEDIATE"))
            try:
                yield execute, query
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def checkpointer(self) -> Any:
        """LangGraph's SQLite saver on this file (its own connection, WAL, busy timeout)."""
        with self._lock:
            if self._saver is None:
                with self._guard():
                    saver = _saver_class(self)(connect(self.path))
                    _retry_locked(saver.setup)
                self._saver = saver
                self._rows_with_writes = True
            return self._saver

    def close(self) -> None:
        super().close()
        with self._lock:
            if self._saver is not None:
                self._saver.conn.close()
                self._saver = None
            self._conn.close()


def _saver_class(store: SQLiteRunStore) -> Any:
    """``SqliteSaver`` whose database errors name the file and the fix, like the store's own, and
    whose ``put_writes`` commits a finished step's writes and its held trace rows together."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    class Saver(WritesWithHeldRows, SqliteSaver):
        pending = store._pending

        @contextmanager
        def cursor(self, transaction: bool = True) -> Iterator[sqlite3.Cursor]:
            with store._guard(), super().cursor(transaction) as cur:
                held = HELD.get()
                if not held:
                    yield cur
                    return
                # One transaction for the rows and the writes (the connection autocommits, so
                # without it each row of executemany would be a commit of its own); the cursor's
                # own commit ends it.
                _retry_locked(lambda: cur.execute("BEGIN IMMEDIATE"))
                try:
                    for sql, params in held:
                        cur.execute(store.q(sql), params)
                    yield cur
                except BaseException:
                    self.conn.rollback()
                    raise

    return Saver
