"""MCP tools in ``agentnet serve``'s network (the app ``app_from_config`` builds): their nodes fill
missing arguments with the planner model, and a server's changed tool list (the fixture server's
``grow`` sends ``notifications/tools/list_changed``) reaches the registry at once and the directory
the server searches and plans with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from processes import wait_until

from agentnet.server.runner import app_from_config
from agentnet.server.settings import ServerSettings


def test_serve_gives_mcp_nodes_the_planner_model_and_follows_a_changed_tool_list(
    fresh_http: str, hub: Any, agentnet_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("agentnet.mcp.hub.shared_hub", lambda: hub)  # closed by the fixture
    config = agentnet_home / "agentnet.yaml"
    config.write_text(f"mcp_servers:\n  - name: fx\n    url: {fresh_http}\n")
    app = app_from_config(ServerSettings(), config)
    network = app.app.app.app.state.backend.network  # inside the tracing, metrics and gate layers
    try:
        echo = network.registry.node("fx.echo")
        assert echo.filler is not None and echo.filler().node_id == network.registry.default_id

        def directory_ids() -> set[str]:
            try:
                return {card.id for card in network.directory.cards()}
            finally:
                network.release_directory()  # as the server does after each use

        before = directory_ids()
        assert "fx.echo" in before and "fx.added_later" not in before
        assert network.registry.node("fx.grow").invoke("grow").content == "grown"
        wait_until(lambda: "fx.added_later" in network.registry, what="the registry to follow list_changed")
        assert "fx.echo" not in network.registry
        found = directory_ids()
        assert "fx.added_later" in found and "fx.echo" not in found
    finally:
        network.close()
