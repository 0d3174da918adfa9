"""The plan the planner hands out from its picks, and how it scores against a solved task.

``Planner.plan`` and ``planner.learning``'s cross-validation both build steps here, so the fit scores
exactly the DAG the planner would output (bridging steps, requested media, wiring by types) and not a
proxy of it. An earlier fit scored links as the picks wired by types on the whole task as one clause,
per task (a one-tool task with no links counted as a perfect 1), averaged over tasks: that is not what
the bench measures (TaskBench's edge F1 is micro-averaged: edges pooled over all tasks, one-tool tasks
count only for the links they wrongly get), so a setting could win the fit and lose the bench.
Here both node and edge F1 are pooled as TaskBench pools them (``pseudo_f1``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentnet.cards import CapabilityCard
from agentnet.planner import draft, transitions
from agentnet.planner.extract import Artifact
from agentnet.planner.needs import needs
from agentnet.planner.plan import Step

if TYPE_CHECKING:
    import numpy as np

Pair = tuple[str, str]


def steps_from(
    picks: list[draft.Pick],
    cards: list[CapabilityCard],
    sims: list[list[float]],
    text: str,
    supplied: list[Artifact],
    limit: int,
    notes: list[str] | None = None,
) -> tuple[list[draft.Pick], list[Step]]:
    """The picks completed (bridges, requested media), cut to ``limit`` (said in ``notes``) and wired."""
    task_sims = {card.id: max(row[i] for row in sims) for i, card in enumerate(cards)}
    picks = draft.complete(picks, cards, task_sims, {a.type for a in supplied})
    picks = draft.make_requested(picks, cards, task_sims, needs(text, supplied))
    if len(picks) > limit:
        if notes is not None:
            notes.append(f"kept the {limit} best-matching of {len(picks)} steps (max steps {limit})")
        keep = sorted(sorted(range(len(picks)), key=lambda i: -picks[i].score)[:limit])
        picks = [picks[i] for i in keep]
    return picks, draft.link(picks, supplied, text)


def edges_of(steps: list[Step]) -> set[Pair]:
    """(producer tool, consumer tool) for every step input read from another step: TaskBench's
    ``<node-k>`` arguments, which is how a plan is scored."""
    return {(steps[i].capability, steps[j].capability) for i, j in transitions.positions(steps) if i != j}


def counts(
    gold_nodes: set[str], gold_edges: set[Pair] | None, nodes: set[str], edges: set[Pair]
) -> tuple[int, int, int, int, int, int]:
    """Node tp, fp, fn and edge tp, fp, fn of one plan (edges all zero when the task's links are unknown)."""
    node = (len(gold_nodes & nodes), len(nodes - gold_nodes), len(gold_nodes - nodes))
    if gold_edges is None:
        return (*node, 0, 0, 0)
    return (*node, len(gold_edges & edges), len(edges - gold_edges), len(gold_edges - edges))


def pseudo_f1(tallies: np.ndarray) -> np.ndarray:
    """Per task, a value whose mean over the tasks is the pooled (micro) F1 of ``tallies`` (..., tasks, 3:
    tp, fp, fn): the F1 plus the task's first-order influence on it (the delta method). The difference
    of two settings' values is then a per-task gain whose mean is the difference of their pooled F1,
    and whose spread says how sure that difference is (``transitions.t_of``)."""
    import numpy as np

    tp, fp, fn = tallies[..., 0], tallies[..., 1], tallies[..., 2]
    size = 2 * tp + fp + fn
    total = size.sum(axis=-1, keepdims=True)
    f1 = np.where(total > 0, 2 * tp.sum(axis=-1, keepdims=True) / np.maximum(total, 1), 1.0)
    return f1 + tallies.shape[-2] * (2 * tp - f1 * size) / np.maximum(total, 1)
