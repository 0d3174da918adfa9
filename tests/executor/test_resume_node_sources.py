"""`Executor.resume` with the nodes given as a dict of functions or nodes, a list of nodes, or a
function from id to node, as `Executor.run` takes them: resume asked the source for `card(id)`, which
only a NodeRegistry has, so resuming with a dict failed with AttributeError (a traceback), and with a
function with TypeError. Real functions as tools, one that fails the first time it is called."""

from __future__ import annotations

from typing import Any

import pytest

from agentnet.executor import Executor
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.plan import Plan, Step, StepInput


def _flaky() -> Any:
    calls: list[str] = []

    def shout(text: str) -> str:
        calls.append(text)
        if len(calls) == 1:
            raise RuntimeError("the service was down")
        return text.upper()

    return shout


def _plan() -> Plan:
    steps = [
        Step(id="a", capability="echo", instruction="hello", inputs=[StepInput(kind="user")]),
        Step(id="b", capability="shout", instruction="shout it", inputs=[StepInput(kind="step", step="a")]),
    ]
    return Plan(task="hello, loudly", steps=steps)


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize("shape", ["dict", "list", "function"])
def test_a_failed_run_resumes_with_the_nodes_given_as_run_takes_them(shape: str) -> None:
    registry = NodeRegistry()
    echo = registry.register_callable(lambda text: "hello", _card("echo"))
    shout = registry.register_callable(_flaky(), _card("shout"))
    nodes: Any = {"dict": {"echo": echo, "shout": shout}, "list": [echo, shout],
                  "function": {"echo": echo, "shout": shout}.__getitem__}[shape]  # fmt: skip
    first = Executor(nodes).run(_plan(), check=False)
    assert first.status == "failed", first
    again = Executor(nodes).resume(first.run_id, check=False)
    assert again.status == "succeeded" and again.answer == "HELLO", again


def _card(node_id: str) -> Any:
    from agentnet.cards import CapabilityCard

    return CapabilityCard(id=node_id, description=f"the {node_id} tool")
