"""The last alternate of a text step: a general chat model, after every collaborator the plan ranked.

A step whose inputs and output are all text fails only when its collaborator and every ranked
alternate fail, and a general chat model can still answer it: the config's ``default_model``, else
another allowed model tagged chat/general, the one the planner gives a task no specialist matches
(``planner.general``). It is appended to the step's alternates when the plan is made, where
fallbacks live, so ``agentnet plan`` shows it and the run tries and records it like any alternate
(its attempt row, a ``fell_back`` event, the step's ``node_id``). A plan the planner did not make (one
written by hand, read from JSON, sent to the runs API) gets it when it is run (``for_run``, from
``Network.execute``), in each all-text step that lists no alternates of its own: a step that lists
them names its chain, as a planned step's already ends with the general model. A recipe's call
step gets it when the recipe is compiled (``recipes/graph.py``). Only for a model's step: not a
tool's (its result is data, a lookup or a sum, a chat model would make up), not a step with other
media in or out (a chat model makes no image and reads none), nor one whose words ask for live data
or an action on the world (``planner.needs``), nor with a model the policies exclude or already in
the step's chain.
"""

from __future__ import annotations

from collections.abc import Sequence

from agentnet.cards import CapabilityCard, is_model
from agentnet.directory.query import SearchFilters
from agentnet.planner.needs import is_general, needs, runnable_model
from agentnet.planner.plan import Alternate, Plan, Step


def add_general_fallback(
    plan: Plan, cards: Sequence[CapabilityCard], filters: SearchFilters, preferred: str | None
) -> Plan:
    """``plan`` with a general model (``preferred`` first) last in each all-text step's alternates."""
    return _add(plan, plan.steps, cards, filters, preferred)


def for_run(plan: Plan, cards: Sequence[CapabilityCard], filters: SearchFilters, preferred: str | None) -> Plan:
    """The plan the executor runs: a copy of ``plan`` whose all-text model steps that list no alternates
    end with a general model. The policies are ``filters`` and those the plan records it was made under
    (``Plan.filters``: a caller's stricter choice at plan time still holds). Steps that list alternates
    are left as they are (a planned step's chain already ends with it), so running a plan twice, or a
    plan the planner made, adds nothing more."""
    ran = plan.model_copy(deep=True)
    policies = filters.stricter(SearchFilters.from_described(plan.filters))
    return _add(ran, [step for step in ran.steps if not step.alternates], cards, policies, preferred)


def general_model(
    instruction: str, cards: Sequence[CapabilityCard], filters: SearchFilters, preferred: str | None
) -> CapabilityCard | None:
    """The general model a text step asking ``instruction`` falls back to, among the cards ``filters``
    allow (for a recipe's step, whose chain is not a plan's)."""
    return _general_for(instruction, [card for card in cards if filters.rejects(card) is None], preferred)


def _add(
    plan: Plan, steps: Sequence[Step], cards: Sequence[CapabilityCard], filters: SearchFilters, preferred: str | None
) -> Plan:
    allowed = [card for card in cards if filters.rejects(card) is None]
    models = {card.id for card in cards if is_model(card)}
    for step in steps:
        # A tool's result is data (a lookup, a sum, an MCP server's answer) a chat model cannot stand in for.
        if step.capability not in models or not _all_text(step, plan):
            continue
        general = _general_for(step.instruction, allowed, preferred)
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


def _general_for(instruction: str, allowed: list[CapabilityCard], preferred: str | None) -> CapabilityCard | None:
    """As ``planner.general`` chooses: the preferred model, else one tagged general, meeting every need
    the step's words show (no live data, no action, no media made)."""
    wanted = needs(instruction, [])
    general = [card for card in allowed if (card.id == preferred and _text_model(card)) or is_general(card)]
    general.sort(key=lambda card: card.id != preferred)
    return next((card for card in general if all(need.met_by(card) for need in wanted)), None)


def _text_model(card: CapabilityCard) -> bool:
    return runnable_model(card) and "text" in card.input_types and "text" in card.output_types
