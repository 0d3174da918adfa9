"""The CLI's counts agree with their nouns: "forgot 1 tasks" (agentnet memory forget), "1 tasks
remembered" and "1 of the 1 remembered tasks use" (plan memory), "removed 1 runs" (runs prune). The
real CLI on a real plan memory and run store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.executor import open_run_store

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=600, env=env, check=False)


@pytest.mark.usefixtures("agentnet_home")
def test_one_remembered_task_is_one_task() -> None:
    Path("one.jsonl").write_text(
        json.dumps({"instruction": "What is 2 plus 3?", "task_nodes": [{"task": "calculator"}]})
    )
    learned = cli("plan", "--learn", "one.jsonl")
    assert learned.returncode == 0, learned.stderr
    assert "learned 1 example plan from one.jsonl" in learned.stderr
    assert "the 1 remembered task uses only this directory's tools" in learned.stderr, learned.stderr
    stats = cli("memory", "stats")
    assert stats.returncode == 0, stats.stderr
    assert "1 task remembered (of at most 5000): learned 1; 0 rated bad; 1 tool, 0 phrases" in stats.stdout
    task_id = json.loads(cli("memory", "show", "--json").stdout)[0]["id"]
    forgot = cli("memory", "forget", str(task_id))
    assert forgot.returncode == 0 and "forgot 1 task (0 remembered)" in forgot.stderr, forgot.stderr


@pytest.mark.usefixtures("agentnet_home")
def test_one_run_pruned_is_one_run() -> None:
    store = open_run_store()
    try:
        for index in range(2):
            store.start_run(f"old{index}", f"task {index}", {"steps": []}, {})
            store.set_status(f"old{index}", "succeeded", answer="done")
    finally:
        store.close()
    pruned = cli("runs", "prune", "--keep", "1")
    assert pruned.returncode == 0, pruned.stderr
    assert "removed 1 run, kept the newest 1" in pruned.stdout
