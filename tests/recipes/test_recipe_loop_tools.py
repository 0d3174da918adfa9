"""A loop or a mixture whose calls are tools, through the real CLI and the bundled tools: a tool is
handed what the loop's draft and critique and the mixture's proposals say, as a model's prompt is.
They were left out of the tool's request (rendered empty): the calculator revising
"{{ loop.critique }} * 2" was handed "* 2" ("cannot start an expression with '*'") and the word
counter aggregating "{{ proposals }}" had no text to count."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")
RECIPE = """\
name: tools-in-loops
steps:
  - id: grow
    loop:
      start: "5"
      max_iterations: 2
      critique: {model: calculator, prompt: "{{ loop.draft }} + 1"}
      revise: {model: calculator, prompt: "{{ loop.critique }} * 2"}
  - id: both
    prompt: "2 + 3"
    mixture:
      proposers: [{model: calculator}, {model: calculator}]
      aggregator: {model: text-statistics, prompt: "How many words are in {{ proposals }}"}
output: "grow={{ steps.grow.output }} both={{ steps.both.output }}"
"""


def recipe_run(*args: str) -> subprocess.CompletedProcess[str]:
    """``agentnet recipe run ARGS`` in this process's working directory, never through a daemon."""
    return subprocess.run(
        [AGENTNET, "recipe", "run", *args],
        capture_output=True, text=True, timeout=300, check=False, stdin=subprocess.DEVNULL,
        env={**os.environ, "AGENTNET_NO_DAEMON": "1"},
    )  # fmt: skip


@pytest.mark.usefixtures("agentnet_home")
def test_loop_and_mixture_values_reach_a_tool() -> None:
    Path("loops.yaml").write_text(RECIPE)
    done = recipe_run("loops.yaml", "--json")
    result = json.loads(done.stdout)
    assert done.returncode == 0, result
    # 5 -> +1 = 6 -> *2 = 12 -> +1 = 13 -> *2 = 26; two proposals "5" and "5" are 2 words.
    assert result["output"] == "grow=26 both=2 words", result


FAILING_REVISION = """\
name: failing-revision
steps:
  - id: again
    loop:
      start: "5"
      max_iterations: 2
      critique: {model: calculator, prompt: "{{ loop.draft }} + 1"}
      revise: {model: calculator, prompt: "* {{ loop.critique }}"}
"""


@pytest.mark.usefixtures("agentnet_home")
def test_a_failing_loop_part_is_named_as_the_progress_names_it() -> None:
    """The run's error named the executor's inner step ("step 'again__revise' failed"), an id the
    recipe never wrote, while the progress lines said "again (revision)"."""
    Path("failing.yaml").write_text(FAILING_REVISION)
    done = recipe_run("failing.yaml")
    assert done.returncode == 1, done.stderr
    assert "error (step_failed): step 'again (revision)' failed on every candidate" in done.stderr, done.stderr
    assert "__" not in done.stderr
