"""`agentnet init` writes a starter agentnet.yaml that loads as it is and with its examples
uncommented (issue 13 item 7), through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from agentnet.config import embedded_gguf_path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    env["COLUMNS"] = "200"
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_init_writes_a_starter_that_loads_and_never_overwrites() -> None:
    bare = json.loads(cli("models", "list", "--json").stdout)
    done = cli("init")
    assert done.returncode == 0, done.stderr
    text = Path("agentnet.yaml").read_text()
    assert "# - id: gpt-mini" in text and "# - id: my-model" in text and "embedded:smollm2" in text
    # The embedded model's entry is agentnet's own declaration: the network is the same as with no file.
    assert json.loads(cli("models", "list", "--json").stdout) == bare

    again = cli("init")
    assert again.returncode == 2 and "already exists" in again.stderr
    assert Path("agentnet.yaml").read_text() == text
    assert cli("init", "--force").returncode == 0


def test_the_commented_examples_are_valid_once_uncommented() -> None:
    assert cli("init").returncode == 0
    Path("models").mkdir()
    Path("models/my-model.gguf").symlink_to(embedded_gguf_path())
    lines = Path("agentnet.yaml").read_text().splitlines()
    uncommented = [line.replace("  # ", "  ", 1) if line.startswith("  #   ") or line.startswith("  # - ") else line
                   for line in lines]  # fmt: skip
    Path("agentnet.yaml").write_text("\n".join(uncommented) + "\n")
    listed = cli("models", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    # The declared models come first (the bundled collaborators follow them).
    assert [card["id"] for card in json.loads(listed.stdout)][:3] == ["smollm2", "my-model", "gpt-mini"]
    health = cli("models", "list")
    rows = {line.split()[0]: line for line in health.stdout.splitlines() if line.strip()}
    assert "ok" in rows["my-model"] and "no key" in rows["gpt-mini"]


def test_version_and_generation_speed_without_the_load() -> None:
    from agentnet.nodes.calls import Reply, Usage

    assert cli("--version").stdout.startswith("agentnet ")
    # 2 s to the first token (model load, prompt), then 10 tokens in 1 s: 10 tok/s, not 11 / 3 s.
    reply = Reply(node_id="m", text="x", usage=Usage(completion_tokens=11), latency_s=3.0, first_token_s=2.0)
    assert reply.tokens_per_s == 10.0
