"""Values the plan gave a tool's parameters reach the tool as those arguments, typed by its schema.

Real servers: mcp-server-time over stdio and the fixture server over HTTP; no model is attached, so
nothing the plan gave can be re-guessed by one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from mcpkit import agentnet
from test_mcp_faults import attempts, one_step, wire

from agentnet.config import McpServerSpec
from agentnet.executor.runner import Executor
from agentnet.planner.plan import Plan, Step, StepInput

TIME = McpServerSpec(name="time", command=sys.executable, args=["-m", "mcp_server_time", "--local-timezone", "UTC"])


@pytest.mark.slow
def test_a_value_the_planner_filled_reaches_the_tool_as_its_argument(hub: Any) -> None:
    """planner/values.py fills an API tool's first parameter as a named ``user`` input: it used to be
    dropped, the tool re-reading the task (which names no timezone here), so the call failed."""
    registry, _ = wire(TIME, hub)
    step = Step(
        id="s1",
        capability="time.get_current_time",
        instruction="What time is it there?",
        inputs=[StepInput(kind="user", name="timezone", value="Asia/Kolkata", type="text")],
    )
    executor = Executor(registry)
    result = executor.run(Plan(task="What time is it there?", steps=[step]), check=False)
    assert result.status == "succeeded", attempts(executor, result.run_id)
    answer = json.loads(result.answer)
    assert answer["timezone"] == "Asia/Kolkata" and answer["datetime"].endswith("+05:30")


@pytest.mark.slow
def test_a_planned_conversion_calls_the_converter_with_the_planned_values(agentnet_home: Path) -> None:
    """The planner reads "America" and "Europe" as names (cut at the slash): the whole tokens of the
    request reach convert_time. The old code sent the literal "Europe" (the server refused it) and
    the step fell back to get_current_time."""
    assert (
        agentnet("mcp", "add", "time", "--", "python", "-m", "mcp_server_time", "--local-timezone", "UTC").returncode
        == 0
    )
    done = agentnet("run", "Convert 14:30 from America/New_York to Europe/London", "--json")
    assert done.returncode == 0, done.stderr + done.stdout
    result = json.loads(done.stdout.strip().splitlines()[-1])
    trace = json.loads(agentnet("runs", "show", result["run_id"], "--json").stdout)
    assert [a["node_id"] for a in trace["steps"][0]["attempts"]] == ["time.convert_time"]
    answer = json.loads(result["answer"])
    assert answer["source"]["timezone"] == "America/New_York" and answer["source"]["datetime"].endswith(
        "14:30:00-05:00"
    )
    assert answer["target"]["timezone"] == "Europe/London"


def test_a_planned_number_written_as_text_reaches_the_tool_as_an_integer(fixture_http: str, hub: Any) -> None:
    """fx.huge(megabytes: int = 10): the plan's "1" used to be dropped (a string is no integer) and the
    tool ran with its default, 10 MB."""
    registry, _ = wire(McpServerSpec(name="fx", url=fixture_http), hub)
    executor = Executor(registry)
    result = executor.run(one_step("fx.huge", megabytes="1"), check=False)
    assert result.status == "succeeded"
    assert result.answer.endswith("cut to its first 100,000 of 1,048,576 characters]")


def test_a_planned_value_that_is_not_of_the_type_is_an_error_naming_it(fixture_http: str, hub: Any) -> None:
    registry, _ = wire(McpServerSpec(name="fx", url=fixture_http), hub)
    executor = Executor(registry)
    result = executor.run(one_step("fx.huge", megabytes="lots"), check=False)
    assert result.status == "failed"
    tried = attempts(executor, result.run_id)
    assert tried[0]["error_code"] == "mcp_arguments_invalid"
    assert "'huge'" in tried[0]["error"] and "'megabytes'" in tried[0]["error"]
    assert '"lots"' in tried[0]["error"] and "an integer" in tried[0]["error"]
