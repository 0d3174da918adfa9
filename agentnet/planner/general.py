"""When no specialist matches: the whole task goes to a general chat model, or a refusal names what
the task needs (media in or out, live data, an action on the world) that no general model offers.
"""

from __future__ import annotations

from dataclasses import replace

from agentnet.cards import CapabilityCard
from agentnet.errors import PlanningError
from agentnet.planner.draft import Pick, standout_of
from agentnet.planner.extract import QUOTE_PLACEHOLDER, Artifact, introduces, opens_with_verb
from agentnet.planner.material import split_request
from agentnet.planner.needs import described, is_general, needs
from agentnet.planner.plan import Alternate, Plan, Step
from agentnet.planner.scene import sets_scene

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


def serve_the_rest(
    picks: list[Pick],
    parts: list[str],
    cards: list[CapabilityCard],
    sims: list[list[float]],
    preferred: str | None,
    task: str,
) -> list[Pick]:
    """``picks`` with the general chat model given each instruction no specialist serves, in the
    request's order: "caption holiday.png and translate it into German" with an OCR tool and a chat
    model but no translator is the OCR step, then the chat model translating its text (the plan was the
    OCR step alone, and the translation was never asked for). Only clauses that open with their verb,
    and whose needs (media made, live data, an action) a chat model meets; only when some clause was
    clearly served (otherwise the whole task is the general model's or a guess), and not in the material
    after a "request:" head ("Summarise this: The council met and agreed to fund a library")."""
    general = next((c for c in cards if c.id == preferred), None) or next((c for c in cards if is_general(c)), None)
    if general is None or not picks or not all(pick.confident for pick in picks):
        return picks
    served = {pick.clause for pick in picks}
    start = split_request(task)
    head = task if start is None else task[:start]
    column = cards.index(general)
    out: list[Pick] = []
    also: dict[int, list[str]] = {}  # by id() of the planned pick: the clauses it serves too
    for part, row in zip(parts, sims, strict=True):
        out.extend(pick for pick in picks if pick.clause == part)
        if part in served or not _in_head(part, head) or not _an_instruction(part):
            continue
        planned = _planned_best(picks, cards, row, general)
        if planned is not None:
            also.setdefault(id(planned), []).append(part)
            continue
        if not all(need.met_by(general) for need in needs(part, [])):
            continue
        why = f"{GENERAL_WHY} for clause {part[:60]!r}"
        out.append(Pick(general, part, row[column], [], why, confident=True))
    out.extend(pick for pick in picks if pick not in out)
    return [_asked_also(pick, also.get(id(pick), [])) for pick in out]


def _planned_best(
    picks: list[Pick], cards: list[CapabilityCard], row: list[float], general: CapabilityCard
) -> Pick | None:
    """The pick whose tool is the clause's best match, when one is planned already: "what is
    15% of 80 and convert 5 miles to km" asks the calculator twice, and its second question went to the
    chat model (a card serves one clause), which guessed. That step answers it too (``_asked_also``)."""
    best = cards[max(range(len(cards)), key=row.__getitem__)]
    if best.id == general.id:
        return None
    return next((pick for pick in picks if pick.card.id == best.id), None)


def _asked_also(pick: Pick, parts: list[str]) -> Pick:
    """The pick with the clauses it also serves added to its own (its step's instruction)."""
    if not parts:
        return pick
    return replace(pick, clause="; ".join([pick.clause, *parts]), why=f"{pick.why}; also {parts[0][:60]!r}")


def _in_head(part: str, head: str) -> bool:
    """The clause is the request's own wording, found in its head: up to a quoted passage the reading
    masked ("translate the quoted text into Spanish" is found by "translate "). A clause the reading
    made by lending a verb ("Write a storm at sea" of "a story about a keeper and a storm at sea") is
    not found, and gets no step of its own."""
    probe = part.split(QUOTE_PLACEHOLDER, 1)[0][:24]
    return bool(probe.strip()) and probe in head


def _an_instruction(part: str) -> bool:
    return opens_with_verb(part) and not sets_scene(part) and not introduces(part)
