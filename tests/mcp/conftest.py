"""Real MCP servers for the MCP tests: the fixture server written in tests/mcp with the SDK."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcpkit import start_http_fixture, stop


@pytest.fixture(scope="session")
def fixture_http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of one fixture server over Streamable HTTP, shared by the tests that do not break it."""
    process, url = start_http_fixture(tmp_path_factory.mktemp("fixture-http") / "server.log")
    yield url
    stop(process)


@pytest.fixture
def fresh_http() -> Iterator[str]:
    """A fixture server of this test's own (for tests that crash it or change its tool list)."""
    process, url = start_http_fixture(Path(os.environ["AGENTNET_HOME"]) / "fixture-http.log")
    yield url
    stop(process)


@pytest.fixture
def hub() -> Iterator[object]:
    """A hub of the test's own, closed afterwards (its servers stopped)."""
    from agentnet.mcp.hub import McpHub

    own = McpHub()
    yield own
    own.close()
