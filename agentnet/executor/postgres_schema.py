"""The PostgreSQL run database's drivers, connection errors and schema: LangGraph's checkpoint
tables and agentnet's (``migrations.py``), created or upgraded once per process and URL under an
advisory lock, so servers starting together apply each migration once. ``postgres_store.py`` is
the store on top.
"""

from __future__ import annotations

import math
import re
import threading
import time
from typing import Any
from urllib.parse import unquote, urlsplit

from agentnet.errors import ConfigError, RunStoreError
from agentnet.executor import migrations
from agentnet.redact import redact_text, redact_url

# Where runs.url is set, when a caller does not say (run_db.runs_url_where names the real place).
DEFAULT_WHERE = "in agentnet.yaml or AGENTNET_RUNS_URL"

# pg_advisory_lock key serialising migrations across processes ("agentnet" in ASCII).
MIGRATION_LOCK = 0x6167656E746E6574
_migrated: set[str] = set()
_migrating = threading.Lock()


def drivers() -> Any:
    try:
        import psycopg
        import psycopg_pool
    except ImportError:
        raise ConfigError(
            "runs.url is a PostgreSQL URL but the PostgreSQL driver is not installed",
            hint="pip install 'agentnet[postgres]' (psycopg, psycopg-pool, langgraph-checkpoint-postgres)",
        ) from None
    return psycopg, psycopg_pool


def unreachable(url: str, exc: BaseException, where: str = DEFAULT_WHERE) -> RunStoreError:
    # libpq quotes a URL it cannot parse whole (an unclosed '[' of an IPv6 host), password included.
    reason = redact_text((str(exc).strip().splitlines() or [type(exc).__name__])[0])
    try:
        secret = urlsplit(url).password
    except ValueError:  # a URL Python cannot split either: what redact_text masked is all there is
        secret = None
    for written in {secret, unquote(secret or "")} - {None, ""}:  # libpq does not quote passwords, but
        reason = reason.replace(str(written), "***")  # nothing guarantees it (and it would decode them)
    return RunStoreError(f"cannot use the run database {redact_url(url)}: {reason}", hint=_fix_for(reason, where))


# What libpq's reason says is wrong -> what to do (else: the server is not there, or the URL is wrong).
_FIXES = (
    (
        re.compile(r'database "([^"]+)" does not exist'),
        "create the database (`createdb {0}`, as a user who may), or fix the database name in runs.url",
    ),
    (
        re.compile(
            r'role "[^"]+" does not exist|password authentication failed|no password supplied|no pg_hba.conf entry'
        ),
        "fix the user or password of runs.url (keep the password in AGENTNET_RUNS_URL or ~/.pgpass), or let that "
        "user in (CREATE ROLE, pg_hba.conf)",
    ),
    # libpq refused the URL itself (nothing was reached): "start PostgreSQL there" sent people to the server.
    (
        re.compile(r"invalid (?:\w+ )?value|invalid URI query parameter|invalid connection option"),
        "fix that parameter of runs.url (the ones libpq reads: "
        "https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS)",
    ),
    (
        re.compile(r"too many (?:clients|connections)|remaining connection slots are reserved"),
        "PostgreSQL has no connection left for this user: every process opens up to runs.pool_max (8 by default) "
        "of its own; lower it, or raise max_connections (or the role's CONNECTION LIMIT) to fit them all",
    ),
    (
        re.compile(r"server does not support SSL"),
        "remove sslmode=require (or verify-ca, verify-full) from runs.url, or turn ssl on in the server's "
        "postgresql.conf",
    ),
)
# Whether a run can be resumed once it is back is said by whoever knows which run (cli/render.py).


def _fix_for(reason: str, where: str) -> str:
    for pattern, fix in _FIXES:
        if found := pattern.search(reason):
            return f"{fix.format(*found.groups())} ({where})"
    return f"start PostgreSQL there (or create the database: `createdb NAME`), or fix runs.url {where}"


def unreadable(url: str, exc: BaseException, where: str = DEFAULT_WHERE) -> RunStoreError:
    """A row the database holds but this agentnet cannot read back (a checkpoint written by another
    LangGraph version or edited by hand, a column a migration did not make): named, not a traceback."""
    reason = unreachable(url, exc, where).message.split(": ", 1)[-1]  # masked as there
    return RunStoreError(
        f"the run database {redact_url(url)} holds data this agentnet cannot read: {reason}",
        hint="a run saved by another agentnet (or LangGraph) version, or changed by hand: `agentnet runs show` "
        "still shows its trace; run its task again, or resume it with the version that saved it",
        code="runs_db_unreadable",
    )


def check_userinfo(url: str, where: str = DEFAULT_WHERE) -> None:
    """Refuse a URL whose user or password holds a raw '@': libpq ends the password at the first one and
    takes the rest for the host, so its error ("failed to resolve host 'ss99@db'") showed part of the
    password and named the wrong fix."""
    netloc = re.split(r"[/?#]", url.split("://", 1)[-1], maxsplit=1)[0]
    if netloc.count("@") > 1:
        raise ConfigError(
            f"the user or password in runs.url {redact_url(url)} holds an '@', where libpq ends it",
            hint=f"write each '@' of the user or password as %40 (pa@ss becomes pa%40ss) {where}",
        )


def reach(url: str, timeout_s: float, where: str = DEFAULT_WHERE) -> None:
    """Connect to the database and ask it one thing, within about ``timeout_s`` (libpq counts whole
    seconds, two at least); a ``RunStoreError`` naming the database and the fix when it cannot. Not
    through the store's pool: a pool without a live connection makes its caller wait its whole timeout
    (runs.connect_timeout_s) and then says only that it got none."""
    check_userinfo(url, where)
    psycopg, _ = drivers()
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=max(2, math.ceil(timeout_s))) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        raise unreachable(url, exc, where) from None


def migrate(url: str, connect_timeout_s: float, where: str = DEFAULT_WHERE) -> None:
    """LangGraph's checkpoint tables and agentnet's, created or upgraded once per process and URL."""
    check_userinfo(url, where)
    with _migrating:
        if url in _migrated:
            return
        psycopg, _ = drivers()
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row

        try:
            conn = psycopg.connect(
                url,
                autocommit=True,
                prepare_threshold=0,
                row_factory=dict_row,
                connect_timeout=max(2, int(connect_timeout_s)),
            )
        except psycopg.Error as exc:
            raise unreachable(url, exc, where) from None
        with conn:
            try:
                if not _up_to_date(conn, len(PostgresSaver.MIGRATIONS)):
                    _migrate_locked(conn, PostgresSaver)
            except psycopg.OperationalError as exc:  # the server went away meanwhile
                raise unreachable(url, exc, where) from None
            except psycopg.Error as exc:  # a user who may not create tables, a schema that is not ours
                raise _not_set_up(url, exc) from None
        _migrated.add(url)


def _up_to_date(conn: Any, checkpoint_migrations: int) -> bool:
    """Whether LangGraph's and agentnet's tables are at the versions this process knows: then
    nothing is created, so a database user with no CREATE right uses tables made by another."""
    try:
        row = conn.execute("SELECT (SELECT MAX(v) FROM checkpoint_migrations) AS lg, "
                           "(SELECT MAX(v) FROM agentnet_migrations) AS an").fetchone()  # fmt: skip
    except drivers()[0].errors.UndefinedTable:
        return False
    return (row["lg"] or 0) >= checkpoint_migrations - 1 and (row["an"] or 0) >= len(migrations.MIGRATIONS)


def _migrate_locked(conn: Any, saver: Any) -> None:
    _lock_migrations(conn)
    try:
        saver(conn).setup()
        with conn.transaction():
            conn.execute(migrations.MIGRATIONS_TABLE)
            row = conn.execute("SELECT COALESCE(MAX(v), 0) AS v FROM agentnet_migrations").fetchone()
            applied = int(row["v"]) if row else 0
            migrations.apply(lambda sql, params: conn.execute(sql.replace("?", "%s"), params), applied, time.time())
    finally:
        if not conn.closed:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def _not_set_up(url: str, exc: BaseException) -> RunStoreError:
    reason = unreachable(url, exc).message.split(": ", 1)[-1]  # masked as there
    return RunStoreError(
        f"cannot create or upgrade the run tables in {redact_url(url)}: {reason}",
        hint="run agentnet once as a database user that may create tables there (GRANT CREATE ON SCHEMA public TO "
        "it, or the owner); then SELECT, INSERT, UPDATE and DELETE on the tables are enough",
        code="runs_db_setup_failed",
    )


def _lock_migrations(conn: Any, timeout_s: float = 300.0) -> None:
    """Take the migration lock, polling: a process blocked in ``pg_advisory_lock`` would hold a
    transaction open, and LangGraph's ``CREATE INDEX CONCURRENTLY`` waits for every open
    transaction to end, so the holder and the waiter would deadlock."""
    deadline = time.monotonic() + timeout_s
    while not conn.execute("SELECT pg_try_advisory_lock(%s) AS ok", (MIGRATION_LOCK,)).fetchone()["ok"]:
        if time.monotonic() > deadline:
            raise RunStoreError(
                f"another process has been migrating the run database for over {timeout_s:.0f} s",
                hint="look for a stuck agentnet process (pg_stat_activity) and stop it",
            )
        time.sleep(0.05)
