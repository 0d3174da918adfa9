"""A folder named in quotes reaches an MCP tool's parameter, from a recipe step and from a plan, through
the real CLI and a real MCP server over stdio (files_server.py --find: ``find_files(directory,
pattern)``, neither of a kind the planner reads: the quoted word is the folder, and the pattern is left
to the argument filler, SmolLM2, which reads "*.txt" in the task).

A newcomer's recipe sent a model-invented folder ("/scratch" for 'scratch'): a recipe step's values
were read from its prompt written out in full, where the planner's clauses have quoted passages masked,
so the quote was never found, and the argument filler (SmolLM2) was then told the task was the
recipe's name. A plan found the folder but sent the same word as the pattern too, and, that fixed,
sent the masked clause ("Find the *.txt files in the folder the quoted text") as the pattern.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from mcpkit import agentnet

from agentnet.executor.prompts import StepContext
from agentnet.recipes.arguments import step_request

SERVER = Path(__file__).resolve().parent / "files_server.py"
TASK = "Find the *.txt files in the folder 'scratch'"
RECIPE = f"""\
name: tidy-up
steps:
  - {{id: find, model: files.find_files, prompt: "{TASK}"}}
"""


@pytest.fixture
def folder(agentnet_home: Path) -> Path:
    added = agentnet("mcp", "add", "files", "--", sys.executable, str(SERVER), "--find")
    assert added.returncode == 0, added.stderr
    (Path("scratch")).mkdir()
    for name in ("a.txt", "b.md"):
        (Path("scratch") / name).write_text(name)
    return Path("scratch")


@pytest.mark.slow
@pytest.mark.usefixtures("folder")
def test_a_recipe_step_gives_the_quoted_folder_to_the_tool() -> None:
    Path("tidy.yaml").write_text(RECIPE)
    done = agentnet("recipe", "run", "tidy.yaml", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["output"].split() == ["a.txt"], done.stdout


@pytest.mark.slow
@pytest.mark.usefixtures("folder")
def test_a_plan_gives_the_quoted_folder_to_the_folder_not_to_the_pattern() -> None:
    done = agentnet("run", TASK, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["answer"].split() == ["a.txt"], result


def test_a_recipe_steps_task_is_its_own_words_not_the_recipes_name() -> None:
    """What the argument filler reads as the task: the step's prompt, not the run's task (the recipe's
    name, which it took for the request)."""
    ctx = StepContext(step_id="find", task="tidy-up", inputs={}, results={})
    request = step_request(TASK, ctx, lambda ref: "", {}, {}, None)
    assert request["task"] == request["instruction"] == TASK
