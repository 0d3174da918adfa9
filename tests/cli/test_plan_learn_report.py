"""`agentnet plan --learn FILE` says what it did not learn: a file whose examples name no tool is
refused by line (it "learned 0 example plans" and exited 0), lines without a tool or a request are
named, a tool the directory lacks is named with the card it probably meant, and tasks plan memory
forgets to stay bounded are counted, and the user's rated runs are not among them while learned
examples are left. The real CLI on a real plan memory."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=600, env=env, check=False)


def lines(*examples: dict[str, object]) -> str:
    return "".join(json.dumps(example) + "\n" for example in examples)


def remembered() -> list[dict[str, object]]:
    shown = cli("memory", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


def test_examples_without_tools_are_refused_by_line() -> None:
    Path("steps.jsonl").write_text(
        lines({"instruction": "Count the words in my essay"}, {"instruction": "Add 2 and 3", "task_nodes": []})
    )
    done = cli("plan", "--learn", "steps.jsonl")
    assert done.returncode == 2, done.stderr
    assert "steps.jsonl:1: no example names a tool and a request: nothing was learned" in done.stderr
    assert '"task_nodes": [{"task": "TOOL"}' in done.stderr
    assert "Traceback" not in done.stderr
    assert remembered() == []


def test_skipped_lines_and_unknown_tools_are_named() -> None:
    Path("mixed.jsonl").write_text(
        lines(
            {"instruction": "Count the words in 'one two three'", "task_nodes": [{"task": "text statistics"}]},
            {"instruction": "What is 2 plus 3?", "task_nodes": [{"task": "calculator"}]},
        )
        + "\n"
        + lines({"instruction": "Say hello"}, {"instruction": " ", "task_nodes": [{"task": "calculator"}]})
    )
    done = cli("plan", "--learn", "mixed.jsonl")
    assert done.returncode == 0, done.stderr
    assert "skipped 2 lines of mixed.jsonl with no tool or no request (lines 4, 5)" in done.stderr
    assert "learned 2 example plans from mixed.jsonl" in done.stderr
    # The bundled counter's id is text-statistics: the misspelt example teaches this directory nothing.
    assert "not in this directory: 'text statistics' (did you mean 'text-statistics'?)" in done.stderr
    assert "'calculator'" not in done.stderr
    assert len(remembered()) == 2


def test_a_big_file_pushes_out_learned_examples_not_rated_runs(agentnet_home: Path) -> None:
    Path("one.jsonl").write_text(lines({"instruction": "What is 2 plus 3?", "task_nodes": [{"task": "calculator"}]}))
    assert cli("plan", "--learn", "one.jsonl").returncode == 0
    # Memory full (5000 tasks, its bound), its oldest two rated runs: copies of the real row learned above
    # (the rest for a tool this directory lacks, so no fit over 5000 tasks runs).
    with sqlite3.connect(agentnet_home / "planner" / "memory.sqlite") as db:
        columns = "task, tools, plan, source, vector, run_id, rating, created, links"
        row = f"select {columns} from tasks limit 1"
        db.execute("update tasks set source = 'rated', run_id = 'r1' where id = (select min(id) from tasks)")
        db.execute(f"insert into tasks ({columns}) {row}")
        db.execute("update tasks set run_id = 'r2' where id = (select max(id) from tasks)")
        filler = "task, ?, plan, 'learned', vector, null, rating, created, links"
        db.executemany(
            f"insert into tasks ({columns}) select {filler} from tasks where id = (select min(id) from tasks)",
            [('["Elsewhere"]',)] * 4998,
        )
    Path("two.jsonl").write_text(
        lines(
            {"instruction": "What is 7 times 6?", "task_nodes": [{"task": "calculator"}]},
            {"instruction": "How many words are in 'a b c'?", "task_nodes": [{"task": "text-statistics"}]},
        )
    )
    done = cli("plan", "--learn", "two.jsonl")
    assert done.returncode == 0, done.stderr
    assert "plan memory keeps at most 5000 tasks: forgot the 2 oldest (rated runs go last;" in done.stderr
    assert "rated run" not in done.stderr.split("forgot")[1].split("(")[0]
    # The rated runs were the oldest tasks; learned fillers went instead (they pushed the runs out before).
    with sqlite3.connect(agentnet_home / "planner" / "memory.sqlite") as db:
        rated = db.execute("select run_id from tasks where source = 'rated' order by id").fetchall()
        assert rated == [("r1",), ("r2",)]
        assert db.execute("select count(*) from tasks").fetchone() == (5000,)


def test_a_huge_request_is_cut_and_its_line_named() -> None:
    """A 3 MB example line was stored whole (only its first 2000 characters ever embedded)."""
    huge = "Summarize this report: '" + "Sales rose in the north. " * 120_000 + "'"
    Path("big.jsonl").write_text(
        lines(
            {"instruction": "What is 2 plus 3?", "task_nodes": [{"task": "calculator"}]},
            {"instruction": huge, "task_nodes": [{"task": "summarizer"}]},
            {"instruction": huge, "task_nodes": []},  # skipped, so not cut
        )
    )
    done = cli("plan", "--learn", "big.jsonl")
    assert done.returncode == 0, done.stderr
    assert "skipped 1 line of big.jsonl with no tool or no request (line 3)" in done.stderr
    assert "cut the request on 1 line of big.jsonl to its first 20000 characters (line 2)" in done.stderr
    assert "learned 2 example plans from big.jsonl" in done.stderr
    tasks = {len(entry["task"]) for entry in remembered()}  # type: ignore[arg-type]
    assert tasks == {len("What is 2 plus 3?"), 20000}
