"""What ``agentnet mcp serve`` says on stderr, which an MCP host keeps in its logs.

The SDK's ``MCPServer`` configures the serving process's logging (a Rich handler on stderr), the only
agentnet process that shows a log (the CLI and ``agentnet serve`` configure none: Python shows warnings
only). By default it shows warnings, not the INFO lines of each request (the SDK's own, such as a tool
call's rejected arguments, LiteLLM's per model call), while a server lost mid-session is still said;
``-v`` shows INFO. Either way the end of a session with a server that still runs is quiet, with no
request line naming its URL (a key in its query included). A real ``agentnet mcp serve`` over stdio,
driven by the SDK's client, with real fixture servers upstream.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcpkit import AGENTNET, start_http_fixture, stop

# As some hosted MCP servers take their key: in the URL's query (the fixture ignores it).
SECRET = "sk-fixture-secret-0123456789"
LOST = "GET stream disconnected"  # the SDK's line when a server closes a session's stream
REJECTED = "Tool 'search_directory' rejected arguments"  # the SDK's INFO line for a call with bad arguments


def serving(said: Path, *flags: str, lose: subprocess.Popen[str] | None = None) -> list[str]:
    """Run ``agentnet mcp serve FLAGS`` (its stderr to ``said``) through a session: a search, a call with
    bad arguments, then ``lose`` (a fixture server) stopped mid-session; the cards the search found."""
    # Wide, so Rich does not wrap a URL (and the key in it) over two lines.
    env = {**os.environ, "COLUMNS": "400"}
    command = [*AGENTNET[1:], "mcp", "serve", *flags]
    params = StdioServerParameters(command=AGENTNET[0], args=command, env=env, cwd=Path.cwd())

    async def session() -> list[str]:
        with said.open("w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as client:
                await client.initialize()
                found = await client.call_tool("search_directory", {"query": "capital city of a country", "k": 20})
                refused = await client.call_tool("search_directory", {"query": 5})
                assert refused.is_error
                if lose is not None:
                    stop(lose)  # mid-session: agentnet holds a session with it
                    with anyio.fail_after(60):
                        while LOST not in said.read_text():
                            await anyio.sleep(0.1)
                return [hit["card"]["id"] for hit in (found.structured_content or {})["result"]]

    return anyio.run(session)


def test_a_normal_end_is_quiet_and_a_server_lost_mid_session_is_said(agentnet_home: Path) -> None:
    kept, kept_url = start_http_fixture(agentnet_home / "kept.log")
    lost, lost_url = start_http_fixture(agentnet_home / "lost.log")
    Path("agentnet.yaml").write_text(
        f"mcp_servers:\n  - name: fx\n    url: {kept_url}?key={SECRET}\n  - name: gone\n    url: {lost_url}\n"
    )
    said = agentnet_home / "serve-stderr.log"
    try:
        cards = serving(said, lose=lost)
    finally:
        stop(kept)
        stop(lost)
    assert "fx.lookup_city" in cards and "gone.lookup_city" in cards, cards
    text = said.read_text()
    assert LOST in text  # a server lost mid-session is still said
    assert REJECTED not in text, text  # warnings only: no line per request
    assert "HTTP Request" not in text and SECRET not in "".join(text.split()), text


def test_verbose_shows_info_but_no_request_urls(agentnet_home: Path) -> None:
    kept, kept_url = start_http_fixture(agentnet_home / "kept.log")
    Path("agentnet.yaml").write_text(f"mcp_servers:\n  - name: fx\n    url: {kept_url}?key={SECRET}\n")
    said = agentnet_home / "serve-stderr.log"
    try:
        cards = serving(said, "-v")
    finally:
        stop(kept)
    assert "fx.lookup_city" in cards, cards
    text = said.read_text()
    assert REJECTED in text, text
    assert "HTTP Request" not in text and SECRET not in "".join(text.split()), text


def asking(said: Path, *flags: str) -> bool:
    """``agentnet mcp serve FLAGS`` (stderr to ``said``) asked once by a session; whether that was an error."""
    env = {**os.environ, "COLUMNS": "400"}
    params = StdioServerParameters(command=AGENTNET[0], args=[*AGENTNET[1:], "mcp", "serve", *flags], env=env)

    async def session() -> bool:
        with said.open("w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as client:
                await client.initialize()
                return (await client.call_tool("ask", {"prompt": "hi", "model": "remote"})).is_error

    return anyio.run(session)


def test_litellms_line_per_model_call_is_shown_once_with_verbose_only(agentnet_home: Path, refused_url: str) -> None:
    """LiteLLM puts a handler of its own on its loggers, which also reach the root logger MCPServer
    configures: each of its lines was printed twice (and its import's mock calls were logged as calls)."""
    Path("agentnet.yaml").write_text(
        "models:\n  - id: remote\n    adapter: litellm\n    model: openai/remote\n"
        f"    api_base: {refused_url}/v1\n    params: {{retries: 0}}\n"
    )
    said = agentnet_home / "serve-stderr.log"
    assert asking(said, "-v")  # refused: one attempt, one model call
    text = said.read_text()
    assert text.count("LiteLLM completion() model= remote; provider = openai") == 1, text
    assert "warm-up" not in text and "LiteLLM:INFO" not in text, text  # no mock call, no handler of LiteLLM's
    assert asking(said)
    assert "LiteLLM completion()" not in said.read_text(), said.read_text()  # warnings only without -v
