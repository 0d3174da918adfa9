"""An operator's mistakes with the PostgreSQL run database, and the database going away: each is
named with its fix, never with a piece of the password.

Real PostgreSQL servers (the session's, and one of the test's own where it is stopped), the real
CLI for what a user types, the real store for what a server does while the database is down.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pgserver import PostgresServer
from processes import wait_until

from agentnet.config import RunsSettings
from agentnet.errors import RunStoreError
from agentnet.executor import open_run_store

AGENTNET = Path(sys.executable).parent / "agentnet"


def runs_list(url: str) -> tuple[int, str]:
    done = subprocess.run(
        [str(AGENTNET), "runs", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "200", "AGENTNET_RUNS_URL": url},
    )
    return done.returncode, " ".join((done.stdout + done.stderr).split())


def test_a_password_holding_an_at_sign_is_refused_without_showing_any_of_it(postgres_server: Any) -> None:
    """libpq ends the password at its first '@' and takes the rest for the host: the error said
    "failed to resolve host 'ss99word@127.0.0.1'" (half the password) and to start PostgreSQL."""
    url = f"postgresql://agentnet:pa@ss99word@127.0.0.1:{postgres_server.port}/postgres"
    code, text = runs_list(url)
    assert code == 2, text
    assert "holds an '@'" in text and "as %40" in text and "runs.url" in text, text
    assert "ss99word" not in text and "start PostgreSQL" not in text and "Traceback" not in text, text


@pytest.mark.parametrize(
    ("tail", "says"),
    [
        ("{port}/postgres?sslmode=bogus", 'invalid sslmode value: "bogus"'),
        ("{port}/postgres?connect_timout=3", 'invalid URI query parameter: "connect_timout"'),
        ("notaport/postgres", 'invalid integer value "notaport"'),
        ("{port}/postgres?sslmode=require", "server does not support SSL"),
    ],
)
def test_a_runs_url_libpq_refuses_names_the_parameter_not_the_server(
    postgres_server: Any, tail: str, says: str
) -> None:
    """Nothing was reached (or the server answered): "start PostgreSQL there" was the wrong fix."""
    url = "postgresql://postgres:pw-4242@127.0.0.1:" + tail.format(port=postgres_server.port)
    code, text = runs_list(url)
    assert code == 1, text
    assert says in text, text
    assert "start PostgreSQL" not in text and "pw-4242" not in text and "Traceback" not in text, text
    assert "runs.url" in text and ("fix that parameter" in text or "remove sslmode=require" in text), text


def test_a_user_out_of_connections_is_told_about_pool_max(postgres_server: Any) -> None:
    """A role out of connections ("too many connections for role") was told to start PostgreSQL."""
    import psycopg

    with psycopg.connect(postgres_server.url(), autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS crowded")
        conn.execute("CREATE ROLE crowded LOGIN CONNECTION LIMIT 0")
    code, text = runs_list(f"postgresql://crowded@127.0.0.1:{postgres_server.port}/postgres")
    assert code == 1 and 'too many connections for role "crowded"' in text, text
    assert "runs.pool_max" in text and "max_connections" in text and "start PostgreSQL" not in text, text


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.destroy()


def test_a_database_that_went_down_is_named_with_its_reason_and_then_at_once(own_postgres: PostgresServer) -> None:
    """The pool's own timeout said only "couldn't get a connection after 1.00 sec", was taken for a
    dropped connection and waited a second time, and so did every later call (a server's
    GET /v1/runs took 20 s with the default runs.connect_timeout_s)."""
    store = open_run_store(RunsSettings(url=own_postgres.new_database(), connect_timeout_s=1))
    try:
        assert store.list_runs() == []
        own_postgres.stop()
        began = time.monotonic()
        with pytest.raises(RunStoreError) as first:
            store.list_runs()
        first_s = time.monotonic() - began
        began = time.monotonic()
        with pytest.raises(RunStoreError) as second:
            store.list_runs()
        second_s = time.monotonic() - began
        for error in (first.value, second.value):
            assert "Connection refused" in error.message and "couldn't get a connection" not in error.message
            assert "start PostgreSQL there" in (error.hint or "")
        assert first_s < 1.9, f"the pool's wait was made twice ({first_s:.1f} s)"
        assert second_s < 0.9, f"a later call waited for the pool again ({second_s:.1f} s)"
        own_postgres.start(port=own_postgres.port)
        # Back: used again, nothing to clear by hand. The pool reconnects in the background, so under load
        # the first call may still find it reconnecting ("busy for 1 s"): a later one must succeed.
        wait_until(lambda: _lists_nothing(store), "the run store to answer again once PostgreSQL was back", 30)
    finally:
        store.close()


def _lists_nothing(store: Any) -> bool:
    try:
        return store.list_runs() == []
    except RunStoreError:
        return False


def test_a_pool_whose_connections_are_all_busy_says_so(pg_url: str) -> None:
    store = open_run_store(RunsSettings(url=pg_url, pool_min=0, pool_max=1, connect_timeout_s=1))
    try:
        store.list_runs()
        with store._pool.connection(), pytest.raises(RunStoreError) as caught:  # the only connection, held
            store.list_runs()
        assert "all 1 connections this process may open to it (runs.pool_max) were busy" in caught.value.message
        assert "raise runs.pool_max" in (caught.value.hint or "")
        assert store.list_runs() == []
    finally:
        store.close()


def test_a_hint_names_the_config_file_runs_url_came_from(postgres_server: Any, agentnet_home: Path) -> None:
    """The hints said "in agentnet.yaml" when runs.url came from `-c FILE` or the user config, so the
    operator looked in a file that does not set it."""
    here = f"127.0.0.1:{postgres_server.port}"
    env = {k: v for k, v in os.environ.items() if k != "AGENTNET_RUNS_URL"} | {"COLUMNS": "200"}
    given = agentnet_home.parent / "ops" / "prod.yaml"
    given.parent.mkdir()
    given.write_text(f"runs:\n  url: postgresql://postgres@{here}/no_such_prod\n")
    (agentnet_home / "config.yaml").write_text("runs:\n  url: postgresql://agentnet:pa@ss@db.example/runs\n")
    cases = [
        (["runs", "list", "-c", str(given)], given, 'database "no_such_prod" does not exist'),
        (["runs", "list"], agentnet_home / "config.yaml", "holds an '@'"),
    ]
    for args, source, says in cases:
        done = subprocess.run([str(AGENTNET), *args], capture_output=True, text=True, timeout=120, env=env, check=False)
        text = " ".join((done.stdout + done.stderr).split())
        assert says in text and (f"(in {source})" in text or f"pa%40ss) in {source}" in text), text
        assert "agentnet.yaml" not in text and "Traceback" not in text, text
