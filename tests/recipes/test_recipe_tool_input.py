"""A recipe step whose prompt is nothing but one input (``prompt: "{{ inputs.text }}"``), through the
real CLI: the bundled tool is handed that text as its material. The word counter counts the text
(it once read it as a request about nothing and refused it, no_text), and the calculator, which reads
its expression from the request, still evaluates it: a first fix that sent such a step no request
left the calculator with nothing to read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")
RECIPE = """\
name: {name}
inputs: {{{key}: {{description: the material}}}}
steps:
  - {{id: only, model: {model}, prompt: "{{{{ inputs.{key} }}}}"}}
"""


def recipe_run(tmp_path: Path, name: str, model: str, key: str, value: str) -> dict:
    recipe = tmp_path / f"{name}.yaml"
    recipe.write_text(RECIPE.format(name=name, model=model, key=key))
    done = subprocess.run(
        [AGENTNET, "recipe", "run", str(recipe), "--input", f"{key}={value}", "--json"],
        capture_output=True, text=True, timeout=180, check=False, stdin=subprocess.DEVNULL,
        env={**os.environ, "AGENTNET_NO_DAEMON": "1"},
    )  # fmt: skip
    assert done.returncode == 0, (done.stdout, done.stderr)
    return json.loads(done.stdout)


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(
    ("model", "key", "value", "answer"),
    [
        ("text-statistics", "text", "bees make honey from nectar.", "5 words"),
        ("calculator", "expr", "6 * 7", "42"),
    ],
)
def test_a_step_whose_prompt_is_one_input_works_on_that_input(
    tmp_path: Path, model: str, key: str, value: str, answer: str
) -> None:
    result = recipe_run(tmp_path, model.replace("-", ""), model, key, value)
    assert result["status"] == "succeeded", result
    assert answer in result["output"], result
