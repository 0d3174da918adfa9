"""`agentnet run` / `agentnet runs` end to end: real planner, real SmolLM2, real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = [sys.executable, "-m", "agentnet.cli.app"]

# Two local models (both the embedded SmolLM2) with distinct cards, so the planner makes two steps.
CONFIG = (Path(__file__).parent / "two_models.yaml").read_text()


def agentnet(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "160"}
    return subprocess.run([*AGENTNET, *args], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.mark.slow
def test_run_multi_step_task_on_embedded_model_then_list_and_show() -> None:
    Path("agentnet.yaml").write_text(CONFIG)
    task = "Answer the question: what is the capital of France? Then rewrite the answer in simpler words for a child."
    done = agentnet("run", task, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "succeeded" and result["answer"].strip()
    run_id = result["run_id"]

    listed = json.loads(agentnet("runs", "list", "--json").stdout)
    assert listed[0]["id"] == run_id and listed[0]["status"] == "succeeded" and listed[0]["task"] == task
    assert listed[0]["started"]

    trace = json.loads(agentnet("runs", "show", run_id, "--json").stdout)
    assert len(trace["steps"]) >= 2, trace["plan"]
    assert {s["node_id"] for s in trace["steps"]} <= {"answerer", "rewriter"}
    assert all(s["status"] == "succeeded" and s["attempts"] for s in trace["steps"])
    assert trace["answer"] == result["answer"]

    tree = agentnet("runs", "show", run_id)
    assert tree.returncode == 0
    assert f"run {run_id}" in tree.stdout and "attempt 1" in tree.stdout and "why:" in tree.stdout

    # Resuming a finished run runs nothing and reports the same answer.
    again = agentnet("run", "--resume", run_id, "--json")
    assert json.loads(again.stdout.strip().splitlines()[-1])["answer"] == result["answer"]


def test_run_without_task_says_how_to_fix() -> None:
    done = agentnet("run")
    assert done.returncode == 2
    assert "give either a task or --resume RUN_ID" in done.stderr and "hint" in done.stderr


def test_runs_show_unknown_id_is_a_clear_error() -> None:
    done = agentnet("runs", "show", "nope")
    assert done.returncode == 2
    assert "no run with id 'nope'" in done.stderr and "agentnet runs list" in done.stderr


def test_runs_list_empty_json() -> None:
    done = agentnet("runs", "list", "--json")
    assert done.returncode == 0 and json.loads(done.stdout) == []
