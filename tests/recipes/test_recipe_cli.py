"""``agentnet recipe list/schema/graph`` through the real console script (nothing is run)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema

AGENTNET = Path(sys.executable).parent / "agentnet"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(AGENTNET), *args], capture_output=True, text=True, timeout=120, check=False)


def test_list_shows_shipped_and_user_recipes(agentnet_home: Path) -> None:
    (agentnet_home / "recipes").mkdir()
    (agentnet_home / "recipes" / "mine.yaml").write_text(
        'name: mine\ndescription: my own\nsteps: [{id: a, model: smollm2, prompt: "hi"}]\n'
    )
    (agentnet_home / "recipes" / "broken.yaml").write_text("name: [\n")
    result = cli("recipe", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert {"summarize", "parallel-review", "triage", "critique-revise", "cascade", "mixture", "mine"} <= set(rows)
    assert rows["mine"]["valid"] and rows["mine"]["description"] == "my own"
    assert not rows["broken"]["valid"]


def test_schema_is_a_json_schema_that_rejects_unknown_keys() -> None:
    result = cli("recipe", "schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"name": "x", "steps": [{"id": "a", "model": "m", "prompt": "p"}]})
    assert not validator.is_valid({"name": "x", "steps": [], "colour": "red"})


def test_graph_prints_the_compiled_graph_as_mermaid_and_dot(tmp_path: Path) -> None:
    dot = tmp_path / "triage.dot"
    result = cli("recipe", "graph", "triage", "--dot", str(dot))
    assert result.returncode == 0, result.stderr
    assert result.stdout.lstrip().startswith("---") or "graph TD" in result.stdout
    for node in ("classify", "reply__case1", "reply__case2", "reply__default", "reply__done"):
        assert node in result.stdout
    assert "reply -.-> reply__case1" in result.stdout  # the route is a conditional edge
    text = dot.read_text()
    assert text.startswith("digraph recipe {") and '"classify" -> "reply";' in text
    assert '"reply" -> "reply__case1" [style=dashed];' in text
    # Each model step names its model, in the mermaid text and the DOT file alike; glue steps name none.
    assert "classify(classify<hr/><small><em>model = smollm2</em></small>)" in result.stdout
    assert "\treply(reply)\n" in result.stdout
    assert '"classify" [label="classify\\nsmollm2"];' in text


def test_graph_names_each_steps_models_in_the_order_tried() -> None:
    Path("agentnet.yaml").write_text(
        "models:\n  - id: big\n    adapter: litellm\n    model: openai/big\n    api_base: http://127.0.0.1:9/v1\n"
    )
    Path("two.yaml").write_text(
        "name: two\nsteps:\n  - id: draft\n    model: smollm2\n    prompt: hi\n"
        "  - id: check\n    cascade: [{model: smollm2}, {model: big}]\n"
        '    prompt: "check {{ steps.draft.output }}"\n'
    )
    result = cli("recipe", "graph", "two.yaml")
    assert result.returncode == 0, result.stderr
    assert "draft(draft<hr/><small><em>model = smollm2</em></small>)" in result.stdout
    assert "model = smollm2, big</em>" in result.stdout, result.stdout


def test_graph_image_needs_graphviz(tmp_path: Path) -> None:
    image = tmp_path / "g.png"
    result = cli("recipe", "graph", "summarize", "--image", str(image))
    if shutil.which("dot") is None:
        assert result.returncode == 2
        assert "graphviz `dot` is not installed" in result.stderr
        assert not image.exists()
    else:
        assert result.returncode == 0, result.stderr
        assert image.read_bytes()[:4] == b"\x89PNG"


def test_unknown_recipe_name_says_how_to_find_one() -> None:
    result = cli("recipe", "run", "no-such-recipe")
    assert result.returncode == 2
    assert "no recipe file or named recipe 'no-such-recipe'" in result.stderr
    assert "agentnet recipe list" in result.stderr


def test_a_folder_or_a_fifo_given_as_the_recipe_is_named_as_such(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "review.yaml"
    folder.mkdir()
    fifo = tmp_path / "piped.yaml"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    for command in ("validate", "run", "graph"):
        result = cli("recipe", command, str(folder))
        assert result.returncode == 2 and f"{folder} is a folder, not a recipe file" in result.stderr, result.stderr
        result = cli("recipe", command, str(fifo))
        assert result.returncode == 2 and f"{fifo} is not a regular file" in result.stderr, result.stderr
    # A name that is also a folder here still finds the shipped recipe of that name.
    Path("summarize").mkdir()
    assert cli("recipe", "validate", "summarize").returncode == 0


def test_run_refuses_bad_input_before_running() -> None:
    result = cli("recipe", "run", "summarize", "--input", "nope=1")
    assert result.returncode == 2
    assert "has no input 'nope'" in result.stderr


def test_list_marks_an_invalid_recipe_in_the_table_without_showing_markup(agentnet_home: Path) -> None:
    """The table printed "broken [red](invalid)[/]": the mark was Rich markup inside a cell, and cells
    show their text as written."""
    (agentnet_home / "recipes").mkdir()
    (agentnet_home / "recipes" / "broken.yaml").write_text(
        "name: broken\nsteps: [{id: a, model: gpt-17, prompt: hi}]\n"
    )
    result = subprocess.run(
        [str(AGENTNET), "recipe", "list"], capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.strip().startswith("broken"))
    assert "broken (invalid)" in row and "1 problem" in row, row
    assert "[red]" not in result.stdout and "[/]" not in result.stdout
