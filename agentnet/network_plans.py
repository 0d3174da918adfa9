"""Plans as the network makes and runs them (floor 5, beside ``network.py``, which re-exports these):
made around the models known to be unusable, and with every step's reply bounded as a caller asked."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentnet.directory.query import SearchFilters
    from agentnet.nodes.health import Health
    from agentnet.planner.plan import Plan


def capped(plan: Plan, max_tokens: int | None) -> Plan:
    """``plan`` with each step's reply bounded by ``max_tokens`` (a step's own lower bound stays): what a
    caller asks of one model's reply (a server request's ``max_tokens``, ``chat --max-tokens``), asked of
    every step's. Both dropped it for planned runs, so a request for 8 tokens got a whole story."""
    if max_tokens is None:
        return plan
    steps = [
        step.model_copy(update={"max_tokens": min(step.max_tokens or max_tokens, max_tokens)}) for step in plan.steps
    ]
    return plan.model_copy(update={"steps": steps})


def plan_around_unusable(
    make: Callable[[SearchFilters], Plan],
    filters: SearchFilters,
    unusable: Mapping[str, Health],
    *,
    general: tuple[Any, str | None] | None = None,
) -> Plan:
    """``make(filters)`` without the models known to be unusable (their cards are unavailable); with
    them only when nothing else can serve. The plan's notes say which were left out and why. With
    ``general`` (the planner's card source and general model), each all-text step's last alternate is
    a general chat model the filters allow (``general_fallback``)."""
    from agentnet.errors import PlanningError
    from agentnet.general_fallback import add_general_fallback

    try:
        plan = make(filters)
    except PlanningError:
        if not unusable or filters.include_unavailable:
            raise
        plan = make(filters.model_copy(update={"include_unavailable": True}))
    used = {step.capability for step in plan.steps}
    for node_id, health in unusable.items():
        why = f"{health.status}: {health.detail}"
        if node_id in used:
            plan.notes.append(
                f"nothing usable could serve this task, so it uses {node_id} although it is {why} ({health.fix})"
            )
        else:
            plan.notes.append(f"left out {node_id} ({why})")
    if general is not None:
        source, preferred = general
        add_general_fallback(plan, source.cards(), filters, preferred)
    return plan
