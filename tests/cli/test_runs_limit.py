"""`agentnet runs list -n N` takes a positive N: `-n 0` said "no runs yet" while runs existed, and
`-n -1` listed every run. The real CLI on a real run database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_runs_list_refuses_a_limit_below_one() -> None:
    for limit in ("0", "-1"):
        done = cli("runs", "list", "-n", limit)
        assert done.returncode == 2, done.stdout
        assert "Invalid value for '--limit'" in done.stderr and "greater than or equal to 1" in done.stderr
        assert "no runs yet" not in done.stdout
    assert cli("runs", "list", "-n", "1").returncode == 0
