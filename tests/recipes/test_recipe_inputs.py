"""Typed recipe inputs (issue 15 §2): image/audio/file inputs are files, checked against the declared
type before anything runs, stored by content hash, and handed to the collaborator a step names."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from agentnet.config import AgentnetConfig
from agentnet.errors import UserError
from agentnet.evals.e2e_inputs import render_text
from agentnet.nodes.registry import NodeRegistry
from agentnet.recipes.program import RecipeProgram, check_recipe
from agentnet.recipes.validate import check_text

DOC = Path(__file__).resolve().parents[2] / "docs" / "recipes.md"


def doc_block(pattern: str) -> str:
    found = re.search(pattern, DOC.read_text(), re.DOTALL)
    assert found, pattern
    return found.group(1)


@pytest.fixture
def sign_recipe(agentnet_home: Path) -> RecipeProgram:
    """The docs' sign.yaml, loaded over the bundled collaborators, in the test's working directory."""
    path = Path("sign.yaml")
    path.write_text(doc_block(r"<!-- file: sign.yaml -->\n```yaml\n(.*?)```"))
    return RecipeProgram.load(path, nodes=NodeRegistry(AgentnetConfig()))


def test_a_type_is_checked_statically_with_its_place() -> None:
    registry = NodeRegistry(AgentnetConfig())
    text = (
        "name: bad\ninputs:\n  photo: {type: picture}\n  scan: {type: image}\n  talk: {type: audio}\n"
        "steps:\n  - {id: a, model: smollm2, prompt: 'Describe {{ inputs.scan }}'}\n"
        "  - {id: b, model: ocr, prompt: 'Read {{ inputs.scan }}'}\n"
        "  - {id: c, model: text-statistics, prompt: 'Count {{ inputs.talk }}'}\n"
    )
    problems = check_text(text, "bad.yaml", registry.cards()).problems
    assert problems[0].startswith("bad.yaml:3:11: inputs.photo.type: Input should be 'text', 'image', 'audio'")
    assert problems[1] == (
        "bad.yaml:7:29: steps.0.prompt: '{{ inputs.scan }}' is an image input, but model 'smollm2' takes text; "
        "give it to a collaborator that takes image (ocr)"
    )
    # OCR takes the image; nothing installed takes audio, and the message says where to look.
    assert len(problems) == 3 and "model 'text-statistics' takes text" in problems[2]
    assert "none is installed: see `agentnet models list`" in problems[2]


def test_a_value_of_the_wrong_kind_is_refused_naming_the_declaration_and_the_fix(
    sign_recipe: RecipeProgram,
) -> None:
    program = sign_recipe
    with pytest.raises(UserError) as wrong:
        program.bind({"photo": "sign.yaml"})
    shown = doc_block(r"```text\n(error \(recipe_input_invalid\).*?)```")
    assert f"error ({wrong.value.code}): {wrong.value.message}\n  hint: {wrong.value.hint}\n" == shown
    with pytest.raises(UserError, match=r"declared at sign.yaml:4:3, type: image\) must be the path of a file"):
        program.bind({"photo": "missing.png"})
    with pytest.raises(UserError) as missing:
        program.bind({})
    assert missing.value.hint == "pass --input photo=sign.png"


def test_an_image_input_is_stored_by_hash_and_read_by_the_step_that_names_it(
    sign_recipe: RecipeProgram, agentnet_home: Path
) -> None:
    program = sign_recipe
    sign = render_text(["FRESH BREAD", "OPEN DAILY TODAY"], Path("photo.png"))
    result = program.run({"photo": str(sign)}, run_id="signrecipe")
    assert result.ok, result.error
    assert result.output == "FRESH BREAD\nOPEN DAILY TODAY (5 words)"
    digest = hashlib.sha256(sign.read_bytes()).hexdigest()
    copy = agentnet_home / "runs" / "signrecipe" / "artifacts" / f"{digest}.png"
    assert copy.read_bytes() == sign.read_bytes()
    # The run database holds the reference to the run's copy, never the image's bytes.
    database = b"".join(p.read_bytes() for p in agentnet_home.glob("runs.sqlite*"))
    assert str(copy).encode() in database and sign.read_bytes()[16:80] not in database


STEALING = """\
name: steal
inputs:
  notes: {{type: file, default: {default!r}}}
steps:
  - {{id: count, model: text-statistics, prompt: "Count the words of {{{{ inputs.notes }}}}"}}
"""


def test_a_file_inputs_default_must_be_beside_the_recipe(agentnet_home: Path, tmp_path: Path) -> None:
    """A recipe from elsewhere must not hand a file the user never named (a key, a password file)
    to its steps' models: its file defaults stay in its own folder, links included."""
    secret = tmp_path / "secret.txt"
    secret.write_text("AWS_SECRET=abc123\n")
    folder = tmp_path / "shared" / "recipes"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("bees make honey\n")
    (folder / "link.txt").symlink_to(secret)
    registry = NodeRegistry(AgentnetConfig())
    for default in (str(secret), "../../secret.txt", "~/secret.txt", "link.txt"):
        path = folder / "steal.yaml"
        path.write_text(STEALING.format(default=default))
        with pytest.raises(UserError) as refused:
            RecipeProgram.load(path, nodes=registry).bind({})
        assert refused.value.code == "recipe_input_invalid"
        assert f"its default {default!r} is not a file in the recipe's folder" in refused.value.message
        assert "--input notes=PATH" in (refused.value.hint or "")
        # `agentnet recipe validate` says so too, at the input: before, it said "ok" and only the run refused.
        checked = check_recipe(path, registry.cards())
        assert not checked.ok and checked.problems == [
            f"{path}:3:3: inputs.notes.default: {default!r} is not a file in the recipe's folder ({folder}); a "
            "recipe's default files must be beside it: copy the file next to the recipe and name it there, or drop "
            "the default"
        ], checked.problems
    path.write_text(STEALING.format(default="gone.txt"))
    assert check_recipe(path, registry.cards()).problems == [
        f"{path}:3:3: inputs.notes.default: no file 'gone.txt' in the recipe's folder ({folder}): put it there"
    ]
    # A file beside the recipe is a default as before, and the user may still pass any file.
    path.write_text(STEALING.format(default="notes.txt"))
    program = RecipeProgram.load(path, nodes=registry)
    assert program.bind({})["notes"]["name"] == "notes.txt"
    assert program.bind({"notes": str(secret)})["notes"]["name"] == "secret.txt"
    assert check_recipe(path, registry.cards()).ok
