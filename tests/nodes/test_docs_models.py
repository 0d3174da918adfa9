"""Every example in docs/models.md runs: YAML blocks load as config, Python blocks execute."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agentnet.config import load_config
from agentnet.nodes.registry import NodeRegistry

DOC = Path(__file__).resolve().parents[2] / "docs" / "models.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def test_yaml_example_is_a_valid_config(tmp_path: Path) -> None:
    (example,) = blocks("yaml")
    path = tmp_path / "agentnet.yaml"
    path.write_text(example)
    config = load_config(path)
    assert config.model_ids() == [
        "smollm2",
        "qwen-local",
        "gpt-mini",
        "claude",
        "llama-ollama",
        "any-openai-compatible",
        "file-name",
    ]
    registry = NodeRegistry(config)
    assert registry.card("file-name").provider == "tool"
    assert registry.node("file-name").complete("/srv/reports/q3.pdf").text == "q3.pdf"
    assert registry.card("gpt-mini").data_leaves_host is True
    # Loopback servers keep the data on this host.
    assert registry.card("any-openai-compatible").data_leaves_host is False
    assert registry.card("llama-ollama").locality == "remote"
    assert registry.card("qwen-local").context_length == 4096


def test_python_example_runs(smollm2_node: object, capsys: pytest.CaptureFixture[str]) -> None:
    (example,) = blocks("python")
    exec(compile(example, str(DOC), "exec"), {"__name__": "docs_example"})
    out = capsys.readouterr().out
    assert "Paris" in out


def test_cli_examples_name_real_commands() -> None:
    (example,) = blocks("bash")
    from typer.testing import CliRunner

    from agentnet.cli.app import app

    runner = CliRunner()
    for line in example.splitlines():
        command = line.split("#")[0].split()
        assert command[0] == "agentnet"
        words = [word for word in command[1:] if not word.startswith("-") and not word.startswith('"')][:2]
        result = runner.invoke(app, [*words[:1], "--help"] if words[0] == "ask" else [*words[:2], "--help"])
        assert result.exit_code == 0, (line, result.output)
