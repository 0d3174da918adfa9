"""docs/recipes.md agrees with the recipe schema, and its sample validation output is the real one."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from agentnet.recipes import recipe_json_schema

DOC = Path(__file__).resolve().parents[2] / "docs" / "recipes.md"
AGENTNET = Path(sys.executable).parent / "agentnet"


def documented() -> dict[str, dict[str, bool]]:
    """Model name -> {field: marked required} from the reference tables."""
    reference = DOC.read_text().split("## Reference", 1)[1]
    out: dict[str, dict[str, bool]] = {}
    for section in re.split(r"^### ", reference, flags=re.MULTILINE)[1:]:
        name = section.split("`")[1]
        rows = re.findall(r"^\| `([a-z_]+)` \|(.*)$", section, flags=re.MULTILINE)
        out[name] = {field: "**required**" in rest for field, rest in rows}
    return out


def test_reference_lists_exactly_the_schema_fields() -> None:
    schema = recipe_json_schema()
    models = {"Recipe": schema, **schema["$defs"]}
    docs = documented()
    assert set(docs) == set(models)
    for name, model in models.items():
        assert set(docs[name]) == set(model["properties"]), name
        required = {field for field, marked in docs[name].items() if marked}
        assert required == set(model.get("required", [])), name


def test_sample_validation_output_is_what_the_cli_prints(tmp_path: Path) -> None:
    text = DOC.read_text()
    bad = re.search(r"<!-- file: bad.yaml -->\n```yaml\n(.*?)```", text, re.DOTALL)
    shown = re.search(r"```text\n(bad\.yaml: .*?)```", text, re.DOTALL)
    assert bad and shown
    (tmp_path / "bad.yaml").write_text(bad.group(1))
    result = subprocess.run(
        [str(AGENTNET), "recipe", "validate", "bad.yaml"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == shown.group(1)
