"""Plan memory whose file is damaged (not SQLite any more): `plan`, `run` and `memory stats` name the
file and the fix (exit 1, memory_corrupt), never a sqlite3 traceback, and the file is kept as it was.
The real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_damaged_plan_memory_is_named_with_the_fix(agentnet_home: Path) -> None:
    memory = agentnet_home / "planner" / "memory.sqlite"
    memory.parent.mkdir(parents=True, exist_ok=True)
    damaged = os.urandom(3000)
    memory.write_bytes(damaged)
    for args in (("plan", "--no-model", "summarise a text"), ("memory", "stats"), ("run", "say hello", "--json")):
        done = cli(*args)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, args
        shown = done.stderr + done.stdout
        assert f"plan memory at {memory} is damaged" in shown and "memory_corrupt" in shown, args
        assert f"mv {memory} {memory}.broken" in shown, args
    assert memory.read_bytes() == damaged
