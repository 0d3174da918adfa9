"""The MCP client as a built-in plugin: every known tool of every MCP server in use is a node of
every registry (``register_nodes``), built on first use, so listing never starts a server.

Only tools already listed are registered here (``agentnet mcp add`` lists them; a network lists a
declared server's tools when it first attaches it). ``Network`` also follows the servers live: a
changed tool list or a server that is gone updates its registry and directory (``McpServers.attach``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agentnet.plugins.hookspecs import hookimpl


@hookimpl
def register_nodes(register: Callable[..., None], config: Any) -> None:
    from agentnet.mcp.store import McpStore

    store = McpStore()
    if not config.mcp_servers and not store.path.is_file():
        return  # no MCP server in use: nothing more is imported (`agentnet --help` stays light)
    from agentnet.mcp.cards import tool_card
    from agentnet.mcp.servers import McpServers

    servers = McpServers(config, store)
    for record in servers.records():
        for tool in record.tools:
            card = tool_card(record.spec, tool, available=record.available)
            register(card=card, factory=lambda record=record, tool=tool: servers.node(record, tool))
