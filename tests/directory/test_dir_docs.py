"""Every example in docs/directory.md runs: the YAML imports, the CLI lines succeed, the Python executes."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agentnet.cli.app import app
from agentnet.directory.importers import load_cards

DOC = Path(__file__).resolve().parents[2] / "docs" / "directory.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def test_yaml_cards_and_cli_lines() -> None:
    (cards_yaml,) = blocks("yaml")
    Path("cards.yaml").write_text(cards_yaml)
    assert [c.id for c in load_cards(Path("cards.yaml"))] == ["legal-summarizer", "cloud-vision"]
    (commands,) = blocks("bash")
    runner = CliRunner()
    outputs = []
    for line in commands.strip().splitlines():
        argv = shlex.split(line)
        assert argv[0] == "agentnet"
        result = runner.invoke(app, argv[1:])
        assert result.exit_code == 0, (line, result.output, result.exception)
        outputs.append(result.stdout)
    assert "legal-summarizer" in outputs[2]
    assert "cloud-vision" not in outputs[3]  # --local-only


def test_python_example(capsys: pytest.CaptureFixture[str]) -> None:
    (example,) = blocks("python")
    exec(compile(example, str(DOC), "exec"), {"__name__": "docs_example"})
    assert capsys.readouterr().out.startswith("painter ")
