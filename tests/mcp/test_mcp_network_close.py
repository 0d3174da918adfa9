"""`Network.close()` ends the MCP sessions the network started: its stdio server (and the launcher above
it) are gone, by pid, right after close, not at the process's exit (an app making a Network per request
gathered one server process per close). A session another open Network still follows stays up until
that one closes too. The real fixture server over stdio, declared in agentnet.yaml as a user writes it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from mcpkit import FIXTURE_SERVER
from processes import wait_until
from test_mcp_processes import alive, command_line, descendants

from agentnet import Network

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the process tree is read from /proc")


def _ours(before: frozenset[int] = frozenset()) -> list[int]:
    """The fixture server and its launcher, below this process, leaving out ``before``: the ones running
    before the test (an earlier test's session in this worker, which the process-wide hub keeps)."""
    return [
        pid
        for pid in descendants(os.getpid())
        if pid not in before and str(FIXTURE_SERVER) in command_line(pid) and alive(pid)
    ]


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "agentnet.yaml"
    config.write_text(
        f"mcp_servers:\n  - name: fx\n    command: {sys.executable}\n    args: [{str(FIXTURE_SERVER)!r}]\n"
    )
    return config


def _tool_called(net: Network, before: frozenset[int]) -> list[int]:
    """Call a tool (which starts the server if it is not running) and return the processes it runs in."""
    assert net.node("fx.echo").complete('{"text": "hello"}').text == "echo: hello"
    running = _ours(before)
    assert len(running) == 2, running  # the launcher and the server
    return running


def test_close_ends_the_network_s_stdio_server(agentnet_home: Path, tmp_path: Path) -> None:
    before = frozenset(_ours())
    net = Network.from_config(_config(tmp_path))
    try:
        running = _tool_called(net, before)
    finally:
        net.close()
    wait_until(lambda: not any(alive(pid) for pid in running), what="the MCP server to end", timeout_s=5)


def test_a_session_another_open_network_follows_stays_until_that_one_closes(
    agentnet_home: Path, tmp_path: Path
) -> None:
    config = _config(tmp_path)
    before = frozenset(_ours())
    first, second = Network.from_config(config), Network.from_config(config)
    try:
        running = _tool_called(first, before)
        first.close()
        assert all(alive(pid) for pid in running)  # the second still follows it
        assert _tool_called(second, before) == running  # the same session answers
    finally:
        first.close()
        second.close()
    wait_until(lambda: not any(alive(pid) for pid in running), what="the MCP server to end", timeout_s=5)
