"""`agentnet memory show --tool NAME` that matches nothing, on a memory that holds tasks: it says the
filter matched nothing and which tools the remembered tasks used. Before, it said "nothing remembered:
teach it with ...", as if memory were empty. The real CLI on a real plan memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_a_tool_filter_that_matches_nothing_is_not_an_empty_memory() -> None:
    assert cli("memory", "show").stdout.startswith("nothing remembered")
    example = {"instruction": "What is 2 plus 3?", "task_nodes": [{"task": "calculator"}]}
    Path("one.jsonl").write_text(json.dumps(example) + "\n")
    assert cli("plan", "--learn", "one.jsonl").returncode == 0
    shown = cli("memory", "show", "--tool", "Calculator")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "no remembered task used 'Calculator' (1 remembered; their tools: calculator)"
    assert json.loads(cli("memory", "show", "--tool", "calculator", "--json").stdout)[0]["tools"] == ["calculator"]
