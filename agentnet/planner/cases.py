"""One remembered task as ``planner.learning`` plans it, and how a set of picks scores on it.

The fit plans every remembered task many times (once per grid row, per fold, per bar of the tool
classifier), so what does not change between those plans is computed once here: the task's clauses
and artifacts, the zero-shot scores and memory's signals with its own memory left out, and its gold
tools and links; and each distinct set of picks is planned and scored once (``Case.done``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard
from agentnet.planner import draft, outcome
from agentnet.planner.extract import Artifact, artifacts, clauses, mask_quotes
from agentnet.planner.scene import sets_scene
from agentnet.planner.similarity import Scorer
from agentnet.planner.tuning import PlannerTuning

if TYPE_CHECKING:
    import numpy as np

Bars = tuple[float, float]


@dataclass
class Case:
    """One remembered task: its clauses and artifacts, the zero-shot scores and memory's signals with
    its own memory left out, and its gold tools and links (None: unknown). ``done`` caches the outcome
    of each distinct set of picks (most grid rows pick alike)."""

    text: str
    parts: list[str]
    supplied: list[Artifact]
    zero_shot: np.ndarray
    votes: np.ndarray | None
    phrase_best: np.ndarray | None
    gold_nodes: set[str]
    gold_edges: set[tuple[str, str]] | None
    done: dict[Any, tuple[int, ...]] = field(default_factory=dict)


def case_of(
    example: dict[str, Any], scorer: Scorer, cards: list[CapabilityCard], names: dict[str, CapabilityCard]
) -> Case:
    text = example["task"]
    parts = clauses(text)
    zero_shot, votes, phrase_best = scorer.components(parts, cards, exclude=example["id"])
    links = example.get("links")
    gold_edges = None if links is None else {(names[a].id, names[b].id) for a, b in links if a in names and b in names}
    gold = {names[tool].id for tool in example["tools"]}
    return Case(text, parts, artifacts(text), zero_shot, votes, phrase_best, gold, gold_edges)


def tally(
    case: Case,
    cards: list[CapabilityCard],
    sims: list[list[float]],
    settings: PlannerTuning,
    picks: list[draft.Pick],
    weights: Any,
) -> tuple[int, ...]:
    # Bridges are chosen by the scores, so the same picks under other weights may plan otherwise.
    key = (weights, tuple((pick.card.id, pick.clause, pick.side) for pick in picks))
    if key not in case.done:
        _, steps = outcome.steps_from(picks, cards, sims, case.text, case.supplied, settings.max_steps)
        nodes = {step.capability for step in steps}
        case.done[key] = outcome.counts(case.gold_nodes, case.gold_edges, nodes, outcome.edges_of(steps))
    return case.done[key]


def penalised(parts: list[str], sims: np.ndarray, settings: PlannerTuning, task: str) -> list[list[float]]:
    """The scores as the planner chooses by them: a clause of ``task`` that only sets the scene weighs less."""
    masked = mask_quotes(" ".join(task.split()))  # as the clauses were cut from it
    return [
        [value - settings.scene_penalty for value in row] if sets_scene(part, masked) else list(row)
        for part, row in zip(parts, sims.tolist(), strict=True)
    ]


def choose(
    case: Case, cards: list[CapabilityCard], sims: list[list[float]], settings: PlannerTuning, bars: Bars
) -> list[draft.Pick]:
    """The tools the planner's retrieval step would pick from these scores, ``bars`` scaling its floor and
    standout (``Trust.floor``, ``Trust.standout``)."""
    return draft.choose(
        case.parts, cards, sims, settings.threshold, settings.margin, [a.type for a in case.supplied],
        settings.type_bonus, settings.type_penalty, settings.floor * bars[0], settings.standout * bars[1],
        settings.type_cue,
    )  # fmt: skip
