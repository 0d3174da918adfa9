"""When no specialist matches: the whole task goes to a general chat model, or a refusal names what
the task needs (media in or out, live data, an action on the world) that no general model offers.
"""

from __future__ import annotations

from agentnet.cards import CapabilityCard
from agentnet.errors import PlanningError
from agentnet.planner.extract import Artifact
from agentnet.planner.needs import is_general, needs
from agentnet.planner.plan import Alternate, Plan, Step

GENERAL_WHY = "no specialist matched; general model"


def general_plan(
    task: str, supplied: list[Artifact], cards: list[CapabilityCard], best: float, preferred: str | None
) -> Plan:
    """One step for a general chat model when no specialist matches the task, or a refusal that names
    what the task needs (media in or out, live data or an action on the world) and no general model offers."""
    wanted = needs(task, supplied)
    general = [card for card in cards if card.id == preferred or is_general(card)]
    general.sort(key=lambda card: card.id != preferred)
    fit = [card for card in general if all(need.met_by(card) for need in wanted)]
    if not fit:
        missing = [need for need in wanted if not any(need.met_by(card) for card in general)] or wanted
        if missing:
            what = "; ".join(f"{need.what} ({need.evidence!r})" for need in missing)
            raise PlanningError(
                f"this task needs {what}, and no collaborator that offers it matched the request",
                hint="add a model or tool with that capability (see `agentnet models add` and `agentnet mcp add`), "
                "or ask for something a chat model can answer",
                code="capability_missing",
            )
        raise PlanningError(
            f"nothing in the directory can serve this task (best match {best:.2f}), and no general chat model is "
            "available to answer it",
            hint="declare a chat model (tag a skill 'chat') or set default_model in agentnet.yaml, or relax the "
            "policies",
        )
    chosen = fit[0]
    step = Step(
        id="s1",
        capability=chosen.id,
        instruction=task.strip(),
        output_type="text",
        alternates=[Alternate(card_id=card.id, score=0.0) for card in fit[1:4]],
        why=f"{GENERAL_WHY} (best specialist match {best:.2f})",
        score=round(best, 4),
    )
    return Plan(task=task, steps=[step], source="general", notes=[f"{GENERAL_WHY}: {chosen.id}"])
