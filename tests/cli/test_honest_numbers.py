"""Issue 13 §6: the figures the CLI prints match what ran, in the user's words (no internal ids).

Through typer's CliRunner in this process, so the session's loaded SmolLM2 is reused.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agentnet.cli.app import app
from agentnet.errors import NotFoundError
from agentnet.executor import open_run_store

pytestmark = pytest.mark.slow

# A loop whose stop condition is never met runs its full rounds: the critique and revise steps run
# more than once, which is what the run summary used to under-count.
LOOP = """\
name: rounds
defaults: {max_tokens: 8}
steps:
  - {id: draft, model: smollm2, prompt: "Write one sentence about bees."}
  - id: polish
    loop:
      start: "{{ steps.draft.output }}"
      max_iterations: 2
      critique: {model: smollm2, max_tokens: 6, prompt: "Critique: {{ loop.draft }}"}
      until: {equals: "no model ever answers exactly this"}
      revise: {model: smollm2, prompt: "Improve: {{ loop.draft }} Using: {{ loop.critique }}"}
"""


def test_recipe_loop_counts_every_call_in_the_recipes_words(tmp_path: Path) -> None:
    recipe = tmp_path / "rounds.yaml"
    recipe.write_text(LOOP)
    result = CliRunner().invoke(app, ["recipe", "run", str(recipe)])
    assert result.exit_code == 0, (result.output, result.exception)
    progress = result.stderr
    started = re.findall(r"^  > (.+) on ([^,\n]+)", progress, re.M)
    finished = [int(n) for n in re.findall(r"^  ✓ .+: (\d+) tokens", progress, re.M)]
    summary = re.search(r"\[run (\w+): (\d+) model calls?, (\d+) tokens", progress)
    assert summary is not None, progress
    run_id, calls, tokens = summary.group(1), int(summary.group(2)), int(summary.group(3))
    # Every call that ran is counted, with its tokens: draft + two critique and two revise rounds.
    assert calls == len(started) == len(finished) == 5, progress
    assert tokens == sum(finished)
    # The recipe's step ids and model names, never the executor's inner ids or per-step variants.
    assert {model for _, model in started} == {"smollm2"}
    assert "__" not in progress and "@" not in progress, progress
    assert "polish (critique)" in progress and "round 2" in progress

    trace = json.loads(CliRunner().invoke(app, ["runs", "show", run_id, "--json"]).stdout)
    assert trace["tokens"] == tokens
    shown = CliRunner().invoke(app, ["runs", "show", run_id])
    assert shown.exit_code == 0, shown.output
    assert f"{tokens} tokens" in shown.stdout and "polish (revision)" in shown.stdout
    assert "call 2: smollm2 ok" in shown.stdout and "__" not in shown.stdout and "@" not in shown.stdout

    # runs list: how long it took and what every call cost, as the trace says; rm forgets it all.
    listed = json.loads(CliRunner().invoke(app, ["runs", "list", "--json"]).stdout)
    assert listed[0]["id"] == run_id and listed[0]["tokens"] == tokens and listed[0]["duration_s"] > 0
    assert f"removed run {run_id}" in CliRunner().invoke(app, ["runs", "rm", run_id]).stdout
    assert json.loads(CliRunner().invoke(app, ["runs", "list", "--json"]).stdout) == []
    gone = CliRunner().invoke(app, ["runs", "show", run_id])
    assert isinstance(gone.exception, NotFoundError)
    store = open_run_store()
    try:
        assert store.checkpointer().get_tuple({"configurable": {"thread_id": run_id}}) is None
    finally:
        store.close()


def test_runs_prune_keeps_the_newest_and_any_running_run() -> None:
    store = open_run_store()
    try:
        store.start_run("live", "still running", {"steps": []}, {})  # the oldest; this process holds its lease
        for index in range(4):
            store.start_run(f"old{index}", f"task {index}", {"steps": []}, {})
            store.set_status(f"old{index}", "succeeded", answer="done")
        result = CliRunner().invoke(app, ["runs", "prune", "--keep", "2"])
        assert result.exit_code == 0, result.output
        assert "removed 2 runs, kept the newest 2 and 1 run still running (live)" in result.stdout
        assert {run["id"] for run in store.list_runs()} == {"old3", "old2", "live"}
    finally:
        store.close()
