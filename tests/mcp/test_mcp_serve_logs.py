"""What ``agentnet mcp serve`` says on stderr about the MCP servers it uses over Streamable HTTP.

The SDK's ``MCPServer`` configures the serving process's logging at INFO (a Rich handler on stderr), the
only agentnet process that shows INFO (the CLI and ``agentnet serve`` configure none: Python shows
warnings only). There the end of a session with a server that still runs is quiet, with no request
line naming its URL (a key in its query included), while a server lost mid-session is still said. A
real ``agentnet mcp serve`` over stdio, driven by the SDK's client, with real fixture servers upstream.
"""

from __future__ import annotations

import os
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcpkit import AGENTNET, start_http_fixture, stop

# As some hosted MCP servers take their key: in the URL's query (the fixture ignores it).
SECRET = "sk-fixture-secret-0123456789"
LOST = "GET stream disconnected"  # the SDK's line when a server closes a session's stream


def test_a_normal_end_is_quiet_and_a_server_lost_mid_session_is_said(agentnet_home: Path) -> None:
    kept, kept_url = start_http_fixture(agentnet_home / "kept.log")
    lost, lost_url = start_http_fixture(agentnet_home / "lost.log")
    Path("agentnet.yaml").write_text(
        f"mcp_servers:\n  - name: fx\n    url: {kept_url}?key={SECRET}\n  - name: gone\n    url: {lost_url}\n"
    )
    # Wide, so Rich does not wrap a URL (and the key in it) over two lines.
    env = {**os.environ, "COLUMNS": "400"}
    params = StdioServerParameters(command=AGENTNET[0], args=[*AGENTNET[1:], "mcp", "serve"], env=env, cwd=Path.cwd())
    said = agentnet_home / "serve-stderr.log"

    async def session() -> list[str]:
        with said.open("w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as client:
                await client.initialize()
                found = await client.call_tool("search_directory", {"query": "capital city of a country", "k": 20})
                stop(lost)  # mid-session: agentnet holds a session with it
                with anyio.fail_after(60):
                    while LOST not in said.read_text():
                        await anyio.sleep(0.1)
                return [hit["card"]["id"] for hit in (found.structured_content or {})["result"]]

    try:
        cards = anyio.run(session)
    finally:
        stop(kept)
        stop(lost)
    assert "fx.lookup_city" in cards and "gone.lookup_city" in cards, cards
    text = said.read_text()
    assert LOST in text  # a server lost mid-session is still said
    assert "HTTP Request" not in text and SECRET not in "".join(text.split()), text
