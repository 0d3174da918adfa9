"""`agentnet run` / `recipe run` when the PostgreSQL run database cannot be used at all (nothing listens
on its port): the error names the database and the fix, and says that nothing of the run was saved.
It used to name the run's id and promise that, once the database was back, `agentnet runs show ID`
would show what was saved and `--resume ID` continue it: then both said "no run with id ...". A
command that starts no run (`runs list`) does not speak of resuming one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = Path(sys.executable).parent / "agentnet"


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize("command", ["run", "recipe", "list"])
def test_a_run_the_database_never_held_is_not_promised(command: str) -> None:
    Path("r.yaml").write_text('name: r\nsteps:\n  - {id: a, model: calculator, prompt: "2 + 2"}\n')
    args = {"run": ["run", "What is 2 + 2?"], "recipe": ["recipe", "run", "r.yaml"], "list": ["runs", "list"]}
    url = f"postgresql://agentnet@127.0.0.1:{_closed_port()}/runs"
    env = {**os.environ, "AGENTNET_RUNS_URL": url, "AGENTNET_NO_DAEMON": "1", "COLUMNS": "200", "NO_COLOR": "1"}
    done = subprocess.run([str(AGENTNET), *args[command]], env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    text = " ".join(done.stderr.split())
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "error (runs_db_unavailable): cannot use the run database postgresql://***@127.0.0.1:" in text, text
    assert "resume" not in text and "runs show" not in text and "this run is" not in text, text
    if command != "list":
        assert "nothing of this run was saved" in text, text
