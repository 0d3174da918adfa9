"""The graph recursion limit is a budget (``budgets.recursion_limit``, ``--recursion-limit``): a run that
needs more graph steps stops as budget_exceeded with an error naming the setting, never a LangGraph
traceback, and resumes under a higher limit without running its finished steps again: with the
command the hint names (for a recipe run, the recipe CLI's), or with `agentnet run --resume`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from agentnet.executor.sqlite_store import SQLiteRunStore

AGENTNET = str(Path(sys.executable).parent / "agentnet")
# Five bundled-calculator calls in a row: five graph steps, no model.
CHAIN = """name: chain
description: five sums in a row
steps:
  - {id: a, model: calculator, prompt: "1 + 1"}
  - {id: b, model: calculator, prompt: "2 + 2", after: [a]}
  - {id: c, model: calculator, prompt: "3 + 3", after: [b]}
  - {id: d, model: calculator, prompt: "4 + 4", after: [c]}
  - {id: e, model: calculator, prompt: "5 + 5", after: [d]}
output: "{{ steps.e.output }}"
"""


def stop_at_three() -> dict[str, Any]:
    stopped = cli("recipe", "run", "chain.yaml", "--json")
    assert stopped.returncode == 1, stopped.stderr
    assert "Traceback" not in stopped.stderr and "GraphRecursionError" not in stopped.stderr, stopped.stderr
    result: dict[str, Any] = json.loads(stopped.stdout)
    assert result["status"] == "budget_exceeded"
    assert result["error"]["code"] == "recursion_limit"
    assert "budgets.recursion_limit=3" in result["error"]["message"]
    assert sorted(result["steps"]) == ["a", "b", "c"]
    return result


def calls_made(home: Path, run_id: str) -> int:
    store = SQLiteRunStore(home / "runs.sqlite")
    try:
        trace = store.get_run(run_id)
    finally:
        store.close()
    return len([attempt for step in trace["steps"] for attempt in step["attempts"]])


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=120, check=False)


def test_a_run_past_its_recursion_limit_stops_with_the_setting_named_and_resumes_under_a_higher_one(
    agentnet_home: Path,
) -> None:
    Path("chain.yaml").write_text(CHAIN)
    Path("agentnet.yaml").write_text("budgets:\n  recursion_limit: 3\n")  # the config setting...
    result = stop_at_three()
    hinted = f"agentnet recipe resume {result['run_id']} --recursion-limit 6"
    assert result["error"]["hint"].endswith(f"and resume: {hinted}"), result["error"]["hint"]
    resumed = cli(*hinted.split()[1:], "--json")  # the hint, as written
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["output"] == "10"
    assert calls_made(agentnet_home, result["run_id"]) == 5  # a, b and c were not called again

    result = stop_at_three()
    resumed = cli("run", "--resume", result["run_id"], "--recursion-limit", "40", "--json")  # ...and the flag
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout.strip().splitlines()[-1])["output"] == "10"
    assert calls_made(agentnet_home, result["run_id"]) == 5
