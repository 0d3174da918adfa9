"""`agentnet recipe validate` lists every problem of a file in one pass, even those that sat behind
another: a bad input name beside a bad field of the same input, a bad `matches:` pattern beside a
bad field of the same condition, and a cycle between steps that share an id (each was reported only
once the other problem was fixed). Real files, the real CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

AGENTNET = Path(sys.executable).parent / "agentnet"

SIDE_BY_SIDE = """\
name: side-by-side
inputs:
  "topic name":
    type: video
  text: {}
steps:
  - id: s1
    model: smollm2
    prompt: "Say {{ inputs.text }}"
    accept:
      matches: "(unclosed"
      min_length: -1
"""

SHARED_ID_CYCLE = """\
name: shared-id
steps:
  - id: a
    model: smollm2
    prompt: "A after {{ steps.b.output }}"
  - id: b
    model: smollm2
    prompt: "B after {{ steps.a.output }}"
  - id: a
    model: smollm2
    prompt: "another a"
"""


def validate(path: Path) -> list[str]:
    done = subprocess.run(
        [str(AGENTNET), "recipe", "validate", str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2, done.stdout + done.stderr
    # The first line is the count ("FILE: N problems"), then one line per problem.
    return [line.strip() for line in done.stderr.splitlines() if line.strip().startswith(f"{path}:")][1:]


def test_a_bad_name_or_pattern_is_reported_beside_the_other_bad_fields_of_its_object(tmp_path: Path) -> None:
    path = tmp_path / "side.yaml"
    path.write_text(SIDE_BY_SIDE)
    found = validate(path)
    assert len(found) == 4, found
    name, kind, pattern, length = found
    assert name.startswith(f"{path}:3:3: inputs.(a key that is not a name): ")
    assert "input name 'topic name' must be letters, digits" in name and "e.g. 'topic_name'" in name
    assert kind.startswith(f"{path}:4:5: inputs.(a key that is not a name).type: ")
    assert pattern.startswith(f"{path}:11:7: steps.0.accept.matches: ")
    assert "not a valid regular expression: missing )" in pattern and "backslash" in pattern
    assert length.startswith(f"{path}:12:7: steps.0.accept.min_length: ")


def test_a_cycle_through_a_step_whose_id_is_taken_twice_is_reported_with_the_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    path.write_text(SHARED_ID_CYCLE)
    found = validate(path)
    assert len(found) == 2, found
    assert found[0].startswith(f"{path}:3:5: steps.0.id: cycle without a bound: a -> b -> a")
    assert found[1].startswith(f"{path}:9:5: steps.2.id: duplicate step id 'a', also the id of steps.0 at {path}:3:5")
    assert "rename one" in found[1]


ACROSS_FIELDS = """\
name: across-fields
steps:
  - id: a
    prompt: hello
    model: smollm2
    needs: {skill: chat}
    max_tokens: 0
  - id: b
    prompt: hi
    cascade:
      - model: smollm2
        needs: {skill: chat}
        temperature: 9
      - model: smollm2
  - id: c
    loop:
      start: draft
      max_iterations: 2
      critique: {model: smollm2, prompt: critique, max_tokens: 0}
      revise: {model: smollm2, prompt: revise}
      until: {contains: ok, typo: 1}
"""


def test_checks_across_a_steps_fields_run_beside_a_bad_field(tmp_path: Path) -> None:
    """A step with max_tokens: 0 and both model: and needs: reported only max_tokens (pydantic runs an
    object's checks across its fields only once every field parsed); a cascade target the same."""
    path = tmp_path / "across.yaml"
    path.write_text(ACROSS_FIELDS)
    found = validate(path)
    assert len(found) == 6, found
    one_of = "Value error, give exactly one of 'model' (a model id) or 'needs' (a requirement)"
    assert found[0] == f"{path}:3:5: steps.0: {one_of}"
    assert found[1].startswith(f"{path}:7:5: steps.0.max_tokens: Input should be greater than 0")
    assert found[2] == f"{path}:11:9: steps.1.cascade.0: {one_of}"
    assert found[3].startswith(f"{path}:13:9: steps.1.cascade.0.temperature: ")
    assert found[4].startswith(f"{path}:19:52: steps.2.loop.critique.max_tokens: ")  # no check across fields hid
    assert found[5].startswith(f"{path}:21:29: steps.2.loop.until.typo: unknown key")


MISSPELT_KEYS = """\
name: misspelt
inputs:
  expr: {default: "12 * 7 + 3"}
steps:
  - id: calc
    model: calculater
    promt: "{{ inputs.expr }}"
  - id: when
    modle: dates
    prompt: "What day is {{ input.expr }}?"
"""


def test_a_step_left_without_a_prompt_or_model_by_a_typo_still_has_its_model_and_prompt_checked(
    tmp_path: Path,
) -> None:
    """`promt:` and `modle:` (typos a newcomer makes) left their steps unparsed, and the unknown model
    `calculater` and the template `input.expr` were reported only after the typos were fixed."""
    path = tmp_path / "misspelt.yaml"
    path.write_text(MISSPELT_KEYS)
    found = validate(path)
    assert len(found) == 6, found
    # ... and names the id it is nearest, not only the known ids (24 with the bundled collaborators).
    assert found[1].startswith(f"{path}:6:5: steps.0.model: unknown model 'calculater': did you mean 'calculator'? (")
    assert found[2] == f"{path}:7:5: steps.0.promt: unknown key (not allowed here; did you mean 'prompt'?)"
    assert found[5] == (
        f"{path}:10:5: steps.1.prompt: template variable 'input.expr' is unknown "
        "(use inputs.*, steps.*, loop.* or proposals)"
    )
