"""What an agentnet MCP tool node costs on top of the raw MCP SDK session.

One stdio server (``mcp-server-time``), one tool (``get_current_time`` for Asia/Tokyo), N calls each:
the raw ``mcp`` SDK ``ClientSession.call_tool`` (driven from this thread through an anyio portal, as
any synchronous caller must) vs ``McpToolNode.complete`` (which adds argument filling and jsonschema
validation, the destructive check, the deadline worker thread and the hub's loop hop). Both talk to
a server process of their own, started once; calls alternate so load on the machine hits both alike.
Target: ratio <= 1.10.

    .venv/bin/python bench/mcp_overhead.py [--calls 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time

SERVER = ["-m", "mcp_server_time", "--local-timezone", "UTC"]
ARGUMENTS = {"timezone": "Asia/Tokyo"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()

    import os

    os.environ.setdefault("AGENTNET_HOME", tempfile.mkdtemp(prefix="agentnet-bench-"))
    from anyio.from_thread import start_blocking_portal
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    from agentnet.config import AgentnetConfig, McpServerSpec
    from agentnet.mcp.hub import McpHub
    from agentnet.mcp.servers import McpServers
    from agentnet.nodes.registry import NodeRegistry

    hub = McpHub()
    spec = McpServerSpec(name="time", command=sys.executable, args=SERVER)
    config = AgentnetConfig(mcp_servers=[spec])
    registry = NodeRegistry(config)
    McpServers(config, hub=hub).attach(registry)
    node = registry.node("time.get_current_time")
    request = '{"timezone": "Asia/Tokyo"}'

    raw_times: list[float] = []
    node_times: list[float] = []
    params = StdioServerParameters(command=sys.executable, args=SERVER)
    with start_blocking_portal() as portal, open(os.devnull, "w") as errlog:
        streams = portal.wrap_async_context_manager(stdio_client(params, errlog=errlog))
        with streams as (read, write), portal.wrap_async_context_manager(ClientSession(read, write)) as session:
            portal.call(session.initialize)
            portal.call(session.list_tools)
            # Warm both paths (imports, validators, first request on each session).
            portal.call(session.call_tool, "get_current_time", ARGUMENTS)
            node.complete(request)
            for _ in range(args.calls):
                started = time.perf_counter()
                raw = portal.call(session.call_tool, "get_current_time", ARGUMENTS)
                raw_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                reply = node.complete(request)
                node_times.append(time.perf_counter() - started)
                assert not raw.is_error and "Asia/Tokyo" in reply.text
    hub.close()

    raw_median = statistics.median(raw_times)
    node_median = statistics.median(node_times)
    print(f"calls: {args.calls} each, alternating; server: mcp-server-time over stdio")
    print(f"raw SDK session   median {raw_median * 1000:8.2f} ms   p90 {_p90(raw_times) * 1000:8.2f} ms")
    print(f"agentnet node     median {node_median * 1000:8.2f} ms   p90 {_p90(node_times) * 1000:8.2f} ms")
    print(f"ratio node/raw    {node_median / raw_median:.3f}   (target <= 1.10)")


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


if __name__ == "__main__":
    main()
