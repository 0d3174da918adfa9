"""What an app hands ``Network`` and a node by mistake (None, a number, a dict where a task or messages go)
is refused as agentnet's own ``UserError`` naming what it got, not a TypeError from inside
("argument of type 'NoneType' is not iterable", "'int' object is not iterable", SQLite's "datatype
mismatch"). Real default network and SmolLM2 node; nothing reaches a model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agentnet.errors import ConfigError, UserError
from agentnet.network import Network
from agentnet.nodes.registry import NodeRegistry


@pytest.mark.parametrize("task", [None, 5, b"What is 6 times 7?", ["What is 6 times 7?"]])
def test_a_task_that_is_not_text_is_refused_by_plan_and_run(agentnet_home: Path, task: Any) -> None:
    with Network() as net:
        for call in (net.plan, net.run):
            with pytest.raises(UserError) as refused:
                call(task)
            assert refused.value.code == "invalid_text"
            assert f"the task is {type(task).__name__}, not text" in refused.value.message
        assert net.runs() == []  # nothing was recorded


@pytest.mark.parametrize("inputs", [5, object()])
def test_inputs_of_the_wrong_kind_are_refused(agentnet_home: Path, inputs: Any) -> None:
    with Network() as net, pytest.raises(UserError) as refused:
        net.run("Summarise the report", inputs=inputs)
    assert "inputs" in refused.value.message and type(inputs).__name__ in refused.value.message
    assert "file paths" in str(refused.value.hint)


@pytest.mark.parametrize("limit", ["x", 0, -1, 2.5])
def test_a_runs_limit_that_is_not_a_count_is_refused(agentnet_home: Path, limit: Any) -> None:
    with Network() as net, pytest.raises(UserError) as refused:
        net.runs(limit)
    assert refused.value.message.startswith(f"limit={limit!r}")


@pytest.mark.parametrize("messages", [None, 5])
def test_complete_refuses_messages_that_are_not_messages(smollm2_node: Any, messages: Any) -> None:
    node = NodeRegistry.from_files().node("smollm2")
    with pytest.raises(UserError) as refused:
        node.complete(messages)
    assert f"cannot use {type(messages).__name__} as messages" in refused.value.message


@pytest.mark.parametrize("plan", ["What is 6 times 7?", None, {"task": "x", "steps": []}])
def test_execute_and_compile_refuse_what_is_not_a_plan(agentnet_home: Path, plan: Any) -> None:
    with Network() as net:
        for call in (net.execute, net.compile):
            with pytest.raises(UserError) as refused:
                call(plan)
            assert f"takes a Plan, not {type(plan).__name__}" in refused.value.message
            assert "net.run(task)" in str(refused.value.hint)


@pytest.mark.parametrize("config", ["agentnet.yaml", Path("agentnet.yaml"), {"models": []}])
def test_a_config_that_is_not_one_is_named_with_the_call_to_make(config: object) -> None:
    """``Network("agentnet.yaml")`` failed on "'str' object has no attribute 'models'"."""
    with pytest.raises(ConfigError) as refused:
        Network(config)  # type: ignore[arg-type]
    assert f"not {type(config).__name__}" in refused.value.message
    assert "Network.from_config(" in (refused.value.hint or "")


def test_from_config_of_a_missing_file_names_the_call_not_only_the_cli_flag(agentnet_home: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        Network.from_config("nope.yaml")
    assert "nope.yaml does not exist" in refused.value.message and "Network.from_config" in (refused.value.hint or "")
