"""MCP tool names an agentnet id cannot hold ("get weather", "a/b", 140 characters), from a real MCP
server over stdio, through the CLI as a user runs it: each tool's node id is a usable model id, made
the same way in every process, no two alike, and calling it calls the tool by its own name."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mcpkit import agentnet

from agentnet.model_ids import MODEL_ID

ODD_SERVER = Path(__file__).resolve().parent / "odd_names_server.py"
LONG = "look_up_" + "very_" * 22 + "long"


def test_tool_names_no_id_can_hold_get_usable_distinct_ids_and_are_called_by_their_own_name(
    agentnet_home: Path,
) -> None:
    added = agentnet("mcp", "add", "odd", "--", sys.executable, str(ODD_SERVER))
    assert added.returncode == 0, added.stderr
    listed = json.loads(agentnet("mcp", "list", "--json").stdout)
    nodes = {tool["name"]: tool["node"] for tool in listed[0]["tools"]}
    assert set(nodes) == {"get weather", "get_weather", "a/b", LONG}
    # Before, "odd.get weather" and "odd.a/b" (and the long name whole): not ids a config, `ask -m`, a
    # recipe or a peer's PEER/ID can use.
    assert all(MODEL_ID.fullmatch(node) for node in nodes.values()), nodes
    assert len(set(nodes.values())) == 4  # "get weather" is not "get_weather"
    assert nodes["get_weather"] == "odd.get_weather"  # a name that is an id already stays as it is
    assert nodes["get weather"].startswith("odd.get_weather-") and nodes["a/b"].startswith("odd.a_b-")
    assert "the server's tool 'get weather'" in added.stdout  # the listing says which tool an id is
    # Another process makes the same ids (they are stored nowhere: plans and memory name them).
    assert {t["node"] for t in json.loads(agentnet("mcp", "list", "--json").stdout)[0]["tools"]} == set(nodes.values())

    for name, prompt, answer in [
        ("get weather", '{"city": "Paris"}', "sunny in Paris"),
        ("get_weather", '{"city": "Paris"}', "rain in Paris"),
        ("a/b", "go", "a over b"),
        (LONG, "go", "long answer"),
    ]:
        asked = agentnet("ask", "-m", nodes[name], prompt, "--quiet")
        assert asked.returncode == 0, asked.stderr
        assert asked.stdout.strip() == answer, (name, asked.stdout)
