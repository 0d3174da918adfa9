"""The PyPI server ``mcp-server-time`` over stdio, through the CLI as a user runs it (issue 14's "done when")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcpkit import agentnet


@pytest.mark.slow
def test_add_time_server_then_run_picks_get_current_time_and_fills_timezone(agentnet_home: Path) -> None:
    added = agentnet("mcp", "add", "time", "--", "python", "-m", "mcp_server_time", "--local-timezone", "UTC")
    assert added.returncode == 0, added.stderr
    assert "time.get_current_time(timezone)" in added.stdout and "read-only" in added.stdout
    assert "directory: 2 cards added" in added.stdout

    listed = json.loads(agentnet("mcp", "list", "--json").stdout)
    assert [s["name"] for s in listed] == ["time"] and listed[0]["available"] and listed[0]["from"] == "mcp add"
    assert {t["node"] for t in listed[0]["tools"]} == {"time.get_current_time", "time.convert_time"}
    saved = (agentnet_home / "mcp.yaml").read_text()
    assert "mcp_server_time" in saved and "get_current_time" in saved

    done = agentnet("run", "What time is it in Asia/Tokyo right now?", "--json")
    assert done.returncode == 0, done.stderr + done.stdout
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "succeeded", result
    answer = json.loads(result["answer"])  # the tool's own result: the time in Tokyo
    assert answer["timezone"] == "Asia/Tokyo" and answer["datetime"].endswith("+09:00")

    trace = json.loads(agentnet("runs", "show", result["run_id"], "--json").stdout)
    assert [s["node_id"] for s in trace["steps"]] == ["time.get_current_time"]
    assert trace["plan"]["source"] == "retrieval"  # chosen by retrieval, not guessed by the planner model

    # A city names its zone: the plan gives the tool the IANA name, not the city (which it refuses).
    planned = json.loads(agentnet("plan", "What time is it in Tokyo right now?", "--json").stdout)
    assert [(s["capability"], [(i["name"], i["value"]) for i in s["inputs"]]) for s in planned["steps"]] == [
        ("time.get_current_time", [("timezone", "Asia/Tokyo")])
    ]
    planned = json.loads(agentnet("plan", "Convert 14:30 from New York time to Europe/London time", "--json").stdout)
    convert = {i["name"]: i["value"] for i in planned["steps"][0]["inputs"]}
    assert planned["steps"][0]["capability"] == "time.convert_time", planned
    assert (convert["source_timezone"], convert["target_timezone"]) == ("America/New_York", "Europe/London")
    done = agentnet("run", "What time is it in New York right now?", "--json")
    assert json.loads(json.loads(done.stdout.strip().splitlines()[-1])["answer"])["timezone"] == "America/New_York"

    tools = json.loads(agentnet("mcp", "tools", "time", "--json").stdout)
    assert tools["available"] and len(tools["tools"]) == 2

    removed = agentnet("mcp", "remove", "time")
    assert removed.returncode == 0 and "removed MCP server time" in removed.stdout
    assert "2 removed" in removed.stdout
    assert json.loads(agentnet("mcp", "list", "--json").stdout) == []


def test_add_refuses_a_literal_secret_in_a_header(refused_url: str) -> None:
    done = agentnet("mcp", "add", "api", "--url", f"{refused_url}/mcp", "--header", "Authorization: Bearer abc123")
    assert done.returncode == 2
    assert "holds a secret itself" in done.stderr and "${MY_TOKEN}" in done.stderr


def test_add_needs_a_command_or_a_url() -> None:
    done = agentnet("mcp", "add", "nothing")
    assert done.returncode == 2 and "either 'command'" in done.stderr


def test_unknown_server_is_a_clear_error() -> None:
    done = agentnet("mcp", "tools", "nope")
    assert done.returncode == 2 and "no MCP server named 'nope'" in done.stderr


RECIPE = """\
name: clock
steps:
  - {id: conv, model: time.convert_time, prompt: "Convert 16:30 from Europe/London to Asia/Tokyo"}
  - {id: tokyo, model: time.get_current_time, prompt: "What time is it in Tokyo?"}
"""


@pytest.mark.slow
def test_a_recipe_step_gives_an_mcp_tool_the_values_its_prompt_writes(agentnet_home: Path) -> None:
    """A recipe step naming time.convert_time gets the time and the zones its prompt writes, as a plan's
    step does: it was handed only the prompt, the time was left to the planner model, and SmolLM2's
    value failed the server's check ("Invalid time format. Expected HH:MM")."""
    added = agentnet("mcp", "add", "time", "--", "python", "-m", "mcp_server_time", "--local-timezone", "UTC")
    assert added.returncode == 0, added.stderr
    Path("clock.yaml").write_text(RECIPE)
    done = agentnet("recipe", "run", "clock.yaml", "--json")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0 and result["status"] == "succeeded", result
    converted = json.loads(result["steps"]["conv"]["text"])
    assert converted["source"]["datetime"].endswith("T16:30:00+00:00")
    assert converted["target"]["timezone"] == "Asia/Tokyo" and converted["target"]["datetime"].endswith(
        "T01:30:00+09:00"
    )
    assert json.loads(result["steps"]["tokyo"]["text"])["timezone"] == "Asia/Tokyo"  # the city's zone
