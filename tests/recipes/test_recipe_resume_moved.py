"""Resuming a recipe run whose recipe file was moved or deleted since: the file it needs, named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

AGENTNET = Path(sys.executable).parent / "agentnet"
RECIPE = """\
name: count
inputs: {text: {default: "2 + 3"}}
steps:
  - {id: count, model: calculator, prompt: "{{ inputs.text }}"}
"""


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(AGENTNET), *args], capture_output=True, text=True, timeout=180, check=False)


def test_resuming_a_run_whose_recipe_is_gone_names_the_file_it_needs(agentnet_home: Path) -> None:
    recipe = Path("count.yaml").resolve()
    recipe.write_text(RECIPE)
    done = cli("recipe", "run", str(recipe), "--json")
    assert done.returncode == 0, done.stderr
    run_id = json.loads(done.stdout)["run_id"]
    recipe.rename(recipe.with_name("moved.yaml"))
    for args in (("recipe", "resume", run_id), ("run", "--resume", run_id)):
        resumed = cli(*args)
        assert resumed.returncode == 2, resumed.stderr
        assert f"run {run_id} was made from the recipe {recipe}, which is no longer there" in resumed.stderr
        assert "put the recipe back at that path" in resumed.stderr and "Traceback" not in resumed.stderr
