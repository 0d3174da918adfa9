"""Every recipe shipped in recipes/ validates, matches the JSON Schema and runs on the real SmolLM2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from agentnet.executor import open_run_store
from agentnet.nodes.registry import NodeRegistry
from agentnet.recipes import RecipeProgram, RecipeResult, check_recipe, recipe_json_schema

REPO = Path(__file__).resolve().parents[2]
RECIPES = sorted((REPO / "recipes").glob("*.yaml"))
AGENTNET = Path(sys.executable).parent / "agentnet"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def registry() -> NodeRegistry:
    return NodeRegistry()


def run(name: str, registry: NodeRegistry, **inputs: str) -> RecipeResult:
    result = RecipeProgram.load(REPO / "recipes" / f"{name}.yaml", nodes=registry).run(inputs)
    assert result.ok, result.error
    assert result.output and result.output.strip()
    return result


def test_at_least_six_recipes_cover_every_pattern() -> None:
    names = {p.stem for p in RECIPES}
    assert {"summarize", "parallel-review", "triage", "critique-revise", "cascade", "mixture"} <= names
    kinds = set()
    for path in RECIPES:
        checked = check_recipe(path)
        assert checked.ok, checked.problems
        assert checked.recipe is not None
        kinds |= {step.kind for step in checked.recipe.steps}
    assert kinds == {"call", "route", "loop", "cascade", "mixture"}


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.stem)
def test_shipped_recipe_matches_the_published_json_schema(path: Path) -> None:
    jsonschema.Draft202012Validator.check_schema(recipe_json_schema())
    jsonschema.validate(yaml.safe_load(path.read_text()), recipe_json_schema())


def test_schema_rejects_unknown_keys() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"name": "x", "steps": [{"id": "a", "model": "m", "prompt": "p", "x": 1}]}, recipe_json_schema()
        )


def test_sequence_summarize(registry: NodeRegistry) -> None:
    result = run("summarize", registry, text="Cats sleep for most of the day and hunt at night.")
    assert set(result.results) == {"summary", "title"}
    assert result.results["summary"]["text"] in result.output


def test_parallel_review_joins_both_branches(registry: NodeRegistry) -> None:
    result = run("parallel-review", registry)
    assert {"pros", "cons", "verdict"} <= set(result.results)
    assert result.results["verdict"]["text"].strip() == result.output


def test_triage_routes_a_complaint(registry: NodeRegistry) -> None:
    result = run("triage", registry)
    branches = [s for s in result.results if s.startswith("reply__case") or s == "reply__default"]
    assert len(branches) == 1
    # The branch the classifier's word calls for: whatever SmolLM2 answers, the route must follow it.
    label = result.results["classify"]["text"].lower()
    expected = "reply__case1" if "complaint" in label else "reply__case2" if "question" in label else "reply__default"
    assert branches == [expected], label


def test_critique_revise_is_bounded(registry: NodeRegistry) -> None:
    result = run("critique-revise", registry)
    revisions = result.results.get("polish__revise", {}).get("runs", 0)
    assert 0 <= revisions <= 2
    assert result.results["polish__critique"]["runs"] >= 1
    assert result.output == result.results["polish__done"]["text"].strip()


def test_cascade_escalates_from_the_truncated_candidate(registry: NodeRegistry) -> None:
    result = run("cascade", registry)
    attempts = result.results["answer"]["attempts"]
    assert attempts[0]["status"] == "invalid_output" and attempts[-1]["status"] == "ok"
    assert "paris" in result.output.lower()


def test_mixture_aggregates_three_proposals(registry: NodeRegistry) -> None:
    result = run("mixture", registry)
    assert {"answer__p1", "answer__p2", "answer__p3", "answer"} <= set(result.results)
    trace = open_run_store().get_run(result.run_id)
    assert {s["id"] for s in trace["steps"]} >= {"answer__p1", "answer__p2", "answer__p3", "answer"}


def test_cli_run_json_on_the_embedded_model() -> None:
    completed = subprocess.run(
        [str(AGENTNET), "recipe", "run", "cascade", "--input", "question=What is the capital of France?", "--json"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout.strip().splitlines()[-1])
    assert payload["status"] == "succeeded" and "paris" in payload["output"].lower()
    # The run went to the same run store `agentnet runs` reads (the subprocess shares AGENTNET_HOME).
    trace = open_run_store().get_run(payload["run_id"])
    assert trace["status"] == "succeeded" and trace["plan"]["source"] == "recipe"
    shown = subprocess.run(
        [str(AGENTNET), "runs", "show", payload["run_id"]], capture_output=True, text=True, timeout=60, check=False
    )
    assert shown.returncode == 0, shown.stderr
    assert "recipe cascade" in shown.stdout
    assert all(step["id"] in shown.stdout for step in trace["steps"]) and "succeeded" in shown.stdout
    # `agentnet run --resume` takes recipe runs too; a finished run just reports its result again.
    again = subprocess.run(
        [str(AGENTNET), "run", "--resume", payload["run_id"], "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    resumed = json.loads(again.stdout.strip().splitlines()[-1])
    assert resumed["run_id"] == payload["run_id"] and resumed["output"] == payload["output"]


def test_kill_9_mid_run_then_resume_from_the_cli(tmp_path: Path) -> None:
    """A real process killed after its first step: `recipe resume` finishes without redoing that step."""
    import os
    import signal
    import time

    recipe = tmp_path / "two.yaml"
    recipe.write_text(
        "name: two\ndefaults: {max_tokens: 24}\nsteps:\n"
        '  - {id: first, model: smollm2, prompt: "Name a fruit."}\n'
        "  - id: second\n    model: smollm2\n    max_tokens: 200\n"
        '    prompt: "Write a long poem about {{ steps.first.output }}."\n'
    )
    process = subprocess.Popen(
        [str(AGENTNET), "recipe", "run", str(recipe)], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert process.stderr is not None
    seen = ""
    deadline = time.monotonic() + 240
    while "> second" not in seen and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen += line
    assert "✓ first" in seen, seen
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    run_id = open_run_store().list_runs()[0]["id"]
    assert open_run_store().get_run(run_id)["status"] == "running"  # killed: nobody marked it

    completed = subprocess.run(
        [str(AGENTNET), "recipe", "resume", run_id, "--json"], capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout.strip().splitlines()[-1])
    assert payload["status"] == "succeeded" and payload["output"]
    trace = open_run_store().get_run(run_id)
    attempts = {step["id"]: len(step["attempts"]) for step in trace["steps"]}
    assert attempts["first"] == 1  # not run again
    assert attempts["second"] >= 1 and trace["status"] == "succeeded"
