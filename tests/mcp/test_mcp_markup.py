"""What ``agentnet mcp`` prints about the directory quotes paths and errors: Rich markup in them
(``[bold]`` in a folder name) prints literally, never as styling that eats the text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def test_remove_prints_a_directory_path_with_markup_literally(tmp_path: Path, agentnet_home: Path) -> None:
    cards = tmp_path / "[bold]cards[red]"
    cards.write_text("a file where the directory should be\n")
    Path("agentnet.yaml").write_text(f'directory:\n  path: "{cards}"\n')
    (agentnet_home / "mcp.yaml").write_text(
        "servers:\n  - spec: {name: gone, command: 'true'}\n    tools: [{name: t1, description: a tool}]\n"
    )
    done = subprocess.run(
        [AGENTNET, "mcp", "remove", "gone"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "400"},
    )
    assert done.returncode == 0, done.stderr
    assert "removed MCP server gone (1 tool)" in done.stdout
    # The directory cannot open (a file stands at its path): the message names that path as written.
    assert f"directory not updated now (the directory path {cards} is a file" in done.stdout, done.stdout
