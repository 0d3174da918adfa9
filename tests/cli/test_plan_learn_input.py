"""`agentnet plan --learn FILE` with a file that is not text: exit 2 naming the file and what it should
hold, nothing learned, no traceback. The real CLI on a real plan memory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_learning_from_a_binary_file_is_refused_by_name() -> None:
    Path("examples.jsonl").write_bytes(b"\xf5\x00\x17GGUF" + bytes(range(256)))
    done = cli("plan", "--learn", "examples.jsonl")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "examples.jsonl: not UTF-8 text (invalid start byte at byte 0)" in done.stderr
    assert "one example plan per line" in done.stderr
    shown = cli("memory", "show", "--json")
    assert shown.returncode == 0 and shown.stdout.strip() == "[]"
