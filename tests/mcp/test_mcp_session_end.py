"""The end of an MCP session over Streamable HTTP: quiet when it ends normally, said when it fails.

A session ends with a DELETE to the server (``session._SessionEnd``); the SDK warned "Session
termination failed" when that could not connect, which is what happens at the end of a normal run
whose server stopped first (a test fixture, a server shut down before agentnet exits, one that
crashed mid-run). Real fixture servers over HTTP, the hub as the CLI uses it.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from mcpkit import start_http_fixture, stop
from processes import wait_until

from agentnet.config import McpServerSpec
from agentnet.mcp.hub import McpHub


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_session_ends_quietly_and_the_server_ends_it(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Closed while the server runs: the DELETE reaches it (it ends the session), nothing is warned."""
    caplog.set_level(logging.DEBUG)
    log = tmp_path / "server.log"
    process, url = start_http_fixture(log)
    hub = McpHub()
    try:
        assert len(hub.server(McpServerSpec(name="fx", url=url)).list_tools()) > 1
        hub.close()
        wait_until(lambda: "Terminating session" in log.read_text(), what="the server to end the session")
    finally:
        hub.close()
        stop(process)
    assert warnings_of(caplog) == []


def test_a_session_whose_server_stopped_first_ends_quietly(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The server stops before agentnet closes its session (as at the end of a run whose server was
    shut down first): no session is left to end, and nothing is warned."""
    caplog.set_level(logging.DEBUG)
    process, url = start_http_fixture(tmp_path / "server.log")
    hub = McpHub()
    try:
        assert len(hub.server(McpServerSpec(name="fx", url=url)).list_tools()) > 1
        stop(process)
        hub.close()
    finally:
        hub.close()
        stop(process)
    assert warnings_of(caplog) == []


def test_a_server_that_fails_to_end_the_session_is_warned_of(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A real failure to end the session is not hidden: the warning names the server and the status."""
    process, url = start_http_fixture(tmp_path / "server.log", "--refuse-delete")
    hub = McpHub()
    try:
        assert len(hub.server(McpServerSpec(name="fx", url=url)).list_tools()) > 1
        hub.close()
    finally:
        hub.close()
        stop(process)
    assert warnings_of(caplog) == ["agentnet.mcp: MCP server 'fx': ending its session failed: HTTP 500"]
