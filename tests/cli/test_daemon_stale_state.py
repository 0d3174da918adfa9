"""A daemon.json left by a daemon that died without cleaning up (kill -9, a reboot) names a pid another
process may have taken since. `agentnet daemon stop` must not signal that process, and `status` and
`ask` must not take it for the daemon: the state records when the daemon's process started, and a pid
whose process started at another time is not the daemon. A real unrelated process, the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def process_start(pid: int) -> int:
    """/proc/PID/stat field 22, read here as the daemon records it (agentnet.server.daemon.process_start)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AGENTNET_NO_DAEMON", "AGENTNET_DAEMON")}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_a_stale_state_file_never_signals_the_process_that_took_its_pid(agentnet_home: Path) -> None:
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        started = process_start(bystander.pid)
        # As the dead daemon wrote it: its pid (now the bystander's), a port nobody listens on.
        state = {"pid": bystander.pid, "port": 9, "token": "t", "started": 0.0, "proc_start": started - 1}
        (agentnet_home / "daemon.json").write_text(json.dumps(state))

        stopped = cli("daemon", "stop")
        assert stopped.returncode == 0 and "no agentnet daemon is running" in stopped.stdout, stopped
        assert bystander.poll() is None, "daemon stop signalled an unrelated process"
        status = cli("daemon", "status")
        assert status.returncode == 1 and "no agentnet daemon is running" in status.stdout
        asked = cli("ask", "--max-tokens", "4", "--quiet", "hi")
        assert asked.returncode == 0 and "daemon_unreachable" not in asked.stderr, asked.stderr
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()
