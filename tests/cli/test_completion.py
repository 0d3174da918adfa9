"""Issue 13 §8: shell completion (typer's) completes commands and sub-commands, plugin ones included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def complete(words: str) -> list[str]:
    env = {**os.environ, "_AGENTNET_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - 1)}  # fmt: skip
    done = subprocess.run([AGENTNET], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_commands_and_subcommands_complete() -> None:
    assert complete("agentnet mod") == ["models"]
    assert complete("agentnet mc") == ["mcp"]  # a built-in command plugin, resolved on demand
    assert "add" in complete("agentnet models a")
    assert sorted(complete("agentnet daemon st")) == ["start", "status", "stop"]
    script = subprocess.run([AGENTNET, "--show-completion", "bash"], capture_output=True, text=True, timeout=60)
    assert "_agentnet_completion" in script.stdout
