"""`agentnet plan` plans with the models the config declares now, as `agentnet run` does, even when
something else wrote the directory last: `directory import` (or `mcp add`) on a fresh home, a model
added to agentnet.yaml, a model removed from it. Real CLI processes, real directory and embedder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from agentnet.config import embedded_gguf_path

AGENTNET = str(Path(sys.executable).parent / "agentnet")

TRANSLATOR = f"""models:
  - id: french-desk
    adapter: llamacpp
    path: {embedded_gguf_path()}
    card:
      description: Translates French text into English.
      skills:
        - {{id: translate, name: Translate, description: Translate French text into English.}}
"""

CARDS = """- id: legal-summarizer
  description: Summarises contracts and legal documents into plain-language bullet points.
  tags: [legal]
"""


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def planned(task: str) -> list[str]:
    done = cli("plan", task, "--json", "--no-model")
    assert done.returncode == 0, done.stderr
    return [step["capability"] for step in json.loads(done.stdout)["steps"]]


def test_plan_sees_the_configured_models_whoever_wrote_the_directory_last() -> None:
    # A fresh home whose directory only `directory import` wrote: the embedded chat model is still there.
    Path("cards.yaml").write_text(CARDS)
    assert cli("directory", "import", "cards.yaml").returncode == 0
    assert planned("Write a haiku about the sea.") == ["smollm2"]

    # A model added to the config is planned with at once, not after some other command synced it.
    task = "Translate 'bonjour à tous' from French into English."
    Path("agentnet.yaml").write_text(TRANSLATOR)
    assert planned(task) == ["french-desk"]

    # And one removed from it is no longer planned with (`run` would not find it).
    Path("agentnet.yaml").unlink()
    assert "french-desk" not in planned(task)
