"""`agentnet mcp add NAME -- COMMAND` with a command that cannot start (a typo, a path that is not
there): the error says why, from the launcher's line in the server's log, not only the SDK's
"Connection closed"; nothing is added. The real CLI, the real launcher and MCP SDK client."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


def test_a_command_that_exits_at_once_is_named_with_its_exit_code_and_last_stderr_lines() -> None:
    """Before, the SDK's "Connection closed" was all: neither the exit code nor why the server stopped."""
    quits = "import sys; sys.stderr.write('loading config\\nerror: WEATHER_KEY is not set\\n'); sys.exit(3)"
    done = cli("mcp", "add", "weather", "--", sys.executable, "-c", quits)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    said = " ".join(done.stderr.split())
    assert (
        "MCP server 'weather' is unavailable: its command exited with code 3 before the MCP handshake; "
        "the last lines it wrote on stderr: loading config | error: WEATHER_KEY is not set" in said
    ), said
    assert "weather" not in cli("mcp", "list", "--json").stdout


def test_a_command_that_is_not_an_mcp_server_is_told_at_once() -> None:
    """A command that writes text on stdout (no MCP server, or one that logs there) is named as such within
    seconds; before, the SDK logged a parse traceback and the start waited out its 60 s."""
    marker = "not-mcp-7f3a"
    chatty = f"import time; print('Listening on port 8080 ({marker})', flush=True); time.sleep(120)"
    started = time.monotonic()
    done = cli("mcp", "add", "web", "--", sys.executable, "-c", chatty)
    took = time.monotonic() - started
    assert done.returncode == 1 and took < 30, (took, done.stderr)
    said = " ".join(done.stderr.split())
    assert "MCP server 'web' is unavailable:" in said and "is not an MCP server: it wrote " in said, said
    assert f"'Listening on port 8080 ({marker})' on stdout" in said, said
    assert "log to stderr" in said and "Traceback" not in done.stderr, said
    assert "web" not in cli("mcp", "list", "--json").stdout
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True, check=False)
    assert left.stdout == "", left.stdout  # the command was stopped


@pytest.mark.parametrize("first", ["sleep 4", "echo 'clock server 1.0 starting'"], ids=["slow", "banner"])
def test_a_real_server_slow_to_start_or_printing_a_banner_first_is_still_added(first: str) -> None:
    slow = f"{first}; exec {sys.executable} -m mcp_server_time --local-timezone UTC"
    done = cli("mcp", "add", "clock", "--", "sh", "-c", slow)
    assert done.returncode == 0, done.stderr
    assert "MCP server clock (stdio): 2 tools" in done.stdout, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
