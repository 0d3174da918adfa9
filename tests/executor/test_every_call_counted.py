"""Every model call a step made counts, in its attempt records, the trace's totals and the run's
budget: a step the run's `max_seconds` stopped mid-reply showed no attempt and 0 tokens, and a
reply that failed its JSON Schema twice (two calls, the second with the first's reply quoted back)
was recorded with 0 tokens. The embedded SmolLM2; a schema its grammar lets it write but not satisfy."""

from __future__ import annotations

from typing import Any

import pytest

from agentnet.cards import CapabilityCard
from agentnet.config import BudgetSettings, ModelParams, embedded_default_spec
from agentnet.executor import Executor
from agentnet.nodes.llamacpp import LlamaCppNode
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.plan import Alternate, Plan, Step, StepInput

pytestmark = pytest.mark.slow

STORY = "Write a long story about a dragon who learns to bake bread, with many details."
# llama.cpp's grammar makes the reply an integer; no integer it writes is a multiple of 1000003.
UNREACHABLE = {
    "type": "object",
    "properties": {"n": {"type": "integer", "multipleOf": 1000003, "minimum": 1}},
    "required": ["n"],
}


def test_a_step_stopped_by_max_seconds_keeps_the_tokens_its_model_produced(smollm2_node: Any) -> None:
    smollm2_node.complete("Hi", max_tokens=1)  # the engine's first evaluation, outside the budget
    long = LlamaCppNode.from_spec(
        embedded_default_spec().model_copy(update={"id": "long", "params": ModelParams(max_tokens=2000)})
    )
    executor = Executor({"long": long}, budgets=BudgetSettings(max_seconds=10))
    step = Step(id="story", capability="long", instruction=STORY, inputs=[StepInput(kind="user")])
    result = executor.run(Plan(task="a story", steps=[step]), check=False)
    assert result.status == "budget_exceeded", result
    trace = executor.trace(result.run_id)
    [attempt] = trace["steps"][0]["attempts"]  # there was none
    assert attempt["node_id"] == "long" and attempt["error_code"] == "budget_exceeded", attempt
    assert attempt["completion_tokens"] > 0 and attempt["prompt_tokens"] > 10, attempt  # it had none
    assert trace["tokens"] == attempt["prompt_tokens"] + attempt["completion_tokens"]


def test_both_calls_of_a_reply_that_failed_its_schema_are_counted(smollm2_node: Any) -> None:
    backup = NodeRegistry()
    backup.register_callable(lambda text: '{"n": 1000003}', CapabilityCard(id="backup", description="answers"))
    executor = Executor({"smollm2": smollm2_node, "backup": backup.node("backup")}, max_tokens=30)
    step = Step(
        id="number", capability="smollm2", instruction="Give a number as JSON.", inputs=[StepInput(kind="user")],
        output_schema=UNREACHABLE, alternates=[Alternate(card_id="backup", score=0.1)],
    )  # fmt: skip
    result = executor.run(Plan(task="a number", steps=[step]))
    trace = executor.trace(result.run_id)
    invalid, second = trace["steps"][0]["attempts"]
    assert invalid["status"] == "invalid_output" and second["status"] == "ok", trace
    # Two calls: two prompts (the second quotes the first reply back), and both replies.
    assert invalid["prompt_tokens"] > 20 and invalid["completion_tokens"] >= 4, invalid  # it showed 0
    assert trace["tokens"] == invalid["prompt_tokens"] + invalid["completion_tokens"]


def test_a_resumed_run_s_budget_counts_the_call_its_interruption_stopped(smollm2_node: Any) -> None:
    """A resumed run's meter was re-read from its finished steps' results: the tokens of a call stopped
    mid-reply (or of any failed attempt) were spent again, past the run's max_tokens."""
    executor = Executor({"smollm2": smollm2_node}, budgets=BudgetSettings(max_tokens=300), max_tokens=250)
    step = Step(id="story", capability="smollm2", instruction=STORY, inputs=[StepInput(kind="user")])
    tokens: list[str] = []

    def on_event(event: Any) -> None:
        if event.event == "token":
            tokens.append(event.text or "")
            if len(tokens) == 120:
                executor.cancel(event.run_id)

    first = executor.run(Plan(task="a story", steps=[step]), on_event=on_event, check=False)
    assert first.status == "interrupted", first
    [stopped] = executor.trace(first.run_id)["steps"][0]["attempts"]
    assert stopped["completion_tokens"] >= 120, stopped
    again = Executor({"smollm2": smollm2_node}).resume(first.run_id, check=False)  # a new process would
    trace = executor.trace(again.run_id)
    attempts = trace["steps"][0]["attempts"]
    assert len(attempts) == 2, attempts
    # The resumed call got what was left: it got the step's whole 250 before (510 tokens in all), and
    # with the budget re-read but the model's system prompt not counted in the grant, 317. The prompt
    # is an estimate (3.5 characters a token), so a few tokens either way.
    assert trace["tokens"] <= 305, [(a["prompt_tokens"], a["completion_tokens"]) for a in attempts]
