"""Helpers for the daemon tests: run the CLI, read the daemon's state file, wait for a pid to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str, timeout: float = 300, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "150"}
    return subprocess.run(
        [AGENTNET, *args], input=stdin, capture_output=True, text=True, timeout=timeout, check=False, env=env
    )


def state(home: Path) -> dict[str, Any] | None:
    """The daemon's state file (pid, port, token), or None when no daemon left one."""
    path = home / "daemon.json"
    return json.loads(path.read_text()) if path.exists() else None


def gone(pid: int, timeout: float = 30) -> bool:
    """Whether ``pid`` exited within ``timeout`` (polled; the daemon is not our child)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def ended(pid: int) -> bool:
    """Whether ``pid`` has exited now (a zombie not yet reaped by its parent counts: it runs nothing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True
