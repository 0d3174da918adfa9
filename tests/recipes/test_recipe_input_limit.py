"""A recipe's file inputs are held to ``runs.max_artifact_bytes``, as a plan run's are, through the real
CLI: they were read under the default limit (256 MB) whatever agentnet.yaml set, so a recipe took a
file the setting was there to refuse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")
RECIPE = """\
name: count
inputs:
  doc: {type: file}
steps:
  - {id: count, model: text-statistics, prompt: "Count the words of {{ inputs.doc }}"}
"""


def recipe_run(doc: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AGENTNET, "recipe", "run", "count.yaml", "--input", f"doc={doc}", "--json"],
        capture_output=True, text=True, timeout=300, check=False, stdin=subprocess.DEVNULL,
        env={**os.environ, "AGENTNET_NO_DAEMON": "1"},
    )  # fmt: skip


@pytest.mark.usefixtures("agentnet_home")
def test_a_file_input_over_the_configured_limit_is_refused() -> None:
    Path("agentnet.yaml").write_text("runs:\n  max_artifact_bytes: 1000\n")
    Path("count.yaml").write_text(RECIPE)
    Path("small.txt").write_text("Bees make honey. " * 10)  # 170 bytes
    Path("big.txt").write_text("Bees make honey. " * 100)  # 1,700 bytes
    done = recipe_run("small.txt")
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert json.loads(done.stdout)["steps"]["count"]["text"] == "30 words"
    done = recipe_run("big.txt")
    assert done.returncode != 0, (done.stdout, done.stderr)
    assert "a run takes files of at most 1,000 bytes (runs.max_artifact_bytes)" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
