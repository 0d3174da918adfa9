"""The README's Python example runs as written, and every command it lists exists in the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()
BIN = Path(sys.executable).parent


@pytest.mark.slow
def test_readme_python_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
    assert blocks, "README has no python example"
    for body in blocks:
        exec(compile(body, str(REPO / "README.md"), "exec"), {"__name__": "readme"})


def test_readme_command_table_names_real_commands() -> None:
    table = re.search(r"## What it does\n\n```text\n(.*?)```", README, re.DOTALL)
    assert table is not None
    help_text = subprocess.run(
        [str(BIN / "agentnet"), "--help"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    for line in table.group(1).splitlines():
        usage = re.split(r"\s{2,}", line)[0]  # the first column: "agentnet serve / peers"
        for command in re.findall(r"(?:agentnet|/) (\w+)", usage):
            assert re.search(rf"│ {command}\s", help_text), f"README lists `{command}`, which `agentnet --help` lacks"
