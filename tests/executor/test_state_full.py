"""A full disk under the state directory (a real ``RLIMIT_FSIZE`` on a real ``agentnet`` process; tests
run as root, so a read-only chmod would not stop a write): the write that fails is a clear error naming
the file and the fix, never a traceback, and nothing stored before is lost or damaged."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import yaml
from bounded import call_bounded, run_bounded

from agentnet.executor.sqlite_store import SQLiteRunStore
from agentnet.yamlfile import save_yaml_file

AGENTNET = str(Path(sys.executable).parent / "agentnet")
# A recipe whose one step is the bundled calculator: a real run, written to the run database, no model.
CALC = """name: calc
description: evaluate an expression
inputs:
  expr: {description: an expression, default: "2 + 3"}
steps:
  - id: sum
    model: calculator
    prompt: "{{ inputs.expr }}"
"""
# Room for SQLite's shared-memory index (32 KiB) and a few pages of write-ahead log, not a whole run.
FULL_AFTER_BYTES = 45_000


def _runs(*args: str, file_size_bytes: int = 0) -> tuple[int, str, str]:
    env = dict(os.environ)
    if file_size_bytes:
        # CI measures coverage in every child; under the size cap coverage's own exit-time save fails
        # and prints its traceback, which is not agentnet's output.
        env.pop("COVERAGE_PROCESS_START", None)
    done = run_bounded([AGENTNET, *args], timeout_s=120, file_size_bytes=file_size_bytes, env=env)
    assert not done.timed_out, done.describe()
    return done.returncode, done.stdout, done.stderr


def test_a_full_disk_stops_a_run_with_the_file_and_the_fix_and_keeps_every_earlier_run(
    tmp_path: Path, agentnet_home: Path
) -> None:
    recipe = tmp_path / "calc.yaml"
    recipe.write_text(CALC)
    code, out, err = _runs("recipe", "run", str(recipe), "--json")
    assert code == 0, err
    stored = json.loads(out)
    assert stored["output"] == "5"

    code, out, err = _runs("recipe", "run", str(recipe), "--input", "expr=6*7", file_size_bytes=FULL_AFTER_BYTES)
    database = agentnet_home / "runs.sqlite"
    assert code == 1, (code, out, err)
    assert "Traceback" not in err, err
    assert "runs_db_write_failed" in err and f"cannot write the run database {database}" in err, err
    assert f"df -h {agentnet_home}" in err and "agentnet run --resume" in err, err

    # Nothing stored before is lost or damaged: the database is sound and still has the first run.
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = SQLiteRunStore(database)
    try:
        runs = {run["id"]: run for run in store.list_runs()}
    finally:
        store.close()
    assert runs[stored["run_id"]]["status"] == "succeeded"
    # And the hint is true: with room again, the stopped run continues to its answer.
    (stopped,) = [run_id for run_id, run in runs.items() if run["status"] == "running"]
    code, out, err = _runs("run", "--resume", stopped)
    assert code == 0, err
    assert "42" in out, (out, err)


def test_a_full_disk_leaves_a_saved_yaml_file_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "state" / "peers.yaml"
    save_yaml_file(target, {"peers": [{"name": "a", "url": "http://127.0.0.1:1"}]}, "agentnet peers")
    before = target.read_bytes()
    bigger = {"peers": [{"name": f"peer-{i}", "url": f"http://127.0.0.1:{i}"} for i in range(400)]}
    outcome = call_bounded(save_yaml_file, target, bigger, "agentnet peers", timeout_s=60, file_size_bytes=4096)
    assert outcome.raised is not None and outcome.error_code == "state_write_failed", outcome.describe()
    assert f"cannot write {target}" in (outcome.error_message or "") and "unchanged" in (outcome.error_message or "")
    assert target.read_bytes() == before and yaml.safe_load(before)["peers"][0]["name"] == "a"
    assert [p.name for p in target.parent.iterdir()] == ["peers.yaml"]  # no half-written temporary file left
