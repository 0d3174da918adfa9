"""A step stopped mid-reply (its run cancelled, its model past its deadline) is recorded with the
tokens its model had produced, in the step's attempts, the trace's totals and the run's budget: it
showed 0 tokens, as if nothing had been spent. The embedded SmolLM2 (llama.cpp streams one piece per
sampled token, so the count is exact; the prompt is estimated as the budget meter does)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from agentnet.cards import CapabilityCard
from agentnet.config import ModelParams, embedded_default_spec
from agentnet.executor import Executor, StepEvent
from agentnet.nodes.llamacpp import LlamaCppNode
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.plan import Alternate, Plan, Step, StepInput

pytestmark = pytest.mark.slow

STORY = "Write a long story about a dragon who learns to bake bread, with many details."


def _plan(capability: str, alternates: list[Alternate] | None = None) -> Plan:
    step = Step(id="story", capability=capability, instruction=STORY, inputs=[StepInput(kind="user")])
    if alternates:
        step.alternates = alternates
    return Plan(task="a story", steps=[step])


def test_a_cancelled_step_keeps_the_tokens_its_model_produced(smollm2_node: Any) -> None:
    executor = Executor({"smollm2": smollm2_node}, max_tokens=400)
    tokens: list[str] = []

    def on_event(event: StepEvent) -> None:
        if event.event == "token":
            tokens.append(event.text or "")
            if len(tokens) == 8:  # from another thread, as `agentnet runs cancel` or a server would
                threading.Thread(target=executor.cancel, args=(event.run_id,)).start()

    result = executor.run(_plan("smollm2"), on_event=on_event, check=False)
    assert result.status == "interrupted", result
    step = executor.trace(result.run_id)["steps"][0]
    assert step["status"] == "interrupted"
    [attempt] = step["attempts"]
    assert attempt["node_id"] == "smollm2" and attempt["status"] == "interrupted"
    assert attempt["completion_tokens"] >= 8, attempt  # it showed 0
    assert attempt["prompt_tokens"] > 10
    assert step["tokens"] == attempt["prompt_tokens"] + attempt["completion_tokens"]


def test_a_step_past_its_deadline_keeps_the_tokens_and_its_fallback_adds_its_own(smollm2_node: Any) -> None:
    # The engine's first evaluation is slow (seconds on a loaded machine): done before, with no short deadline.
    smollm2_node.complete("Hi", max_tokens=1)
    # The deadline must fall mid-reply however loaded the machine is: a fixed 6 s once passed before the
    # first token (at load 9). So it is judged against how long this machine takes now to read the
    # story's prompt and give a first token: well past that (the step's prompt is somewhat longer), and
    # still far short of 2000 tokens, which a loaded machine decodes slower in the same proportion.
    began = time.monotonic()
    smollm2_node.complete(STORY, max_tokens=1)
    deadline_s = max(6.0, 6 * (time.monotonic() - began))
    spec = embedded_default_spec()
    hasty = LlamaCppNode.from_spec(
        spec.model_copy(update={"id": "hasty", "params": ModelParams(deadline_s=deadline_s, max_tokens=2000)})
    )
    backup = NodeRegistry()
    backup.register_callable(lambda text: "backup answered", CapabilityCard(id="backup", description="answers"))
    executor = Executor({"hasty": hasty, "backup": backup.node("backup")})
    result = executor.run(_plan("hasty", [Alternate(card_id="backup", score=0.1)]))
    assert result.answer == "backup answered"
    trace = executor.trace(result.run_id)
    late, second = trace["steps"][0]["attempts"]
    assert late["error_code"] == "deadline_exceeded"
    assert late["completion_tokens"] > 0 and late["prompt_tokens"] > 10, late  # it showed 0
    assert second["status"] == "ok"
    assert trace["tokens"] == late["prompt_tokens"] + late["completion_tokens"]
