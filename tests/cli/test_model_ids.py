"""A model id is agentnet's name for a node: a config key, `ask -m ID`, a recipe's `model:`. One with a
space or a slash (a peer's nodes are PEER/ID) is refused where models are added and wherever a config
is read, naming the id, the characters allowed and an example; the ids in use keep working. The real
CLI and the embedded GGUF (nothing is loaded into llama.cpp)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.config import embedded_gguf_path

AGENTNET = str(Path(sys.executable).parent / "agentnet")
RULE = "an id is up to 100 letters, digits and . _ - : @, starting with a letter or digit (e.g. qwen2.5-7b"


def agentnet(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


@pytest.mark.parametrize("bad", ["my model", "team/model", ".hidden", "tab\tid", "x" * 101])
def test_models_add_refuses_an_id_that_cannot_name_a_model(bad: str, tmp_path: Path) -> None:
    """Before, `models add FILE --id 'my model'` wrote the id into the config as given."""
    config = tmp_path / "agentnet.yaml"
    config.write_text("# mine\nmodels: []\n")
    done = agentnet("models", "add", str(embedded_gguf_path()), "--id", bad, "--config", str(config))
    said = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stderr
    assert f"model id {bad!r} cannot be used: {RULE}" in said, said
    assert "Traceback" not in done.stderr and config.read_text() == "# mine\nmodels: []\n"


def test_a_config_declaring_such_an_id_is_refused_by_file_and_line() -> None:
    Path("agentnet.yaml").write_text(
        "models:\n  - id: team/model\n    adapter: litellm\n    model: openai/gpt-4o-mini\n    api_key_env: KEY\n"
    )
    done = agentnet("models", "list")
    said = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stderr
    assert "agentnet.yaml:2" in said and f"model id 'team/model' cannot be used: {RULE}" in said, said


def test_the_ids_in_use_keep_working(tmp_path: Path) -> None:
    """The docs' ids, a litellm model string with slashes and a colon, and an id made from a file name."""
    Path("agentnet.yaml").write_text(
        "models:\n"
        "  - {id: gpt-mini, adapter: litellm, model: openai/gpt-4o-mini, api_key_env: OPENAI_API_KEY}\n"
        "  - {id: 'llama3:8b', adapter: litellm, model: ollama/llama3:8b, api_base: 'http://127.0.0.1:9'}\n"
        "  - {id: gpt-4o@azure, adapter: litellm, model: azure/gpt-4o, api_key_env: AZURE_API_KEY}\n"
        "  - {id: qwen2.5-7b_local, adapter: llamacpp, path: embedded:smollm2}\n"
    )
    named = tmp_path / "_My Model (Q4)!.gguf"  # the id comes from the file name
    named.symlink_to(embedded_gguf_path())
    added = agentnet("models", "add", str(named))
    assert added.returncode == 0 and "added my-model-q4 " in added.stderr, added.stderr
    listed = agentnet("models", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    ids = {card["id"] for card in json.loads(listed.stdout)}
    assert {"smollm2", "gpt-mini", "llama3:8b", "gpt-4o@azure", "qwen2.5-7b_local", "my-model-q4"} <= ids, ids
