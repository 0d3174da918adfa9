"""When every model of a recipe's step fails, the hint says what the recipe's author can change: the
step, where it is written, and a model or a cascade of them. It said "give the step more
alternates", a planned step's fix: a recipe step has no alternates to give. Real CLI, a LiteLLM
model on a refused port, no general fallback (the default model is that model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def run_recipe(name: str) -> tuple[str, dict[str, str]]:
    done = subprocess.run(
        [AGENTNET, "recipe", "run", name, "--json"],
        capture_output=True, text=True, timeout=300, check=False, stdin=subprocess.DEVNULL,
        env={**os.environ, "AGENTNET_NO_DAEMON": "1"},
    )  # fmt: skip
    assert done.returncode == 1, (done.stdout, done.stderr)
    result = json.loads(done.stdout)
    error: dict[str, str] = result["error"]
    assert error["code"] == "step_failed", error
    return result["run_id"], error


@pytest.mark.usefixtures("agentnet_home")
def test_a_failed_recipe_step_names_its_place_and_a_model_or_cascade_not_alternates(refused_url: str) -> None:
    Path("agentnet.yaml").write_text(
        "default_model: big\nmodels:\n"
        f"  - {{id: big, adapter: litellm, model: openai/big, api_base: {refused_url}/v1}}\n"
    )
    Path("one.yaml").write_text('name: one\nsteps:\n  - {id: ask, model: big, prompt: "What is a bee?"}\n')
    run_id, error = run_recipe("one.yaml")
    hint = error["hint"]
    assert "in one.yaml:3:5, give step 'ask' a model that answers (`model:`)" in hint, hint
    assert "`cascade: [{model: A}, {model: B}]`" in hint and "params.deadline_s" in hint, hint
    assert "alternates" not in hint and "agentnet run --resume" not in hint, hint
    assert hint.endswith(f"then resume the run with `agentnet recipe resume {run_id}`"), hint

    Path("two.yaml").write_text(
        'name: two\nsteps:\n  - id: ask\n    prompt: "What is a bee?"\n    cascade: [{model: big}]\n'
    )
    hint = run_recipe("two.yaml")[1]["hint"]
    assert "in two.yaml:3:5, give step 'ask' another model at the end of its `cascade:`" in hint, hint
    assert "alternates" not in hint, hint
