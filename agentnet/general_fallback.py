"""The last alternate of a text step: a general chat model, after every collaborator the plan ranked.

A step whose inputs and output are all text fails only when its collaborator and every ranked
alternate fail, and a general chat model can still answer it: the config's ``default_model``, else
another allowed model tagged chat/general, the one the planner gives a task no specialist matches
(``planner.general``). It is appended to the step's alternates when the plan is made, where
fallbacks live, so ``agentnet plan`` shows it and the run tries and records it like any alternate
(its attempt row, a ``fell_back`` event, the step's ``node_id``). Only for a model's step: not a
tool's (its result is data, a lookup or a sum, a chat model would make up), not a step with other
media in or out (a chat model makes no image and reads none), nor one whose words ask for live data
or an action on the world (``planner.needs``), nor with a model the policies exclude or already in
the step's chain.
"""

from __future__ import annotations

from collections.abc import Sequence

from agentnet.cards import CapabilityCard
from agentnet.directory.query import SearchFilters
from agentnet.planner.needs import is_general, needs, runnable_model
from agentnet.planner.plan import Alternate, Plan, Step


def add_general_fallback(
    plan: Plan, cards: Sequence[CapabilityCard], filters: SearchFilters, preferred: str | None
) -> Plan:
    """``plan`` with a general model (``preferred`` first) last in each all-text step's alternates."""
    allowed = [card for card in cards if filters.rejects(card) is None]
    models = {card.id for card in cards if card.provider == "model" or card.provider.startswith("peer:")}
    for step in plan.steps:
        # A tool's result is data (a lookup, a sum, an MCP server's answer) a chat model cannot stand in for.
        if step.capability not in models or not _all_text(step, plan):
            continue
        general = _general_for(step, allowed, preferred)
        chain = {step.capability, *(alternate.card_id for alternate in step.alternates)}
        if general is not None and general.id not in chain:
            step.alternates.append(Alternate(card_id=general.id, score=0.0))
    return plan


def _all_text(step: Step, plan: Plan) -> bool:
    """Whether everything the step reads and its output are text (an untyped input is the task's text)."""
    made = {earlier.id: earlier.output_type for earlier in plan.steps}
    handed = {artifact.name: artifact.kind for artifact in plan.inputs}
    types = [step.output_type]
    for item in step.inputs:
        if item.kind == "step":
            types.append(made.get(item.step or ""))
        else:
            types.append(item.type or (handed.get(item.value) if isinstance(item.value, str) else None))
    return all(kind in (None, "text") for kind in types)


def _general_for(step: Step, allowed: list[CapabilityCard], preferred: str | None) -> CapabilityCard | None:
    """As ``planner.general`` chooses: the preferred model, else one tagged general, meeting every need
    the step's words show (no live data, no action, no media made)."""
    wanted = needs(step.instruction, [])
    general = [card for card in allowed if (card.id == preferred and _text_model(card)) or is_general(card)]
    general.sort(key=lambda card: card.id != preferred)
    return next((card for card in general if all(need.met_by(card) for need in wanted)), None)


def _text_model(card: CapabilityCard) -> bool:
    return runnable_model(card) and "text" in card.input_types and "text" in card.output_types
