"""`agentnet run` / `agentnet runs` end to end: real planner, real SmolLM2, real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from processes import running_step

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
    # Each step's prompt is kept as sent: a later step's holds the earlier step's output it read.
    first, *later = trace["steps"]
    assert all(s["prompt"] and s["prompt"][-1]["role"] == "user" for s in trace["steps"])
    assert any(first["output"].strip()[:40] in "".join(m["content"] for m in s["prompt"]) for s in later), trace

    # In a pipe's (or an 80-column terminal's) width the table still shows the whole id `runs show` takes.
    narrow = subprocess.run([*AGENTNET, "runs", "list"], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "COLUMNS": "80"})  # fmt: skip
    assert f" {run_id} " in narrow.stdout, narrow.stdout
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80

    tree = agentnet("runs", "show", run_id)
    assert tree.returncode == 0
    assert f"run {run_id}" in tree.stdout and "attempt 1" in tree.stdout and "why:" in tree.stdout
    assert "prompt sent:" in tree.stdout and "user: " in tree.stdout

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


def test_resume_of_an_unknown_run_id_is_a_clear_error_and_starts_nothing() -> None:
    for args in (("run", "--resume", "deadbeef0000"), ("recipe", "resume", "deadbeef0000")):
        done = agentnet(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert "no run with id 'deadbeef0000'" in done.stderr and "agentnet runs list" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    listed = agentnet("runs", "list", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []  # no run was created on the way


def test_runs_list_empty_json() -> None:
    done = agentnet("runs", "list", "--json")
    assert done.returncode == 0 and json.loads(done.stdout) == []


LONG_CONFIG = """\
models:
  - id: storyteller
    adapter: llamacpp
    path: "embedded:smollm2"
    params: {temperature: 0.7, max_tokens: 1024}
    card:
      description: Writes long stories about any subject.
      skills: [{id: story, name: Write a story, description: Write a long story, tags: [story]}]
"""


@pytest.mark.slow
def test_ctrl_c_during_agentnet_run_saves_interrupted_then_resume_finishes(agentnet_home: Path) -> None:
    import signal

    Path("agentnet.yaml").write_text(LONG_CONFIG)
    process = subprocess.Popen(
        [*AGENTNET, "run", "Write a long story about a lighthouse keeper and a storm at sea.", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    run_id = running_step(agentnet_home / "runs.sqlite", process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert f"agentnet run --resume {run_id}" in " ".join(stderr.split())
    shown = json.loads(agentnet("runs", "show", run_id, "--json").stdout)
    assert shown["status"] == "interrupted"

    # 1,024 tokens kept the first reply going until Ctrl-C; the resumed step need not write a whole story.
    Path("agentnet.yaml").write_text(LONG_CONFIG.replace("max_tokens: 1024", "max_tokens: 48"))
    resumed = agentnet("run", "--resume", run_id, "--json")
    assert resumed.returncode == 0, resumed.stderr
    final = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert final["status"] == "succeeded" and final["answer"].strip()


@pytest.mark.slow
def test_budget_stop_names_the_limit_then_resume_with_a_raised_budget() -> None:
    Path("agentnet.yaml").write_text(CONFIG + "budgets: {max_steps: 1}\n")
    task = "Answer the question: what is the capital of France? Then rewrite the answer in simpler words for a child."
    done = agentnet("run", task, "--json")
    assert done.returncode == 1
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "budget_exceeded" and result["answer"] is None
    assert result["error"]["code"] == "budget_exceeded"
    assert "max_steps=1" in result["error"]["message"] and "1 step already run" in result["error"]["message"]
    trace = json.loads(agentnet("runs", "show", result["run_id"], "--json").stdout)
    # Stopped before the second step started: it never ran, so the trace has only the first.
    assert [s["status"] for s in trace["steps"]] == ["succeeded"]
    assert "stopped before step" in result["error"]["message"]

    Path("agentnet.yaml").write_text(CONFIG + "budgets: {max_steps: 5}\n")
    resumed = agentnet("run", "--resume", result["run_id"], "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout.strip().splitlines()[-1])["status"] == "succeeded"
    trace = json.loads(agentnet("runs", "show", result["run_id"], "--json").stdout)
    # The first step ran once (one attempt); only the stopped step ran on resume.
    assert [len(s["attempts"]) for s in trace["steps"]] == [1, 1]


@pytest.mark.slow
def test_a_resumed_runs_board_shows_the_steps_that_finished_before() -> None:
    """No event comes for a step that finished before the resume (it is not run again): its row
    stayed "waiting", with no tokens, in the board printed after the run had ended."""
    Path("agentnet.yaml").write_text(CONFIG + "budgets: {max_steps: 1}\n")
    task = "Answer the question: what is the capital of France? Then rewrite the answer in simpler words for a child."
    result = json.loads(agentnet("run", task, "--json").stdout.strip().splitlines()[-1])
    first = json.loads(agentnet("runs", "show", result["run_id"], "--json").stdout)["steps"][0]
    Path("agentnet.yaml").write_text(CONFIG + "budgets: {max_steps: 5}\n")
    resumed = agentnet("run", "--resume", result["run_id"])
    assert resumed.returncode == 0, resumed.stderr
    rows = [line for line in resumed.stdout.splitlines() if line.startswith("│ s")]
    assert len(rows) == 2 and all(" done " in row for row in rows), resumed.stdout
    tokens = first["prompt_tokens"] + first["completion_tokens"]
    assert rows[0].startswith(f"│ {first['id']} ") and f" {tokens} " in rows[0], (rows, first)


# Two writers a request about "a few lines" could go to; zero-shot, the sea request reads as prose.
WRITERS = """\
models:
  - id: poet
    adapter: llamacpp
    path: "embedded:smollm2"
    params: {temperature: 0.2, max_tokens: 24}
    card: {description: Writes short poems and verses on any topic.}
  - id: explainer
    adapter: llamacpp
    path: "embedded:smollm2"
    params: {temperature: 0.2, max_tokens: 24}
    card: {description: Explains a topic in a few plain sentences of prose.}
"""
LEARNED = {
    "instruction": "Write a few lines about the harbour for our newsletter.",
    "task_nodes": [{"task": "poet", "arguments": ["the harbour"]}],
    "task_steps": ["Write a few lines about the harbour"],
}


def planned_by(task: str) -> list[str]:
    # Which collaborator the run's planner chose is the question; whether the 24-token step then
    # finishes in time on a loaded machine is not, so a failed run's trace is read as well.
    done = agentnet("run", task, "--json")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0 or result.get("status") == "failed", done.stderr
    run_id = result["run_id"]
    trace = json.loads(agentnet("runs", "show", run_id, "--json").stdout)
    return [step["capability"] for step in trace["plan"]["steps"]]


@pytest.mark.slow
def test_run_plans_with_what_plan_learn_taught() -> None:
    """`agentnet run` builds its planner like `agentnet plan`: with plan memory unless
    planner.use_memory is off, so an example taught with `plan --learn` steers a similar task."""
    Path("examples.jsonl").write_text(json.dumps(LEARNED) + "\n")
    learned = agentnet("plan", "--learn", "examples.jsonl")
    assert learned.returncode == 0 and "learned 1 example plan " in learned.stderr, learned.stderr
    task = "Write a few lines about the sea for our newsletter."

    # The writer is the first step (the bundled collaborators may add steps after it). Zero-shot it is
    # not the poet: the embedded model's card (it writes short texts) or the explainer.
    Path("agentnet.yaml").write_text(WRITERS + "planner: {use_memory: false}\n")
    assert planned_by(task)[0] in {"smollm2", "explainer"}

    Path("agentnet.yaml").write_text(WRITERS)
    assert planned_by(task)[0] == "poet"
