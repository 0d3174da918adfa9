"""`agentnet runs rate` on a recipe run: refused as a recipe run (exit 2), nothing learned. Before, a
recipe run that had succeeded was "a run that failed before it was planned (?)": its plan holds the
recipe, not steps. The real CLI, a recipe whose one step is the bundled calculator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")

RECIPE = """\
name: add-up
description: Work out an expression.
inputs:
  expr: {description: the expression}
steps:
  - id: calc
    model: calculator
    prompt: "{{ inputs.expr }}"
"""


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_rating_a_recipe_run_says_it_is_one() -> None:
    Path("add-up.yaml").write_text(RECIPE)
    ran = cli("recipe", "run", "add-up.yaml", "--input", "expr=2 + 3", "--json")
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout.splitlines()[-1])
    assert result["status"] == "succeeded"
    for rating in ("good", "bad"):
        rated = cli("runs", "rate", result["run_id"], rating)
        assert rated.returncode == 2, rated.stderr
        assert f"run {result['run_id']} ran the recipe 'add-up'" in rated.stderr
        assert "failed before it was planned" not in rated.stderr
    shown = cli("memory", "show", "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout) == []
