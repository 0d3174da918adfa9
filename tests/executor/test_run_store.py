"""The run database itself: damaged SQLite files, a PostgreSQL that is not there, migrations applied
by processes starting together, connections dropped during a long model call, runs shared by
processes on PostgreSQL."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentnet.config import RunsSettings
from agentnet.errors import RunStoreError
from agentnet.executor import Executor, open_run_store
from agentnet.executor.migrations import MIGRATIONS
from agentnet.planner.plan import Plan, Step, StepInput
from agentnet.testing import ScriptedModel

BIN = Path(sys.executable).parent
WORKER = Path(__file__).with_name("run_worker.py")


def agentnet(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "agentnet"), *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    return " ".join((done.stdout + done.stderr).split())


def chain(length: int, task: str = "chain") -> Plan:
    return Plan(
        task=task,
        steps=[
            Step(
                id=f"s{i}",
                capability=f"n{i}",
                instruction=f"step {i}",
                inputs=[StepInput(kind="step", step=f"s{i - 1}")] if i else [],
            )
            for i in range(length)
        ],
    )


# --- a damaged runs.sqlite: a clear error naming the file and the fix, and the file is kept ---------


def _assert_refused(db: Path, before: bytes) -> None:
    for args in (("runs", "list"), ("runs", "show", "abc"), ("run", "--resume", "abc")):
        done = agentnet(*args)
        text = one_line(done)
        assert done.returncode == 1, text
        assert f"the run database {db} is damaged" in text and f"mv {db} {db}.broken" in text, text
        assert "Traceback" not in text
    assert db.read_bytes() == before, "the damaged file was changed or replaced"


def test_a_runs_sqlite_that_is_not_a_database_is_refused_and_kept(agentnet_home: Path) -> None:
    db = agentnet_home / "runs.sqlite"
    db.write_bytes(b"definitely not a database\n" * 200)
    _assert_refused(db, db.read_bytes())
    with pytest.raises(RunStoreError, match="file is not a database") as caught:
        open_run_store()
    assert caught.value.code == "runs_db_corrupt"


def test_a_truncated_runs_sqlite_is_refused_and_kept(agentnet_home: Path) -> None:
    nodes = [ScriptedModel.build(f"n{i}", ["x" * 2000]) for i in range(3)]
    executor = Executor(nodes)
    for index in range(8):
        executor.run(chain(3, task="t" * 5000), run_id=f"run{index}")
    executor.close()
    db = agentnet_home / "runs.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.truncate(size // 2)
    _assert_refused(db, db.read_bytes())


# --- PostgreSQL: a database that is not there ------------------------------------------------------


def test_a_postgres_server_that_is_not_there_is_named_without_its_password() -> None:
    from listening import refused_port

    with refused_port() as port:  # bound, never listening: refused for the whole call
        url = f"postgresql://agentnet:s3cret-pw@127.0.0.1:{port}/runs"
        done = agentnet("runs", "list", env={"AGENTNET_RUNS_URL": url})
    text = one_line(done)
    assert done.returncode == 1, text
    assert f"cannot use the run database postgresql://***@127.0.0.1:{port}/runs" in text
    assert "Connection refused" in text and "start PostgreSQL there" in text
    assert "s3cret-pw" not in text and "Traceback" not in text


def test_a_missing_database_or_unknown_user_gets_its_own_fix(postgres_server: Any) -> None:
    """On a real PostgreSQL server, a database that is not there and a user that is not there: the hint
    named the fix for neither ("start PostgreSQL there" for both, though the server answered)."""
    here = f"127.0.0.1:{postgres_server.port}"
    no_db = one_line(agentnet("runs", "list", env={"AGENTNET_RUNS_URL": f"postgresql://postgres@{here}/no_such_runs"}))
    assert 'database "no_such_runs" does not exist' in no_db
    assert "create the database (`createdb no_such_runs`" in no_db and "start PostgreSQL" not in no_db, no_db
    url = f"postgresql://nobody:s3cret-pw@{here}/postgres"
    no_user = one_line(agentnet("runs", "list", env={"AGENTNET_RUNS_URL": url}))
    assert 'role "nobody" does not exist' in no_user and "s3cret-pw" not in no_user
    assert "fix the user or password of runs.url" in no_user and "start PostgreSQL" not in no_user, no_user


@pytest.mark.parametrize("host", ["[::1", "[bad", "[fe80::1%eth0"])
def test_a_runs_url_libpq_cannot_parse_is_named_without_its_password(host: str) -> None:
    """An unclosed '[' (an IPv6 host written by hand): libpq's message quotes the whole URL, and
    Python's urlsplit cannot split it either."""
    done = agentnet("runs", "list", env={"AGENTNET_RUNS_URL": f"postgresql://agentnet:s3cret-pw@{host}/runs"})
    text = one_line(done)
    assert done.returncode == 1, text
    assert "cannot use the run database postgresql://***@" in text and "fix runs.url" in text
    assert "s3cret-pw" not in text and "Traceback" not in text


def test_a_database_that_does_not_exist_is_named_without_its_password(postgres_server: Any) -> None:
    url = postgres_server.url("no_such_db").replace("postgres@", "postgres:pw-123456@")
    done = agentnet("runs", "show", "abc", env={"AGENTNET_RUNS_URL": url})
    text = one_line(done)
    assert done.returncode == 1, text
    assert 'database "no_such_db" does not exist' in text
    assert "pw-123456" not in text and "Traceback" not in text


def test_an_unknown_runs_url_scheme_names_the_setting(agentnet_home: Path) -> None:
    Path("agentnet.yaml").write_text("runs:\n  url: mysql://localhost/runs\n")
    done = agentnet("runs", "list")
    text = one_line(done)
    assert done.returncode == 2, text
    assert "agentnet.yaml" in text and "runs.url" in text


def test_a_database_user_that_may_not_create_tables_is_told_so_and_may_use_tables_made_for_it(
    postgres_server: Any,
) -> None:
    import uuid

    import psycopg

    role, fresh, made = (f"r_{uuid.uuid4().hex[:8]}" for _ in range(3))
    with psycopg.connect(postgres_server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")  # no CREATE on the public schema (PostgreSQL 15+)
        conn.execute(f'CREATE DATABASE "{fresh}"')
        conn.execute(f'CREATE DATABASE "{made}"')
    as_role = postgres_server.url(fresh).replace("postgres@", f"{role}:pw-314159@")
    done = agentnet("runs", "list", env={"AGENTNET_RUNS_URL": as_role})
    text = one_line(done)
    assert done.returncode == 1, text
    assert "runs_db_setup_failed" in text and "cannot create or upgrade the run tables in postgresql://***@" in text
    assert "permission denied for schema public" in text and "GRANT CREATE ON SCHEMA public" in text
    assert "pw-314159" not in text and "Traceback" not in text
    # Tables made by the owner, rows granted: the user needs no CREATE right to use them.
    assert agentnet("runs", "list", env={"AGENTNET_RUNS_URL": postgres_server.url(made)}).returncode == 0
    with psycopg.connect(postgres_server.url(made), autocommit=True) as conn:
        conn.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
    done = agentnet(
        "runs", "list", env={"AGENTNET_RUNS_URL": postgres_server.url(made).replace("postgres@", f"{role}@")}
    )
    assert done.returncode == 0 and "no runs yet" in done.stdout, one_line(done)


# --- PostgreSQL: migrations, dropped connections, sharing --------------------------------------------


def test_processes_starting_together_on_a_fresh_database_migrate_it_once(pg_url: str) -> None:
    code = "from agentnet.executor import open_run_store\nstore = open_run_store()\nprint(store.list_runs())\n"
    env = {**os.environ, "AGENTNET_RUNS_URL": pg_url}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    try:
        outputs = [process.communicate(timeout=180) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr[-3000:]
        assert stdout.strip() == "[]"
    import psycopg

    with psycopg.connect(pg_url) as conn:
        applied = [r[0] for r in conn.execute("SELECT v FROM agentnet_migrations ORDER BY v")]
        assert applied == list(range(1, len(MIGRATIONS) + 1))
        versions = [r[0] for r in conn.execute("SELECT v FROM checkpoint_migrations")]
        assert versions and len(versions) == len(set(versions))


def test_connections_dropped_during_a_long_model_call_are_replaced(pg_url: str) -> None:
    import psycopg

    dropped: list[int] = []

    def drop_every_other_connection(messages: list[dict[str, str]]) -> str:
        # What a restarted server, a proxy's idle timeout or "SSL connection has been closed" does.
        with psycopg.connect(pg_url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        dropped.append(int(row[0]) if row else 0)
        return "after the drop"

    nodes = [
        ScriptedModel.build("n0", [drop_every_other_connection]),
        *(ScriptedModel.build(f"n{i}", ["ok"]) for i in (1, 2)),
    ]
    executor = Executor(nodes, runs=RunsSettings(url=pg_url, pool_min=2))
    try:
        result = executor.run(chain(3), run_id="dropped")
        assert result.status == "succeeded"
        assert dropped and dropped[0] >= 1, "no connection was open to drop"
        trace = executor.trace("dropped")
        assert [s["status"] for s in trace["steps"]] == ["succeeded"] * 3
    finally:
        executor.close()


def test_a_retried_steps_attempt_is_one_row_even_when_its_commit_loses_the_connection(pg_url: str) -> None:
    """A step whose first attempt fails is retried (``RetryPolicy``); the failed attempt's row commits, and
    the server then closes the connection before the client hears so (what a restart or
    ``pg_terminate_backend`` does at that moment). The store makes the write again on a fresh
    connection (``again_if_dropped``): the attempt must still be one row, not two."""
    from contextlib import contextmanager

    from agentnet.errors import ModelCallError
    from agentnet.executor import StepPolicy
    from agentnet.retry import RetryPolicy

    nodes = [ScriptedModel.build("n0", [ModelCallError("connection reset"), "second try"]),
             ScriptedModel.build("n1", ["ok"])]  # fmt: skip
    retry = StepPolicy(retry=RetryPolicy(max_attempts=2, initial_interval=0, jitter=False))
    executor = Executor(nodes, runs=RunsSettings(url=pg_url), policy=retry)
    store: Any = executor.store
    cursor, cut = store._cursor, []

    class CutAfterTheFirstAttemptRow:
        def __init__(self, cur: Any) -> None:
            self.cur = cur

        def execute(self, sql: str, *args: Any) -> Any:
            done = self.cur.execute(sql, *args)
            if sql.startswith("INSERT INTO agentnet_attempts") and not cut:
                cut.append(sql)  # committed (autocommit); now the server drops this connection
                self.cur.execute("SELECT pg_terminate_backend(pg_backend_pid())")
            return done

    @contextmanager
    def cut_after_the_first_attempt_row() -> Any:
        with cursor() as (conn, cur):
            yield conn, CutAfterTheFirstAttemptRow(cur)

    store._cursor = cut_after_the_first_attempt_row
    try:
        assert executor.run(chain(2), run_id="retried").status == "succeeded"
        assert cut, "the failed attempt's row was not written through the store's cursor"
        rows = store._query("SELECT step_id, seq, status FROM agentnet_attempts ORDER BY step_id, seq", ())
        assert rows == [("s0", 1, "failed"), ("s0", 2, "ok"), ("s1", 1, "ok")], rows
        trace = executor.trace("retried")
        assert [[a["status"] for a in s["attempts"]] for s in trace["steps"]] == [["failed", "ok"], ["ok"]]
    finally:
        executor.close()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_an_attempt_written_again_is_kept_once(engine: str, request: pytest.FixtureRequest) -> None:
    """Both engines run the same attempt SQL: sent twice (a write made again), the attempt is one row."""
    url = request.getfixturevalue("pg_url") if engine == "postgresql" else None
    store = open_run_store(RunsSettings(url=url) if url else None)
    try:
        store.start_run("twice", "t", chain(1).model_dump(mode="json"), {})
        for _ in range(2):
            store.record_attempt("twice", "s0", {"node_id": "n0", "status": "failed", "error": "reset"}, 1)
        store.record_attempt("twice", "s0", {"node_id": "n0", "status": "ok"}, 2)
        rows = store._query("SELECT seq, status FROM agentnet_attempts WHERE run_id=? ORDER BY seq", ("twice",))
        assert rows == [(1, "failed"), (2, "ok")], rows
    finally:
        store.close()


def test_runs_started_by_one_process_are_listed_shown_and_resumed_by_another(pg_url: str, tmp_path: Path) -> None:
    env = {"AGENTNET_RUNS_URL": pg_url}
    worker = subprocess.run(
        [sys.executable, str(WORKER), "pair", "shared1", str(tmp_path / "unused")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, **env, "AGENTNET_HOME": str(tmp_path / "home-a")},
    )
    assert worker.returncode == 0, worker.stderr[-3000:]
    # Another process with another home (another machine, as far as it can tell) sees the same runs.
    other = {**env, "AGENTNET_HOME": str(tmp_path / "home-b")}
    listed = agentnet("runs", "list", "--json", env=other)
    assert listed.returncode == 0, listed.stderr
    assert {r["id"]: r["status"] for r in json.loads(listed.stdout)} == {"shared1": "succeeded"}
    shown = agentnet("runs", "show", "shared1", "--json", env=other)
    trace = json.loads(shown.stdout)
    assert sorted(s["id"] for s in trace["steps"]) == ["join", "p0", "p1", "p2"]
    assert all(s["output"].startswith("shared1") for s in trace["steps"])
    assert not (tmp_path / "home-b" / "runs.sqlite").exists()


def test_a_run_saved_with_a_plan_this_agentnet_cannot_read_is_named_and_left_as_it_was(
    pg_url: str, tmp_path: Path
) -> None:
    """Servers of two agentnet versions share one database during an upgrade: a run the newer one
    saved holds plan fields the older one does not know."""
    import psycopg

    env = {"AGENTNET_RUNS_URL": pg_url, "AGENTNET_HOME": str(tmp_path / "home")}
    worker = subprocess.run(
        [sys.executable, str(WORKER), "pair", "newer1", str(tmp_path / "unused")],
        capture_output=True, text=True, timeout=180, check=False, env={**os.environ, **env},
    )  # fmt: skip
    assert worker.returncode == 0, worker.stderr[-3000:]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        (raw,) = conn.execute("SELECT plan FROM agentnet_runs WHERE id='newer1'").fetchone()
        plan = json.loads(raw)
        plan["steps"][0]["sandbox"] = {"network": False}  # a field of a later version
        conn.execute("UPDATE agentnet_runs SET status='interrupted', plan=%s WHERE id='newer1'", (json.dumps(plan),))
        before = conn.execute("SELECT status, plan, answer FROM agentnet_runs WHERE id='newer1'").fetchone()
    for args in (("run", "--resume", "newer1"), ("runs", "rate", "newer1", "bad")):
        done = agentnet(*args, env=env)
        text = one_line(done)
        assert done.returncode == 2, text
        assert "error (run_unreadable): run newer1 was saved with a plan this agentnet cannot read" in text
        assert "plan.steps.0.sandbox: Extra inputs are not permitted" in text and "another agentnet version" in text
        assert "Traceback" not in text
    assert agentnet("runs", "show", "newer1", env=env).returncode == 0
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT status, plan, answer FROM agentnet_runs WHERE id='newer1'").fetchone() == before


def test_a_checkpoint_this_agentnet_cannot_read_is_named_not_a_traceback(pg_url: str, tmp_path: Path) -> None:
    """A checkpoint row of another shape (another LangGraph version, a hand edit): PostgreSQL itself
    refuses to read it (a data exception) when the run is resumed."""
    import psycopg

    env = {"AGENTNET_RUNS_URL": pg_url, "AGENTNET_HOME": str(tmp_path / "home")}
    worker = subprocess.run(
        [sys.executable, str(WORKER), "pair", "odd1", str(tmp_path / "unused")],
        capture_output=True, text=True, timeout=180, check=False, env={**os.environ, **env},
    )  # fmt: skip
    assert worker.returncode == 0, worker.stderr[-3000:]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        changed = conn.execute(
            "UPDATE checkpoints SET checkpoint = jsonb_set(checkpoint, '{channel_versions}', '\"v9\"')"
            " WHERE thread_id='odd1'"
        ).rowcount
        conn.execute("UPDATE agentnet_runs SET status='interrupted' WHERE id='odd1'")
    assert changed > 0
    done = agentnet("run", "--resume", "odd1", env=env)
    text = one_line(done)
    assert done.returncode == 1, text
    assert "error (runs_db_unreadable): the run database postgresql://" in text and "cannot read" in text, text
    assert "this run is odd1" in text and "Traceback" not in text
    assert agentnet("runs", "show", "odd1", env=env).returncode == 0
