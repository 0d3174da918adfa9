"""`agentnet runs prune` and `agentnet runs list` on a run database of many runs.

    .venv/bin/python bench/runs_scale.py [--runs 5000] [--width 80]

One real run (a three-step chain on a scripted model whose replies are 2 KB, so each later step's
prompt holds the earlier output, as a run over a document does) is saved in a SQLite run database,
then copied ``--runs`` times in SQL (its trace, steps, attempts and checkpoints, each copy a new id).
Timed on two copies of that database, same process:
  - prune:    ``RunStore.prune(0)`` (what `runs prune --keep 0` calls), against the baseline, the
              way `runs prune` removed runs before: every run listed with its spend, then each one's
              whole trace read for its lease and its rows deleted in a transaction of its own;
  - list:     the rows of `runs list -n RUNS` written as `agentnet.cli.grid` lines, against the
              baseline, the same rows as the Rich table `runs list` printed before (in ``--width``
              columns, as in a pipe); and the query alone (``list_runs``).
Printed: seconds for each, and baseline/new ratios. Figures of 2026-12-07 are in the commit that
added this script.

With ``--postgres`` the prune is timed on PostgreSQL too (a server of tests/pgserver.py, fsync on):
the seed run saved there and copied in SQL into two databases; ``RunStore.prune(0)`` against the
baseline, the same with each run's checkpoints deleted on their own (LangGraph's ``delete_thread``,
as prune did before batching them).
"""

from __future__ import annotations

import argparse
import io
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SEED = "seed"


def seed_run(path: Path | str) -> None:
    """The seed run, in the SQLite file ``path`` or the PostgreSQL database at URL ``path``."""
    from agentnet.config_sections import RunsSettings
    from agentnet.executor import open_run_store
    from agentnet.executor.runner import Executor
    from agentnet.planner.plan import Plan, Step, StepInput
    from agentnet.testing import ScriptedModel

    reply = "Bees make honey from nectar. " * 70  # about 2 KB
    node = ScriptedModel.build("zero", [reply] * 3)
    steps = [
        Step(id=f"s{i}", capability="zero", instruction=f"step {i} of the summary",
             inputs=[StepInput(kind="step", step=f"s{i - 1}")] if i else [])
        for i in range(3)
    ]  # fmt: skip
    store = open_run_store(RunsSettings(url=path if isinstance(path, str) else f"sqlite:///{path}"))
    try:
        Executor([node], store=store).run(Plan(task="Summarise the report on bees, then title it", steps=steps),
                                          run_id=SEED)  # fmt: skip
    finally:
        store.close()


def copies(path: Path, runs: int) -> None:
    """The seed run copied ``runs`` times under new ids, each started a millisecond after the last."""
    conn = sqlite3.connect(path)
    tables = {"agentnet_runs": "id", "agentnet_steps": "run_id", "agentnet_attempts": "run_id",
              "checkpoints": "thread_id", "writes": "thread_id"}  # fmt: skip
    for table, key in tables.items():
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        shifted = ("started", "finished") if table == "agentnet_runs" else ()
        chosen = ", ".join("?" if c == key else f"{c} + ?" if c in shifted else c for c in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {chosen} FROM {table} WHERE {key} = ?"
        for i in range(runs):
            conn.execute(sql, (f"r{i:011d}", *([i / 1000] * len(shifted)), SEED))
        conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (SEED,))
    conn.commit()
    conn.close()


# PostgreSQL's tables of a run and the column naming it (the checkpoints are LangGraph's).
PG_TABLES = {"agentnet_runs": "id", "agentnet_steps": "run_id", "agentnet_attempts": "run_id",
             "checkpoints": "thread_id", "checkpoint_blobs": "thread_id", "checkpoint_writes": "thread_id"}  # fmt: skip


def pg_copies(url: str, runs: int) -> None:
    """``copies`` on PostgreSQL: one INSERT ... SELECT over generate_series per table."""
    import psycopg

    with psycopg.connect(url) as conn:
        for table, key in PG_TABLES.items():
            columns = [row[0] for row in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
                (table,))]  # fmt: skip
            shifted = ("started", "finished") if table == "agentnet_runs" else ()
            chosen = ", ".join("'r' || lpad(g::text, 11, '0')" if c == key else f"{c} + g / 1000.0" if c in shifted
                               else c for c in columns)  # fmt: skip
            conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {chosen} FROM {table}, "
                         f"generate_series(0, {runs - 1}) AS g WHERE {key} = %s", (SEED,))  # fmt: skip
            conn.execute(f"DELETE FROM {table} WHERE {key} = %s", (SEED,))


def pg_prune(runs: int) -> None:
    """Prune on PostgreSQL: batched checkpoint deletes against one run's at a time, same server."""
    import types

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from pgserver import PostgresServer

    from agentnet.config_sections import RunsSettings
    from agentnet.executor import open_run_store
    from agentnet.executor.run_removal import RunRemoval

    server = PostgresServer().start()
    try:
        times = {}
        for side in ("before", "prune"):
            url = server.new_database()
            seed_run(url)
            pg_copies(url, runs)
            store = open_run_store(RunsSettings(url=url))
            if side == "before":  # each run's checkpoints deleted on their own, as before
                store._delete_checkpoints = types.MethodType(RunRemoval._delete_checkpoints, store)  # type: ignore[method-assign]
            try:
                times[side], (removed, _) = timed(store.prune, 0)
            finally:
                store.close()
            assert len(removed) == runs, (side, len(removed))
        print(f"PostgreSQL prune: checkpoints per run (before) {times['before']:.2f} s, batched "
              f"{times['prune']:.2f} s, ratio {times['before'] / times['prune']:.1f}x")  # fmt: skip
    finally:
        server.destroy()


def prune_before(store: Any) -> int:
    """`runs prune --keep 0` as it was: each run's whole trace read, then deleted on its own."""
    removed = 0
    for run in store.list_runs(limit=1_000_000):
        trace = store.get_run(run["id"])
        if trace["lease"] is None or (trace["lease"]["expires_in_s"] or 0) <= 0:
            removed += len(store.delete_runs([run["id"]])[0])
    return removed


def rich_table(rows: list[list[str]], width: int) -> str:
    """The table `runs list` printed before, through Rich."""
    from rich.console import Console
    from rich.table import Column, Table

    from agentnet.cli.render import cells

    table = Table("status", Column("started", min_width=10), "took", "tokens", "cost", "task", show_edge=False)
    table.columns.insert(0, Column("id", no_wrap=True, min_width=max(len(row[0]) for row in rows)))
    for row in rows:
        table.add_row(*cells(*row))
    out = Console(file=io.StringIO(), width=width, highlight=False)
    out.print(table)
    return out.file.getvalue()  # type: ignore[attr-defined]


def grid_table(rows: list[list[str]], width: int) -> str:
    from agentnet.cli.grid import GridColumn, grid_lines

    columns = [GridColumn("id"), GridColumn("status", 6), GridColumn("started", 10), GridColumn("took", 4),
               GridColumn("tokens", 6), GridColumn("cost", 7), GridColumn("task", 10)]  # fmt: skip
    return "\n".join(grid_lines(columns, rows, width)) + "\n"


def timed(work: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work(*args)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--width", type=int, default=80)
    parser.add_argument("--postgres", action="store_true", help="Time the prune on PostgreSQL too.")
    args = parser.parse_args()
    from agentnet.cli.render import clip
    from agentnet.executor.sqlite_store import SQLiteRunStore

    with tempfile.TemporaryDirectory() as scratch:
        made = Path(scratch) / "made.sqlite"
        seed_run(made)
        copies(made, args.runs)
        size = made.stat().st_size / 1e6
        print(f"{args.runs} runs, {size:.1f} MB run database")

        store = SQLiteRunStore(made)
        query_s, listed = timed(store.list_runs, args.runs)
        store.close()
        rows = [[r["id"], r["status"], (r["started"] or "").replace("T", " ").rstrip("Z"), f"{r['duration_s']:.1f} s",
                 str(r["tokens"]), f"${r['cost']:.4f}", clip(r["task"], 80)] for r in listed]  # fmt: skip
        rich_s, _ = timed(rich_table, rows, args.width)
        grid_s, _ = timed(grid_table, rows, args.width)
        print(f"list:  query {query_s:.2f} s; table: Rich (before) {rich_s:.2f} s, grid {grid_s:.3f} s, "
              f"ratio {rich_s / grid_s:.0f}x")  # fmt: skip

        times = {}
        for side, prune in (("before", prune_before), ("prune", lambda store: len(store.prune(0)[0]))):
            copy = Path(scratch) / f"{side}.sqlite"
            shutil.copy(made, copy)
            store = SQLiteRunStore(copy)
            try:
                times[side], removed = timed(prune, store)
            finally:
                store.close()
            assert removed == args.runs, (side, removed)
        print(f"prune: per run (before) {times['before']:.2f} s, RunStore.prune {times['prune']:.2f} s, "
              f"ratio {times['before'] / times['prune']:.1f}x")  # fmt: skip
    if args.postgres:
        pg_prune(args.runs)


if __name__ == "__main__":
    sys.exit(main())
