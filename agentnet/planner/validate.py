"""Checking a plan against the cards and the user's policies, repairing what can be repaired.

A plan leaves here either valid (acyclic, every input resolvable, linked types compatible, every
collaborator present and allowed, within the step budget) or not at all: ``ensure_valid`` raises
``PlanningError`` with the reasons. Every repair is written to ``plan.notes`` so a reader can see
what the planner changed and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agentnet.cards import CapabilityCard, normalize_type
from agentnet.directory.query import CardSource, SearchFilters
from agentnet.errors import PlanningError
from agentnet.planner.plan import Plan, Step, StepInput

WILDCARD_TYPES = frozenset({"any", "*", "object", "data"})


@dataclass
class Problem:
    """One thing wrong with a plan; ``repair`` says what was done about it (empty: nothing could be)."""

    code: str
    message: str
    step: str | None = None
    repair: str = ""

    def __str__(self) -> str:
        where = f"step {self.step}: " if self.step else ""
        tail = f" -> repaired: {self.repair}" if self.repair else " (not repairable)"
        return f"{where}{self.message}{tail}"


@dataclass
class Validation:
    plan: Plan
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(p.repair for p in self.problems)

    @property
    def unrepaired(self) -> list[Problem]:
        return [p for p in self.problems if not p.repair]


def types_compatible(produced: list[str], accepted: list[str]) -> bool:
    """A producer fits a consumer when one of its output types is accepted (or either is untyped)."""
    if not produced or not accepted:
        return True
    out = {normalize_type(t) for t in produced}
    inp = {normalize_type(t) for t in accepted}
    return bool(out & inp) or bool((out | inp) & WILDCARD_TYPES)


def interchangeable(card: CapabilityCard, other: CapabilityCard) -> bool:
    """``other`` can stand in for ``card`` when it fails: it reads what ``card`` reads and makes what
    ``card`` makes. A text-to-speech tool ranked next to the file reader for "What is in the file
    notes.txt?" was its fallback and answered a text question with a WAV."""
    return types_compatible(card.input_types, other.input_types) and types_compatible(
        other.output_types, card.output_types
    )


def validate_plan(
    plan: Plan,
    source: CardSource,
    filters: SearchFilters | None = None,
    max_steps: int | None = None,
    *,
    repair: bool = True,
) -> Validation:
    """Check ``plan``; with ``repair`` fix it on a copy. Returns the (possibly repaired) plan and problems."""
    plan = plan.model_copy(deep=True)
    result = Validation(plan)
    if not plan.steps:
        result.problems.append(Problem("empty", "the plan has no steps"))
        return result
    _unique_ids(result, repair)
    cards = _check_collaborators(result, source, filters or SearchFilters(), repair)
    _check_links(result, cards, repair)
    _order(result, repair)
    if max_steps is not None and len(plan.steps) > max_steps:
        result.problems.append(
            Problem("too_many_steps", f"the plan needs {len(plan.steps)} steps but at most {max_steps} are allowed")
        )
    for problem in result.problems:
        if problem.repair:
            plan.notes.append(str(problem))
    if any(p.repair for p in result.problems) and plan.source == "model":
        plan.source = "repaired"
    return result


def ensure_valid(
    plan: Plan, source: CardSource, filters: SearchFilters | None = None, max_steps: int | None = None
) -> Plan:
    """The repaired plan, or ``PlanningError`` listing what cannot be repaired."""
    result = validate_plan(plan, source, filters, max_steps)
    if not result.ok:
        reasons = "; ".join(str(p) for p in result.unrepaired)
        raise PlanningError(
            f"the plan for this task is invalid: {reasons}",
            hint="add a collaborator that provides the missing capability, relax the policies, or rephrase the task",
        )
    return result.plan


def _unique_ids(result: Validation, repair: bool) -> None:
    seen: set[str] = set()
    for index, step in enumerate(result.plan.steps):
        if step.id in seen or not step.id:
            new_id = f"s{index + 1}"
            while new_id in seen:
                new_id += "x"
            result.problems.append(
                Problem(
                    "duplicate_id",
                    f"step id {step.id!r} is used twice",
                    step.id,
                    f"renamed to {new_id}" if repair else "",
                )
            )
            if repair:
                step.id = new_id
        seen.add(step.id)


def _check_collaborators(
    result: Validation, source: CardSource, filters: SearchFilters, repair: bool
) -> dict[str, CapabilityCard]:
    cards: dict[str, CapabilityCard] = {}
    for step in result.plan.steps:
        card = source.get(step.capability)
        reason = "is not in the directory" if card is None else filters.rejects(card)
        if card is not None and reason is None:
            cards[step.id] = card
            continue
        problem = Problem("collaborator", f"collaborator {step.capability!r} {reason}", step.id)
        result.problems.append(problem)
        if not repair:
            continue
        substitute = _substitute(step, card, source, filters)
        if substitute is not None:
            problem.repair = f"substituted {substitute.id!r}"
            step.why = f"{step.why}; substituted for {step.capability!r} ({reason})".lstrip("; ")
            step.alternates = [a for a in step.alternates if a.card_id != substitute.id]
            step.capability = substitute.id
            cards[step.id] = substitute
    return cards


def _substitute(
    step: Step, original: CapabilityCard | None, source: CardSource, filters: SearchFilters
) -> CapabilityCard | None:
    """The best allowed alternate: the ranked alternates first, then a directory search."""
    names = [a.card_id for a in step.alternates]
    names += [c.card_id for c in source.search(step.instruction or step.capability, k=5, filters=filters)]
    for name in names:
        card = source.get(name)
        if card is None or filters.rejects(card) is not None or name == step.capability:
            continue
        if original is None or types_compatible(card.output_types, original.output_types):
            return card
    return None


def _check_links(result: Validation, cards: dict[str, CapabilityCard], repair: bool) -> None:
    steps = result.plan.steps
    position = {step.id: i for i, step in enumerate(steps)}
    for index, step in enumerate(steps):
        card = cards.get(step.id)
        accepted = card.input_types if card else []
        kept: list[StepInput] = []
        for item in step.inputs:
            problem = _link_problem(step, item, position, cards, accepted)
            if problem is None:
                kept.append(item)
                continue
            result.problems.append(problem)
            kept.append(_repaired_link(result, problem, item, steps[:index], cards, accepted, kept) if repair else item)
        step.inputs = kept
        if card and step.output_type is None and card.output_types:
            step.output_type = card.output_types[0]


def _link_problem(
    step: Step, item: StepInput, position: dict[str, int], cards: dict[str, CapabilityCard], accepted: list[str]
) -> Problem | None:
    """What is wrong with one input of ``step`` (None when it is not a step link or the link is sound)."""
    if item.kind != "step":
        return None
    producer = cards.get(item.step or "")
    if item.step == step.id:
        return Problem("self_reference", "consumes its own output", step.id)
    if item.step not in position:
        return Problem("dangling", f"consumes step {item.step!r}, which is not in the plan", step.id)
    if producer is not None and not types_compatible(producer.output_types, accepted):
        return Problem(
            "type_mismatch",
            f"type mismatch: consumes {'/'.join(producer.output_types)} from {item.step!r} "
            f"but accepts only {'/'.join(accepted)}",
            step.id,
        )
    return None


def _repaired_link(
    result: Validation,
    problem: Problem,
    item: StepInput,
    earlier: list[Step],
    cards: dict[str, CapabilityCard],
    accepted: list[str],
    kept: list[StepInput],
) -> StepInput:
    """The input that replaces a broken link: an earlier step of a fitting type, else the user's input."""
    relinked = _relink(earlier, cards, accepted, {i.step for i in kept if i.kind == "step"})
    if relinked is not None:
        problem.repair = f"re-linked to {relinked.id!r} by type"
        return StepInput(kind="step", step=relinked.id, name=item.name, type=_first(cards, relinked.id))
    problem.repair = "reads the user's input instead"
    return StepInput(kind="user", name=item.name, value=result.plan.task, type=item.type)


def _relink(
    earlier: list[Step], cards: dict[str, CapabilityCard], accepted: list[str], used: set[str | None]
) -> Step | None:
    for candidate in reversed(earlier):
        card = cards.get(candidate.id)
        if card is not None and candidate.id not in used and types_compatible(card.output_types, accepted):
            return candidate
    return None


def _first(cards: dict[str, CapabilityCard], step_id: str) -> str | None:
    card = cards.get(step_id)
    return card.output_types[0] if card and card.output_types else None


def _order(result: Validation, repair: bool) -> None:
    """Topological order (stable); a cycle is broken by dropping the links that close it."""
    steps = result.plan.steps
    ids = {step.id for step in steps}
    placed: list[Step] = []
    done: set[str] = set()
    pending = list(steps)
    while pending:
        ready = next((s for s in pending if all(d in done or d not in ids for d in s.depends_on)), None)
        if ready is None:
            # Every pending step waits on another pending step: a cycle. Cut the first step's waits.
            victim = pending[0]
            waiting = [d for d in victim.depends_on if d not in done and d in ids]
            problem = Problem("cycle", f"is part of a cycle through {', '.join(waiting)}", victim.id)
            result.problems.append(problem)
            if not repair:
                return
            victim.inputs = [
                i
                if not (i.kind == "step" and i.step in waiting)
                else StepInput(kind="user", name=i.name, value=result.plan.task, type=i.type)
                for i in victim.inputs
            ]
            problem.repair = "dropped the links that close the cycle; reads the user's input instead"
            continue
        pending.remove(ready)
        placed.append(ready)
        done.add(ready.id)
    if [s.id for s in placed] != [s.id for s in steps]:
        if repair:
            result.problems.append(
                Problem("order", "steps were not in dependency order", None, "reordered topologically")
            )
            result.plan.steps = placed
        else:
            result.problems.append(Problem("order", "steps are not in dependency order"))
