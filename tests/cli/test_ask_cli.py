"""`agentnet ask` and `agentnet models ...` as real subprocesses, and the lazy-import promise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AGENTNET, *args], capture_output=True, text=True, timeout=timeout, env=os.environ.copy(), check=False
    )


def test_ask_streams_the_answer_with_the_embedded_model() -> None:
    result = run("ask", "What is the capital of France?")
    assert result.returncode == 0, result.stderr
    assert "Paris" in result.stdout
    # Stats go to stderr, and llama.cpp's own logging stays out of the terminal.
    assert "[smollm2:" in result.stderr and "tok/s" in result.stderr
    assert "llama_model_loader" not in result.stderr and "llama_context" not in result.stderr
    assert "Paris" not in result.stderr


def test_ask_unknown_model_lists_known_ids() -> None:
    result = run("ask", "--model", "nope", "hi")
    assert result.returncode == 2
    assert "'nope'" in result.stderr and "smollm2" in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_with_a_config_file_naming_a_bad_gguf(tmp_path: Path) -> None:
    config = tmp_path / "agentnet.yaml"
    config.write_text(f"models:\n  - id: broken\n    adapter: llamacpp\n    path: {tmp_path / 'missing.gguf'}\n")
    result = run("ask", "--config", str(config), "--model", "broken", "hi")
    assert result.returncode == 2
    assert "missing.gguf" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_config_fails_with_file_and_line(tmp_path: Path) -> None:
    Path("agentnet.yaml").write_text("models:\n  - id: a\n    adapterr: llamacpp\n")
    result = run("models", "list")
    assert result.returncode == 2
    assert "agentnet.yaml:3:5" in result.stderr
    assert "Traceback" not in result.stderr


def test_models_list_and_show() -> None:
    listed = run("models", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    cards = json.loads(listed.stdout)
    # The bundled collaborators are on every network; the configured model is the one model besides them.
    assert [card["id"] for card in cards if "bundled" not in card["tags"]] == ["smollm2"]
    assert "calculator" in {card["id"] for card in cards}
    shown = run("models", "show", "smollm2")
    assert shown.returncode == 0, shown.stderr
    assert "adapter: llamacpp" in shown.stdout and "id: chat" in shown.stdout
    # Only the settings llama.cpp reads: its context window, not a remote model's retries or cooldown.
    assert "n_ctx: 2048" in shown.stdout and "retries" not in shown.stdout and "cooldown_s" not in shown.stdout
    assert "options" not in shown.stdout
    table = run("models", "list")
    assert "smollm2" in table.stdout and "llamacpp" in table.stdout


def test_models_test_makes_one_real_call() -> None:
    result = run("models", "test", "smollm2", "--prompt", "What is the capital of France?")
    assert result.returncode == 0, result.stderr
    assert "Paris" in result.stdout
    assert "tokens/s:" in result.stdout and "latency:" in result.stdout


def test_models_test_remote_through_litellm(llama_server: str) -> None:
    Path("agentnet.yaml").write_text(
        f"models:\n  - id: served\n    adapter: litellm\n    model: openai/smollm2\n    api_base: {llama_server}\n"
    )
    result = run("models", "test", "served", "--max-tokens", "16")
    assert result.returncode == 0, result.stderr
    assert "reply:" in result.stdout and "tokens/s:" in result.stdout


HEAVY = [
    "litellm",
    "llama_cpp",
    "chromadb",
    "langchain_core",
    "langgraph",
    "mcp",
    "mcp_types",
    "psycopg",
    "opentelemetry",
    "prometheus_client",
    "a2a",
]


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["models", "list"],
        ["models", "show", "smollm2"],
        ["ask", "--help"],
        ["mcp", "--help"],
        ["daemon", "status"],
    ],
)
def test_cli_paths_never_import_heavy_engines(argv: list[str]) -> None:
    probe = (
        "import sys\n"
        f"sys.argv = ['agentnet', *{argv!r}]\n"
        "from agentnet.cli.app import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert "HEAVY=" in result.stderr, result.stderr
    assert result.stderr.split("HEAVY=")[1] == ""
    assert result.stdout.strip()
