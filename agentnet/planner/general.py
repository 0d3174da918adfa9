"""When no specialist matches: the whole task goes to a general chat model, or a refusal names what
the task needs (media in or out, live data, an action on the world) that no general model offers.
"""

from __future__ import annotations

from agentnet.cards import CapabilityCard
from agentnet.errors import PlanningError
from agentnet.planner.draft import standout_of
from agentnet.planner.extract import Artifact
from agentnet.planner.needs import described, is_general, needs
from agentnet.planner.plan import Alternate, Plan, Step

GENERAL_WHY = "no specialist matched; general model"


def asks_a_tool(
    task: str, supplied: list[Artifact], cards: list[CapabilityCard], sims: list[list[float]], standout: float
) -> bool:
    """The task needs an action on the world or live data, which no chat model gives, and some clause's
    best match is a collaborator that offers it and stands out from the rest (``standout`` deviations):
    that collaborator is planned, however low the scores, where the general model's path would refuse.

    Why: a request's topic words can outweigh its action in the embedding ("Search online for vegan
    lasagne recipes" against "search_web: Search the web": similarity 0.13, under every bar) while its
    words still name the one tool that does it (0.21 with the keyword match, the next tool 0.14).
    Refusing a task the directory can do is the worse error; a wrong tool shows in the plan."""
    wanted = [need for need in needs(task, supplied) if need.tool]
    if not wanted or len(cards) < 2:
        return False
    for row in sims:
        top = max(range(len(row)), key=row.__getitem__)
        if any(need.met_by(cards[top]) for need in wanted) and standout_of(row, top) >= standout:
            return True
    return False


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
            what = described(missing)
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
