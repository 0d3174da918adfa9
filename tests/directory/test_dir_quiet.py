"""Reopening the embedded directory in a new process prints nothing of chromadb's: the collection is
opened without an embedding function first (directory/collection.py), and chroma then rebuilds the
stored one by name, which it can only do once agentnet's is registered; otherwise every command that
synced a changed config printed chroma's "Could not reconstruct embedding function agentnet" warning.
The real CLI: `directory import` creates the directory, then a config change makes `directory list` sync."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from agentnet.config import embedded_gguf_path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_a_directory_reopened_to_sync_prints_no_chromadb_warning() -> None:
    Path("cards.yaml").write_text("- id: legal\n  description: Summarises contracts in plain words.\n")
    assert cli("directory", "import", "cards.yaml").returncode == 0
    model = f"models:\n  - id: other\n    adapter: llamacpp\n    path: {embedded_gguf_path()}\n"
    Path("agentnet.yaml").write_text(model)
    listed = cli("directory", "list", "--json")  # a model added: synced into the reopened directory
    assert listed.returncode == 0 and '"id": "other"' in listed.stdout, listed.stderr
    assert "Warning" not in listed.stderr and "reconstruct" not in listed.stderr, listed.stderr
    Path("agentnet.yaml").unlink()
    listed = cli("directory", "list", "--json")  # and withdrawn
    assert listed.returncode == 0 and '"id": "other"' not in listed.stdout, listed.stderr
    assert "Warning" not in listed.stderr and "reconstruct" not in listed.stderr, listed.stderr
