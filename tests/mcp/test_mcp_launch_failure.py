"""`agentnet mcp add NAME -- COMMAND` with a command that cannot start (a typo, a path that is not
there): the error says why, from the launcher's line in the server's log, not only the SDK's
"Connection closed"; nothing is added. The real CLI, the real launcher and MCP SDK client."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_a_command_that_cannot_start_is_named_with_the_reason() -> None:
    done = cli("mcp", "add", "clock", "--", "mcp-server-tiem", "--local-timezone", "UTC")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert (
        "MCP server 'clock' is unavailable: cannot start MCP server 'mcp-server-tiem': "
        "[Errno 2] No such file or directory" in done.stderr
    ), done.stderr
    assert "check that `mcp-server-tiem --local-timezone UTC` works on its own" in done.stderr
    listed = cli("mcp", "list", "--json")
    assert listed.returncode == 0 and "clock" not in listed.stdout


def test_a_server_with_neither_command_nor_url_is_told_so() -> None:
    # The message said "..., not both" when neither was given.
    done = cli("mcp", "add", "clock")
    assert done.returncode == 2
    assert "needs either 'command' (stdio) or 'url' (Streamable HTTP): got neither" in done.stderr, done.stderr
    both = cli("mcp", "add", "clock", "--url", "http://127.0.0.1:9/mcp", "--", "mcp-server-time")
    assert both.returncode == 2 and "got both" in both.stderr, both.stderr
