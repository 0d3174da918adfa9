"""`agentnet runs rate` keeps a bounded copy of the run's plan in plan memory. A run of a 940 KB request
(the word counter, one step) put a 1.9 MB plan JSON into memory: the request twice, as the plan's task
and as its step's instruction, read again by every plan memory load. The real CLI, a real run and a
real plan memory; a plan of hundreds of steps (as POST /v1/runs may send) through PlanMemory itself."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from agentnet.planner.memory import PlanMemory
from agentnet.planner.memory_bounds import MAX_PHRASES, MAX_PLAN_CHARS, MAX_PLAN_TEXT, MAX_TASK_CHARS
from agentnet.planner.plan import Plan, Step

AGENTNET = str(Path(sys.executable).parent / "agentnet")
TEXT = "Sales rose in the north and fell in the south. " * 20000


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=600, env=env, check=False)


def stored(path: Path) -> list[tuple[str, str | None]]:
    """The remembered tasks and plans, as plan memory's file holds them."""
    with sqlite3.connect(path) as db:
        return db.execute("select task, plan from tasks").fetchall()


def test_a_rated_run_of_a_huge_request_keeps_a_bounded_plan_with_a_note(agentnet_home: Path) -> None:
    task = f"Count the words of this text: {TEXT}"
    Path("task.txt").write_text(task)
    ran = cli("run", "--task-file", "task.txt", "--json")
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout.splitlines()[-1])
    assert result["answer"] == "200000 words"  # the text after the colon
    rated = cli("runs", "rate", result["run_id"], "good")
    assert rated.returncode == 0, rated.stderr
    note = f"note: plan memory keeps this plan cut: its request to the first {MAX_TASK_CHARS} characters"
    assert note in rated.stderr and f"agentnet runs show {result['run_id']} keeps it whole" in rated.stderr
    ((kept_task, raw),) = stored(agentnet_home / "planner" / "memory.sqlite")
    assert raw is not None and len(raw) < 2 * MAX_TASK_CHARS  # before: 1,880,624
    plan = Plan.model_validate_json(raw)
    assert plan.task == kept_task == task[:MAX_TASK_CHARS]
    assert [step.capability for step in plan.steps] == ["text-statistics"]
    assert len(plan.steps[0].instruction) <= MAX_PLAN_TEXT and plan.notes[-1].startswith(note[6:])
    # The run itself keeps the plan whole.
    shown = json.loads(cli("runs", "show", result["run_id"], "--json").stdout)
    assert shown["plan"]["task"] == task


def test_a_plan_of_hundreds_of_steps_is_not_kept_and_embeds_at_most_the_bound(
    tmp_path: Path, embedded_texts: list[str]
) -> None:
    embedded = embedded_texts
    steps = [Step(id=f"s{n}", capability="calculator", instruction=f"add {n} and {n + 1}") for n in range(1, 1001)]
    memory = PlanMemory(tmp_path / "memory.sqlite")
    note = memory.remember_plan(Plan(task="Add a thousand pairs of numbers", steps=steps), run_id="r1")
    assert note is not None and f"over {MAX_PLAN_CHARS}" in note
    ((_, raw),) = stored(tmp_path / "memory.sqlite")
    assert raw is None  # before: 1000 steps of JSON
    assert len(embedded) == 1 + MAX_PHRASES  # the request, and the first step texts (before: 1001)
    assert memory.entries()[0]["tools"] == ["calculator"] * 1000  # what is learned is unchanged
    memory.close()
