"""Plan -> ``GraphBuilder``: each plan step becomes a graph step with its candidates and prompt."""

from __future__ import annotations

from typing import Any

from agentnet.config import BudgetSettings
from agentnet.executor.graph import GraphBuilder
from agentnet.executor.handed import handed_files
from agentnet.executor.prompts import (
    StepContext,
    clean_output,
    described_files,
    empty_material,
    plan_step_messages,
    tool_request,
)
from agentnet.executor.steps import StepPolicy, StepSpec
from agentnet.executor.store import RunStore
from agentnet.nodes.base import ChatMessage
from agentnet.planner.plan import Plan, Step


def _step_prompt(step: Step) -> Any:
    def prompt(ctx: StepContext) -> list[ChatMessage]:
        return plan_step_messages(step, ctx)

    return prompt


def _step_empty(step: Step) -> Any:
    def empty(ctx: StepContext) -> list[str]:
        return empty_material(step, ctx)

    return empty


def _step_described(step: Step) -> Any:
    def described(ctx: StepContext) -> list[dict[str, Any]]:
        return described_files(step, ctx)

    return described


def _step_request(step: Step, plan: Plan) -> Any:
    def request(ctx: StepContext) -> dict[str, Any]:
        # Where the files handed over by name are, read as the step runs (executor/handed.py).
        return tool_request(step, ctx, handed_files(plan))

    return request


def plan_builder(
    plan: Plan,
    nodes: Any,
    *,
    policy: StepPolicy | None = None,
    budgets: BudgetSettings | None = None,
    store: RunStore | None = None,
    max_tokens: int | None = None,
) -> GraphBuilder:
    """A builder holding one step per plan step; candidates are the chosen card then the alternates."""
    builder = GraphBuilder(nodes, policy=policy, budgets=budgets, store=store)
    for step in plan.steps:
        candidates = [step.capability, *(a.card_id for a in step.alternates if a.card_id != step.capability)]
        builder.add_step(
            StepSpec(
                id=step.id,
                candidates=list(dict.fromkeys(candidates)),
                prompt=_step_prompt(step),
                request=_step_request(step, plan),
                empty=_step_empty(step),
                described=_step_described(step),
                after=step.depends_on,
                output_schema=step.output_schema,
                max_tokens=step.max_tokens or max_tokens,
                capability=step.capability,
                why=step.why,
                clean=clean_output,
            )
        )
    return builder


def initial_state(plan: Plan, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"task": plan.task, "inputs": dict(inputs or {}), "results": {}}
