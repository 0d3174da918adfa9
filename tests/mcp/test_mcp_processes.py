"""No MCP server outlives agentnet: the process tree after Ctrl-C, SIGTERM and kill -9 of agentnet.

A driver process (agentnet's hub, as the CLI uses it) starts the fixture server over stdio and
waits in a tool call that never ends; the test signals the driver and watches every process that
was below it in the tree (the launcher, the server) disappear. The server is stubborn (it ignores
SIGTERM and outlives its stdin), as leaking servers are: only the launcher's watch on its parent and
its SIGKILL of the process group end it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from mcpkit import FIXTURE_SERVER
from processes import wait_until

DRIVER = f"""
import sys
from agentnet.config import McpServerSpec
from agentnet.mcp.hub import shared_hub

spec = McpServerSpec(name="fx", command=sys.executable, args=[{str(FIXTURE_SERVER)!r}, "--stubborn"])
connection = shared_hub().server(spec)
connection.list_tools()
print("READY", flush=True)
connection.call_tool("hang", {{}}, 3600)
"""


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            out.append(child)
            todo.append(child)
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _default_ctrl_c() -> None:
    """Ctrl-C at its default in the driver, as in a terminal: a test run started as a background job
    (`pytest &` in a script) has SIGINT ignored, and a child would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the process tree is read from /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["ctrl-c", "sigterm", "kill-9"])
def test_no_server_survives_agentnet(sig: signal.Signals) -> None:
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        preexec_fn=_default_ctrl_c,
    )
    assert driver.stdout is not None
    tree: list[int] = []
    try:
        assert driver.stdout.readline().strip() == "READY"
        tree = descendants(driver.pid)
        servers = [pid for pid in tree if str(FIXTURE_SERVER) in command_line(pid)]
        launchers = [pid for pid in tree if "agentnet/mcp/launcher.py" in command_line(pid)]
        assert servers and launchers, [command_line(pid) for pid in tree]
        os.kill(driver.pid, sig)
        driver.wait(timeout=60)
        wait_until(lambda: not any(alive(pid) for pid in tree), timeout_s=30, what="the server processes to exit")
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait()
        driver.stdout.close()
        for pid in tree:  # a failed run must not leave its strays behind for the next tests
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
