"""Plans on real nodes: the embedded SmolLM2 (local), a llama.cpp server (remote via litellm),
and a silent loopback server that never answers (agentnet's deadline must fire)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from agentnet.cards import CapabilityCard
from agentnet.config import ModelParams, ModelSpec
from agentnet.executor import Executor, StepEvent
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.plan import Alternate, Plan, Step, StepInput

pytestmark = pytest.mark.slow


def remote_node(node_id: str, api_base: str, deadline_s: float = 120.0) -> Any:
    from agentnet.nodes.litellm import LiteLLMNode

    spec = ModelSpec(
        id=node_id,
        adapter="litellm",
        model="openai/smollm2",
        api_base=api_base,
        params=ModelParams(
            system_prompt="You are a helpful assistant. Answer concisely.", deadline_s=deadline_s, retries=0
        ),
        card={"description": "SmolLM2 behind a llama.cpp server"},
    )
    return LiteLLMNode.from_spec(spec)


def test_two_step_plan_on_embedded_smollm2(smollm2_node: Any) -> None:
    plan = Plan(
        task="What is the capital of France?",
        steps=[
            Step(
                id="answer",
                capability="smollm2",
                instruction="Answer the question in one short sentence.",
                inputs=[StepInput(kind="user")],
            ),
            Step(
                id="shout",
                capability="smollm2",
                instruction="Repeat this sentence in capital letters.",
                inputs=[StepInput(kind="step", step="answer")],
            ),
        ],
    )
    events: list[StepEvent] = []
    executor = Executor(NodeRegistry(), max_tokens=40)
    result = executor.run(plan, on_event=events.append)
    assert "Paris" in result.steps["answer"]["text"]
    assert result.answer == result.steps["shout"]["text"] and result.answer
    assert sum(1 for e in events if e.event == "token") > 2
    trace = executor.trace(result.run_id)
    assert [(s["id"], s["node_id"], s["status"]) for s in trace["steps"]] == [
        ("answer", "smollm2", "succeeded"),
        ("shout", "smollm2", "succeeded"),
    ]
    assert all(s["completion_tokens"] > 0 and s["latency_s"] > 0 for s in trace["steps"])


def test_plan_with_remote_llama_server_node(llama_server: str, smollm2_node: Any) -> None:
    remote = remote_node("remote-smollm2", llama_server)
    registry = NodeRegistry()
    registry.register_node(remote)
    plan = Plan(
        task="What is the capital of France?",
        steps=[
            Step(
                id="ask",
                capability="remote-smollm2",
                instruction="Answer the question in one short sentence.",
                inputs=[StepInput(kind="user")],
            ),
            Step(
                id="check",
                capability="smollm2",
                instruction="Which city does this sentence name? Reply with it.",
                inputs=[StepInput(kind="step", step="ask")],
            ),
        ],
    )
    executor = Executor(registry, max_tokens=40)
    result = executor.run(plan)
    assert "Paris" in result.steps["ask"]["text"]
    assert result.steps["ask"]["node_id"] == "remote-smollm2"
    trace = executor.trace(result.run_id)
    assert trace["steps"][0]["prompt_tokens"] > 0 and trace["status"] == "succeeded"


def test_silent_remote_model_hits_agentnets_deadline(silent_server: str) -> None:
    silent = remote_node("silent", silent_server, deadline_s=1.5)
    backup = NodeRegistry()
    backup.register_callable(lambda text: "backup answered", CapabilityCard(id="backup"))
    registry = {"silent": silent, "backup": backup.node("backup")}
    plan = Plan(
        task="t",
        steps=[
            Step(id="s1", capability="silent", instruction="hello", alternates=[Alternate(card_id="backup", score=0.1)])
        ],
    )
    executor = Executor(registry)
    started = time.monotonic()
    result = executor.run(plan)
    assert time.monotonic() - started < 15
    assert result.answer == "backup answered"
    first, second = executor.trace(result.run_id)["steps"][0]["attempts"]
    assert first["node_id"] == "silent" and first["error_code"] == "deadline_exceeded"
    assert 1.4 < first["latency_s"] < 10
    assert second["node_id"] == "backup" and second["status"] == "ok"
