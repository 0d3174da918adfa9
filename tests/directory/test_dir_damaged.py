"""A directory whose chroma database is damaged (not SQLite any more): `agentnet plan` and `directory
list`, which read it through a read-only copy, name the folder and the fix as `run` does (exit 1,
directory_corrupt), never a sqlite3 traceback; nothing is deleted. The real CLI and directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_a_damaged_directory_database_is_named_by_every_reader(agentnet_home: Path) -> None:
    Path("cards.yaml").write_text("- id: legal\n  description: Summarises contracts in plain words.\n")
    assert cli("directory", "import", "cards.yaml").returncode == 0
    index = agentnet_home / "directory" / "chroma.sqlite3"
    damaged = os.urandom(3000)
    index.write_bytes(damaged)
    for args in (("plan", "--no-model", "summarise a text"), ("directory", "list")):
        done = cli(*args)
        assert done.returncode == 1, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert f"cannot open the directory at {index.parent}" in done.stderr and "directory_corrupt" in done.stderr
        assert "nothing was deleted" in done.stderr
    assert index.read_bytes() == damaged
