"""The tool classifier (``planner.classifier``) in the fit and in the planner.

In the fit, every remembered task gets the classifier's signals with its own memory left out, the
classifier's out-of-fold probabilities are turned into plans at each bar of ``classifier.TAU_GRID``,
and the bar is chosen as the planner would choose it: the bar of each fold chosen on the other folds
alone, so the estimate of what the classifier gains over zero-shot on tasks it was not fitted on is
honest. ``planner.learning`` trusts it only where that gain is clear, as it trusts its other signals.
In the planner, a request gets the same signals from all of memory and the classifier's tools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard
from agentnet.planner import classifier, draft, outcome, transitions
from agentnet.planner.cases import Case, choose, penalised, tally
from agentnet.planner.classifier import Signals, ToolClassifier
from agentnet.planner.extract import Artifact
from agentnet.planner.similarity import Scorer
from agentnet.planner.tuning import PlannerTuning

if TYPE_CHECKING:
    import numpy as np

    from agentnet.planner.memory import PlanMemory


def _columns(cards: list[CapabilityCard]) -> dict[str, int]:
    """Each card's column by its id and by its name (remembered tasks name tools either way)."""
    columns: dict[str, int] = {}
    for j, card in enumerate(cards):
        columns.setdefault(card.id, j)
        columns.setdefault(card.name or card.id, j)
    return columns


def signals_of(
    case: Case,
    cards: list[CapabilityCard],
    sims: list[list[float]],
    settings: PlannerTuning,
    nearest: dict[str, Any] | None,
    vector: np.ndarray,
) -> Signals:
    """The classifier's view of a task (``sims``: its zero-shot scores as the planner chooses by them);
    ``nearest`` is the most similar other solved task (None: none)."""
    picked = {cards.index(pick.card) for pick in choose(case, cards, sims, settings, (1.0, 1.0))}
    columns = _columns(cards)
    near = {columns[tool]: float(nearest["score"]) for tool in nearest["tools"] if tool in columns} if nearest else {}
    return Signals(case.zero_shot, case.phrase_best, case.votes, picked, near, vector)


def fit(
    memory: PlanMemory,
    cases: list[Case],
    examples: list[dict[str, Any]],
    cards: list[CapabilityCard],
    settings: PlannerTuning,
) -> tuple[ToolClassifier, np.ndarray]:
    """The classifier for these remembered tasks, its bar chosen on all of them, and per task the node
    and edge tp, fp, fn of its plan with the bar chosen without that task's fold (an honest estimate)."""
    import numpy as np

    from agentnet.directory.embedder import shared_embedder

    tools = set(_columns(cards))
    vectors = shared_embedder().embed([case.text for case in cases])
    # Each task's scores as the planner chooses by them, computed once for its every plan.
    sims = [penalised(case.parts, case.zero_shot, settings, case.text) for case in cases]
    signals = [
        signals_of(case, cards, scores, settings, next(iter(memory.similar(case.text, 1, tools, example["id"])), None),
                   vector)
        for case, scores, example, vector in zip(cases, sims, examples, vectors, strict=True)
    ]  # fmt: skip
    labels = np.array([[card.id in case.gold_nodes for card in cards] for case in cases], dtype=float)
    folds = np.array(transitions.folds_of([case.text for case in cases], classifier.FOLDS))
    fitted, probabilities = classifier.fit(signals, labels, [card.id for card in cards], folds)
    # tallies[b, n]: task n planned with the bar classifier.TAU_GRID[b].
    tallies = np.array([
        [tally(case, cards, scores, settings, _picks(case, cards, scores, p, s.picked, tau), ("classifier", tau))
         for case, scores, p, s in zip(cases, sims, probabilities, signals, strict=True)]
        for tau in classifier.TAU_GRID
    ], dtype=float)  # fmt: skip
    honest = np.zeros(tallies.shape[1:])
    for k in range(classifier.FOLDS):
        honest[folds == k] = tallies[_best_bar(tallies[:, folds != k]), folds == k]
    fitted.tau = classifier.TAU_GRID[_best_bar(tallies)]
    return fitted, honest


def _best_bar(tallies: np.ndarray) -> int:
    """The bar nearest half the best node F1 the bars reach (pooled over the tasks): for calibrated
    probabilities the F1-optimal threshold is half the optimal F1 (Lipton, Elkan and Naryanaswamy,
    "Optimal thresholding of classifiers to maximize F1", 2014), and the best F1 is a steadier number
    than which bar reaches it.

    Why not the bar that scores best: neighbouring bars differ by a tool in a few tasks, and edge F1
    moves with each such tool, so the best of seven bars is mostly chance. On huggingface's train half
    the lowest bar scored best by 1.5 points (edges 31.9 against 30.4); on the held-out half its edge
    F1 fell below zero-shot's (29.3 against 29.8) where the bars 0.4-0.5 gained 3 to 3.6. Held-out,
    learning the train half (bench/taskbench_split.py --mode off, n-F1/e-F1), against the highest bar
    within one standard error of the best (Breiman's rule, which vetoed huggingface's classifier:
    its honest estimate lost 1.3 e-F1): huggingface 64.73/29.98 -> 67.13/29.14, dailylifeapis
    80.57/47.66 -> 81.41/48.55, office 88.17/53.85 and multimedia 74.07/42.47 (not trusted) unchanged."""
    best = max(float(outcome.pseudo_f1(row[:, :3]).mean()) for row in tallies)
    return min(range(len(classifier.TAU_GRID)), key=lambda bar: abs(classifier.TAU_GRID[bar] - best / 2))


def _picks(
    case: Case,
    cards: list[CapabilityCard],
    sims: list[list[float]],
    probabilities: np.ndarray,
    picked: set[int],
    tau: float,
    examples: int = 0,
    weight: float = 1.0,
) -> list[draft.Pick]:
    """The classifier's tools as picks, each serving the clause that matches it best, in clause order."""
    out = []
    for j in classifier.chosen(probabilities, picked, tau, weight):
        clause = max(range(len(case.parts)), key=lambda i: sims[i][j])
        known = probabilities[j] == probabilities[j]  # NaN: a tool no example used
        why = (f"learned from {examples} solved tasks (probability {probabilities[j]:.2f})" if known
               else "matches this part of the task (no solved task used it)")  # fmt: skip
        out.append((clause, -(probabilities[j] if known else 0.0), draft.Pick(cards[j], case.parts[clause],
                                                                               sims[clause][j], [], why)))  # fmt: skip
    out.sort(key=lambda item: (item[0], item[1]))
    return [pick for _, _, pick in out]


def picks(
    memory: PlanMemory,
    kept: dict[str, Any],
    scorer: Scorer,
    text: str,
    parts: list[str],
    supplied: list[Artifact],
    cards: list[CapabilityCard],
) -> list[draft.Pick]:
    """The picks of the fitted classifier (``kept``: ``ToolClassifier.to_dict``) for a new request, its
    signals read from all of memory."""
    from agentnet.directory.embedder import shared_embedder

    settings = scorer.settings
    zero_shot, votes, phrase_best = scorer.components(parts, cards)
    case = Case(text, parts, supplied, zero_shot, votes, phrase_best, set(), None)
    fitted = ToolClassifier.from_dict(kept)
    nearest = next(iter(memory.similar(case.text, 1, set(_columns(cards)))), None)
    sims = penalised(parts, zero_shot, settings, text)
    signals = signals_of(case, cards, sims, settings, nearest, shared_embedder().embed_one(case.text))
    probabilities = fitted.probabilities(signals, [card.id for card in cards])
    return _picks(case, cards, sims, probabilities, signals.picked, fitted.tau, len(memory), fitted.weight)
