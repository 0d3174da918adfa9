"""Closing the hub is prompt even when a stdio MCP server will not stop: the SDK's shutdown waited 2 s
after closing its stdin and 2 s after SIGTERM (4 s per exit, up to its 10 s bound under load); the
launcher now stops a server still running 0.5 s after its session ended (SIGTERM, 0.5 s, SIGKILL), and
agentnet says which server it killed. Real stdio servers: the fixture server, stubborn (it ignores
stdin EOF and SIGTERM) or not."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time

import pytest
from mcpkit import FIXTURE_SERVER, stdio_spec
from processes import wait_until
from test_mcp_processes import alive, command_line, descendants

from agentnet.mcp.hub import McpHub

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the process tree is read from /proc")


def _servers() -> list[int]:
    return [pid for pid in descendants(os.getpid()) if str(FIXTURE_SERVER) in command_line(pid)]


def _close_timed(stubborn: bool) -> tuple[float, list[int]]:
    hub = McpHub()
    before = set(_servers())
    args = [str(FIXTURE_SERVER), "--stubborn"] if stubborn else [str(FIXTURE_SERVER)]
    try:
        assert hub.server(stdio_spec(args=args)).list_tools()
        started = [pid for pid in _servers() if pid not in before]
        assert started, "the fixture server is not running below this process"
        began = time.monotonic()
        hub.close()
        return time.monotonic() - began, started
    finally:
        hub.close()


def test_a_server_that_ignores_stdin_eof_and_sigterm_is_killed_promptly_and_named(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="agentnet.mcp")
    took, started = _close_timed(stubborn=True)
    try:
        assert took < 3.0, f"closing took {took:.1f} s"  # 1 s of grace; the SDK alone took 4 s
        wait_until(lambda: not any(alive(pid) for pid in started), what="the stubborn server to be gone", timeout_s=10)
    finally:
        for pid in started:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    said = [record.getMessage() for record in caplog.records if "killed it" in record.getMessage()]
    assert len(said) == 1 and "MCP server 'fx'" in said[0] and "mcp-fx.log" in said[0], caplog.text


def test_a_server_that_stops_at_stdin_eof_closes_at_once_and_quietly(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="agentnet.mcp")
    took, started = _close_timed(stubborn=False)
    assert took < 1.5, f"closing took {took:.1f} s"
    assert not any(alive(pid) for pid in started)
    assert "killed" not in caplog.text
