"""Removing runs (executor/run_removal.py): `runs prune` deletes the older runs' traces and LangGraph
checkpoints a chunk at a time, in one transaction each, and keeps any run a live process executes;
`runs rm` of such a run, or of an id the database does not hold, is refused naming why. Real CLI, real
recipe runs on the bundled calculator (checkpoints and all), SQLite run database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentnet.executor import open_run_store

AGENTNET = str(Path(sys.executable).parent / "agentnet")
SUMS = """name: sums
steps:
  - {id: a, model: calculator, prompt: "1 + 1"}
  - {id: b, model: calculator, prompt: "2 + 2", after: [a]}
"""


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.usefixtures("agentnet_home")
def test_prune_deletes_the_older_runs_checkpoints_and_rm_refuses_a_live_or_unknown_run() -> None:
    Path("sums.yaml").write_text(SUMS)
    made = []
    for _ in range(3):
        done = cli("recipe", "run", "sums.yaml", "--json")
        assert done.returncode == 0, done.stderr
        made.append(json.loads(done.stdout)["run_id"])
    store = open_run_store()
    try:
        store.start_run("live", "still running", {"steps": []}, {})  # the newest; this process holds its lease
        pruned = cli("runs", "prune", "--keep", "2")
        assert pruned.returncode == 0, pruned.stderr
        assert pruned.stdout.strip() == "removed 2 runs, kept the newest 2"
        assert [run["id"] for run in store.list_runs()] == ["live", made[2]]
        saver = store.checkpointer()
        for run_id, kept in ((made[0], False), (made[1], False), (made[2], True)):
            assert (saver.get_tuple({"configurable": {"thread_id": run_id}}) is not None) == kept, run_id

        busy = cli("runs", "rm", "live")
        assert busy.returncode != 0 and "run live is running (pid" in busy.stderr, busy.stderr
        unknown = cli("runs", "rm", "nope")
        assert unknown.returncode != 0 and "no run with id 'nope'" in unknown.stderr, unknown.stderr
        assert "Traceback" not in busy.stderr + unknown.stderr
    finally:
        store.close()


def test_on_postgresql_too(pg_url: str, agentnet_home: Path) -> None:
    """The same through the library on the other engine, whose saver deletes the checkpoints of a
    chunk of runs at once (its three tables: checkpoints, their blobs and their writes)."""
    import psycopg

    from agentnet.config_sections import RunsSettings
    from agentnet.errors import NotFoundError, RunBusyError
    from agentnet.recipes.program import RecipeProgram

    Path("sums.yaml").write_text(SUMS)
    store = open_run_store(RunsSettings(url=pg_url))
    try:
        program = RecipeProgram.load("sums.yaml")
        made = [program.run({}, store=store).run_id for _ in range(3)]
        store.start_run("live", "still running", {"steps": []}, {})
        assert store.prune(2) == ([made[1], made[0]], [])
        assert [run["id"] for run in store.list_runs()] == ["live", made[2]]
        for run_id, kept in ((made[0], False), (made[1], False), (made[2], True)):
            assert (store.checkpointer().get_tuple({"configurable": {"thread_id": run_id}}) is not None) == kept
        with psycopg.connect(pg_url) as conn:
            for table in ("checkpoints", "checkpoint_blobs", "checkpoint_writes"):
                rows = dict(conn.execute(f"SELECT thread_id, count(*) FROM {table} GROUP BY thread_id").fetchall())
                assert set(rows) == {made[2]}, (table, rows)
        with pytest.raises(RunBusyError, match="run live is running"):
            store.delete_run("live")
        with pytest.raises(NotFoundError, match="no run with id 'nope'"):
            store.delete_run("nope")
    finally:
        store.close()


# A fault between a run's rows and its checkpoints: a trigger refusing to delete checkpoints (what a
# process killed between the two, or a database that failed under the second, leaves). The rows were
# deleted and committed first, then the checkpoints in a transaction of their own: a failure there
# left checkpoints no run names, which no later prune ever removed.
SQLITE_REFUSAL = "CREATE TRIGGER refuse BEFORE DELETE ON checkpoints BEGIN SELECT RAISE(ABORT, 'refused'); END"
PG_REFUSAL = (
    "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql;"
    "CREATE TRIGGER refuse BEFORE DELETE ON checkpoints FOR EACH ROW EXECUTE FUNCTION refuse()"
)


def _runs_and_checkpoints(query: Any) -> tuple[set[str], set[str]]:
    runs = {row[0] for row in query("SELECT id FROM agentnet_runs")}
    return runs, {row[0] for row in query("SELECT DISTINCT thread_id FROM checkpoints")}


def _prune_refused_then_allowed(store: Any, made: list[str], query: Any, refuse: str, allow: str) -> None:
    query(refuse)
    with pytest.raises(Exception, match="refused"):
        store.prune(1)
    runs, checkpoints = _runs_and_checkpoints(query)
    assert runs == set(made) and checkpoints == set(made), (runs, checkpoints)  # nothing half removed
    query(allow)
    assert store.prune(1) == ([made[1], made[0]], [])
    assert _runs_and_checkpoints(query) == ({made[2]}, {made[2]})


def test_a_fault_between_a_runs_rows_and_its_checkpoints_removes_neither(agentnet_home: Path) -> None:
    import sqlite3

    from agentnet.recipes.program import RecipeProgram

    Path("sums.yaml").write_text(SUMS)
    store = open_run_store()
    conn = sqlite3.connect(agentnet_home / "runs.sqlite", isolation_level=None)
    try:
        program = RecipeProgram.load("sums.yaml")
        made = [program.run({}, store=store).run_id for _ in range(3)]
        query = lambda sql: conn.execute(sql).fetchall()  # noqa: E731
        _prune_refused_then_allowed(store, made, query, SQLITE_REFUSAL, "DROP TRIGGER refuse")
    finally:
        conn.close()
        store.close()


def test_a_fault_between_a_runs_rows_and_its_checkpoints_removes_neither_on_postgresql(pg_url: str) -> None:
    import psycopg

    from agentnet.config_sections import RunsSettings
    from agentnet.recipes.program import RecipeProgram

    Path("sums.yaml").write_text(SUMS)
    store = open_run_store(RunsSettings(url=pg_url))
    conn = psycopg.connect(pg_url, autocommit=True)
    try:
        program = RecipeProgram.load("sums.yaml")
        made = [program.run({}, store=store).run_id for _ in range(3)]

        def query(sql: str) -> list[Any]:
            done = conn.execute(sql)
            return done.fetchall() if done.description else []

        _prune_refused_then_allowed(store, made, query, PG_REFUSAL, "DROP TRIGGER refuse ON checkpoints")
    finally:
        conn.close()
        store.close()
