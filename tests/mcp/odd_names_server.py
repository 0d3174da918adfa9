"""An MCP server (stdio, written with the SDK) whose tool names an agentnet id cannot hold: a space, a
slash, more than 100 characters; beside them a tool whose name is already a usable id and is what the
first one would become if its space were simply replaced."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=False)
LONG = "look_up_" + "very_" * 22 + "long"

app = MCPServer("agentnet-odd-names")


@app.tool(name="get weather", annotations=READ_ONLY)
def get_weather_spaced(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


@app.tool(name="get_weather", annotations=READ_ONLY)
def get_weather(city: str) -> str:
    """The weather in a city, by another forecaster."""
    return f"rain in {city}"


@app.tool(name="a/b", annotations=READ_ONLY)
def a_over_b() -> str:
    """A over B."""
    return "a over b"


@app.tool(name=LONG, annotations=READ_ONLY)
def long_name() -> str:
    """A tool with a long name."""
    return "long answer"


if __name__ == "__main__":
    app.run()
