"""Bad recipes: each problem rejected with file:line:column, all problems listed at once, nothing run."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from agentnet.config import embedded_default_spec
from agentnet.errors import ConfigError
from agentnet.recipes.validate import check_file, check_text

CARDS = [embedded_default_spec().capability_card()]
AGENTNET = Path(sys.executable).parent / "agentnet"

GOOD = """\
name: ok
inputs:
  text: {description: input}
steps:
  - id: first
    model: smollm2
    prompt: "Summarise {{ inputs.text }}"
"""


def problems(text: str) -> list[str]:
    checked = check_text(text, "r.yaml", CARDS)
    assert checked.recipe is None
    assert checked.problems
    return checked.problems


def test_a_good_recipe_has_no_problems() -> None:
    checked = check_text(GOOD, "r.yaml", CARDS)
    assert checked.ok, checked.problems
    assert checked.recipe is not None and checked.recipe.steps[0].id == "first"


def test_unknown_key_points_at_the_key() -> None:
    found = problems(GOOD + "    temprature: 0.3\n")
    assert found == ["r.yaml:8:5: steps.0.temprature: unknown key (not allowed here; did you mean 'temperature'?)"]


def test_a_missing_top_level_key_points_at_the_documents_start() -> None:
    found = problems("# a recipe with no name\n" + GOOD.replace("name: ok\n", ""))
    assert found == ["r.yaml:2:1: name: Field required"]


def test_duplicate_step_id() -> None:
    found = problems(GOOD + '  - id: first\n    model: smollm2\n    prompt: "again"\n')
    assert found == [
        "r.yaml:8:5: steps.1.id: duplicate step id 'first', also the id of steps.0 at r.yaml:5:5 "
        "(step ids must be unique: rename one, and the references meant for it)"
    ]


def test_dangling_reference_in_template_and_after() -> None:
    text = GOOD + '  - id: second\n    model: smollm2\n    after: [firts]\n    prompt: "{{ steps.frist.output }}"\n'
    found = problems(text)
    assert any(p.startswith("r.yaml:10:13: steps.1.after.0: unknown step 'firts'") for p in found), found
    assert any(p.startswith("r.yaml:11:5: steps.1.prompt:") and "unknown step 'frist'" in p for p in found), found


def test_unknown_model_lists_the_known_ones() -> None:
    found = problems(GOOD.replace("model: smollm2", "model: gpt-17"))
    assert found == ["r.yaml:6:5: steps.0.model: unknown model 'gpt-17' (known: smollm2; see `agentnet models list`)"]


def test_unsatisfiable_requirement_says_why() -> None:
    found = problems(GOOD.replace("model: smollm2", "needs: {skill: translation, local: required}"))
    assert len(found) == 1
    assert found[0].startswith("r.yaml:6:5: steps.0.needs: unsatisfiable requirement (skill 'translation'")
    assert "no registered model lists the skill or tag 'translation'" in found[0]


def test_requirement_met_by_a_card_skill_is_fine() -> None:
    checked = check_text(GOOD.replace("model: smollm2", "needs: {skill: summarize, local: required}"), "r.yaml", CARDS)
    assert checked.ok, checked.problems


def test_cycle_without_a_bound() -> None:
    text = """\
name: loop
steps:
  - id: a
    model: smollm2
    prompt: "{{ steps.b.output }}"
  - id: b
    model: smollm2
    prompt: "{{ steps.a.output }}"
"""
    found = problems(text)
    assert len(found) == 1
    assert "cycle without a bound: a -> b -> a" in found[0] and "max_iterations" in found[0]
    assert found[0].startswith("r.yaml:3:5: steps.0.id:")


def chain(length: int, *, closed: bool) -> str:
    """Steps listed last-first, each after the one below it (the last closes a circle when ``closed``)."""
    lines = ["name: chain", "steps:"]
    for i in range(length):
        after = i + 1 if i + 1 < length else (0 if closed else None)
        waits = f", after: [s{after}]" if after is not None else ""
        lines.append(f"  - {{id: s{i}, model: smollm2, prompt: p{waits}}}")
    return "\n".join(lines) + "\n"


def test_a_long_chain_listed_last_first_is_checked_without_recursion() -> None:
    """3000 steps, each waiting for the next one listed: the walk is 3000 deep."""
    assert check_text(chain(3000, closed=False), "r.yaml", CARDS).ok
    found = problems(chain(3000, closed=True))
    assert len(found) == 1 and found[0].startswith("r.yaml:3:6: steps.0.id: cycle without a bound: s0 -> s1 -> s2")
    assert "s4 -> (2991 more) -> s2996" in found[0] and len(found[0]) < 300  # the circle, not 3000 names


def test_loop_without_max_iterations_is_rejected() -> None:
    text = """\
name: loop
steps:
  - id: l
    loop:
      start: "x"
      critique: {model: smollm2, prompt: "{{ loop.draft }}"}
      revise: {model: smollm2, prompt: "{{ loop.critique }}"}
"""
    assert problems(text) == ["r.yaml:4:5: steps.0.loop.max_iterations: Field required"]


def test_missing_template_variable_and_expressions() -> None:
    found = problems(GOOD.replace("{{ inputs.text }}", "{{ inputs.txet }} {{ __import__('os') }} {{ loop.draft }}"))
    assert len(found) == 3, found
    assert all(p.startswith("r.yaml:7:5: steps.0.prompt: ") for p in found)
    joined = "\n".join(found)
    assert "'inputs.txet' is not a declared input (declared: text)" in joined
    assert "is not a variable" in joined
    assert "loop variables exist only inside loop" in joined


def test_every_problem_is_listed_at_once_in_file_order() -> None:
    text = """\
name: many
inputs: {text: {}}
steps:
  - id: a
    model: nope
    prompt: "{{ inputs.missing }}"
    colour: red
  - id: a
    needs: {skill: juggling}
    prompt: "{{ steps.zzz.output }}"
"""
    found = problems(text)
    lines = [int(p.split(":")[1]) for p in found]
    assert lines == sorted(lines)
    assert len(found) == 6, found
    for fragment in ("unknown model 'nope'", "inputs.missing", "colour: unknown key", "duplicate step id 'a'",
                     "unsatisfiable requirement", "unknown step 'zzz'"):  # fmt: skip
        assert any(fragment in p for p in found), (fragment, found)


def test_yaml_syntax_error_has_a_position() -> None:
    with pytest.raises(ConfigError) as info:
        check_text("name: x\nsteps:\n  - id: [unclosed\n", "r.yaml", CARDS)
    assert info.value.code == "yaml_syntax"
    assert info.value.message.startswith("r.yaml:4:1: invalid YAML")


def test_python_object_tag_is_refused_and_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"name: !!python/object/apply:os.system ['touch {marker}']\nsteps: []\n"
    with pytest.raises(ConfigError) as info:
        check_text(text, "r.yaml", CARDS)
    assert info.value.message.startswith("r.yaml:1:7: invalid YAML")
    assert "python/object" in info.value.message
    assert not marker.exists()


def test_ten_megabyte_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("name: big\n# " + "x" * 10_000_000 + "\n")
    started = time.perf_counter()
    with pytest.raises(ConfigError) as info:
        check_file(path, CARDS)
    assert info.value.code == "yaml_too_large"
    assert str(path) in info.value.message and "10,000,013 bytes" in info.value.message
    assert time.perf_counter() - started < 1.0


def test_a_file_that_is_not_utf8_is_refused_at_its_line_and_column(tmp_path: Path) -> None:
    """Saved as Latin-1 by an editor: the place of the first foreign byte and how to convert it."""
    path = tmp_path / "latin.yaml"
    path.write_bytes(GOOD.replace("Summarise", "R\u00e9sume").encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        check_file(path, CARDS)
    assert info.value.code == "yaml_not_utf8"
    assert info.value.message == f"{path}:7:15: not UTF-8 text (byte 0xe9: invalid continuation byte)"
    assert "iconv -f latin1 -t utf-8 latin.yaml" in (info.value.hint or "")


def test_cli_validate_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("model: smollm2", "model: nope") + "    extra_key: 1\n")
    result = subprocess.run(
        [str(AGENTNET), "recipe", "validate", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2, result.stderr
    assert f"{path}:6:5: steps.0.model: unknown model 'nope'" in result.stderr
    assert f"{path}:8:5: steps.0.extra_key: unknown key" in result.stderr
    assert "2 problems" in result.stderr
    # Validation loads no model: nothing in the output or the home says a model was started.
    assert "llama" not in result.stderr.lower()


def test_cli_validate_yaml_error_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "tag.yaml"
    path.write_text("name: !!python/object:os.system x\nsteps: []\n")
    result = subprocess.run(
        [str(AGENTNET), "recipe", "validate", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert f"{path}:1:7: invalid YAML" in result.stderr


def test_invalid_output_schema_is_reported_where_it_is_written() -> None:
    found = problems(GOOD + "    output_schema: {type: objekt}\n")
    assert len(found) == 1
    assert found[0].startswith("r.yaml:8:5: steps.0.output_schema: not a valid JSON Schema:"), found


def test_validation_starts_no_engine() -> None:
    """Checking every shipped recipe imports no model engine, graph runtime or vector store."""
    code = (
        "import sys, pathlib\n"
        "from agentnet.nodes.registry import NodeRegistry\n"
        "from agentnet.recipes.validate import check_file\n"
        "cards = NodeRegistry().cards()\n"
        f"paths = sorted(pathlib.Path({str(Path(__file__).resolve().parents[2] / 'recipes')!r}).glob('*.yaml'))\n"
        "assert paths and all(check_file(p, cards).ok for p in paths)\n"
        "print(sorted(m for m in ('llama_cpp', 'langgraph', 'chromadb', 'litellm') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_value_of_the_wrong_yaml_shape_says_how_to_write_it() -> None:
    """`inputs: [text]`, `after: first`, `prompt: 5` and `name: yes` got pydantic's "Input should be a
    valid dictionary / list / string", in Python's words and without the fix."""
    text = (
        "name: yes\ninputs: [text]\nsteps:\n"
        "  - {id: first, model: smollm2, prompt: 5}\n"
        "  - {id: second, model: smollm2, prompt: hi, after: first}\n"
    )
    assert problems(text) == [
        "r.yaml:1:1: name: must be text, not true/false: quote it (YAML reads yes, no, on, off, true and false "
        "unquoted as true/false)",
        "r.yaml:2:1: inputs: must be a mapping (NAME: value, or {NAME: value}), not a list (e.g. {text: {}})",
        'r.yaml:4:33: steps.0.prompt: must be text, not a number: quote it ("5")',
        "r.yaml:5:46: steps.1.after: must be a list ([a, b], or '- a' lines), not text: "
        "write [first] for a list of one",
    ]


def test_an_unknown_peer_model_points_at_the_peers() -> None:
    """`agentnet models list` lists no peer's model: for PEER/ID the place to look is `peers list`."""
    found = problems(GOOD.replace("model: smollm2", "model: b/summarizer"))
    assert found == [
        "r.yaml:6:5: steps.0.model: unknown model 'b/summarizer' (known: smollm2; see `agentnet peers list`: "
        "'b/summarizer' is a model of peer 'b', added with `agentnet peers add URL`)"
    ]
