"""A step that fell back names every collaborator it tried, in `agentnet run`'s live table and in
`agentnet runs show`: both named only the last one ("dates" for a conversion the calculator was
chosen for, after text-statistics and text-similarity had failed too). The real CLI, the default
network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.cli.render import tried
from agentnet.cli.run_cmd import StepBoard
from agentnet.executor.events import StepEvent
from agentnet.planner.plan import Plan, Step

AGENTNET = str(Path(sys.executable).parent / "agentnet")
TRIED = "calculator → … → dates (4 tried)"


def agentnet(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1", "COLUMNS": "200"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip


@pytest.mark.usefixtures("agentnet_home")
def test_a_failed_step_names_the_collaborators_it_tried() -> None:
    done = agentnet("run", "convert 10 blorps to meters")
    assert done.returncode != 0
    row = next(line for line in done.stdout.splitlines() if "│ s1" in line)
    assert TRIED in row and "failed" in row, done.stdout
    run_id = json.loads(agentnet("runs", "list", "--json").stdout)[0]["id"]
    shown = agentnet("runs", "show", run_id).stdout
    assert f"s1 → {TRIED} failed" in shown, shown


def test_two_collaborators_are_both_named() -> None:
    board = StepBoard(Plan(task="hi", steps=[Step(id="s1", capability="smollm2", instruction="hi")]))
    for event in (StepEvent(run_id="r", step="s1", event="started", node="smollm2"),
                  StepEvent(run_id="r", step="s1", event="fell_back", node="smollm2", to_node="phi"),
                  StepEvent(run_id="r", step="s1", event="started", node="phi"),
                  StepEvent(run_id="r", step="s1", event="failed", node="phi", final=True)):  # fmt: skip
        board.update(event)
    assert tried(board.rows["s1"]["tried"]) == "smollm2 → phi"
    assert [tried([]), tried(["a", "a"]), tried(["a", "b", "a"])] == ["", "a", "a → b"]
