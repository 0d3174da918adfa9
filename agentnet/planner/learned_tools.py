"""The tool classifier (``planner.classifier``) in the fit and in the planner.

In the fit, every remembered task gets the classifier's signals with its own memory left out, the
classifier's out-of-fold probabilities are turned into plans at each bar of ``classifier.TAU_GRID``,
and the bar is chosen as the planner would choose it: the bar of each fold chosen on the other folds
alone, so the estimate of what the classifier gains over zero-shot on tasks it was not fitted on is
honest. ``planner.learning`` trusts it only where that gain is clear, as it trusts its other signals.
In the planner, a request gets the same signals from all of memory and the classifier's tools.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard
from agentnet.planner import classifier, draft, outcome, transitions
from agentnet.planner.cases import Case, choose, penalised, tally
from agentnet.planner.classifier import Signals, ToolClassifier
from agentnet.planner.extract import Artifact
from agentnet.planner.similarity import Scorer
from agentnet.planner.tuning import PlannerTuning
from agentnet.planner.validate import WILDCARD_TYPES

if TYPE_CHECKING:
    import numpy as np

    from agentnet.planner.memory import PlanMemory


# Bars at which the classifier's surest tools join the weights' picks (``fit_additions``). An added tool
# raises pooled F1 when it is right more often than half that F1, so bars under one half could pay; but
# a wider grid makes the nested cross-validation's choice noisier and its trust lower: with the
# classifier's own bars added (0.3 up), huggingface's held-out learned n-F1 fell 68.34 -> 67.02 (2026-12-07).
ADD_GRID = (0.5, 0.6, 0.7, 0.8, 0.9)


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
) -> tuple[ToolClassifier, np.ndarray, np.ndarray]:
    """The classifier for these remembered tasks, its bar chosen on all of them, per task the node
    and edge tp, fp, fn of its plan with the bar chosen without that task's fold (an honest estimate),
    and per task its out-of-fold probabilities (``fit_additions`` reads them)."""
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
    return fitted, honest, probabilities


def fit_additions(
    cases: list[Case],
    cards: list[CapabilityCard],
    settings: PlannerTuning,
    learned: tuple[list[list[draft.Pick]], list[list[list[float]]], Any],
    probabilities: np.ndarray,
) -> tuple[float, np.ndarray, np.ndarray]:
    """The bar of ``ADD_GRID`` at which the classifier's tools join the fitted weights' picks
    (``learned``: per task its picks and scores, and the weights' key), chosen on all the tasks; per task
    the tallies of those picks alone, and with the additions at the bar chosen without its fold.

    Why additions: where the classifier as a whole loses links (it drops picks retrieval got right and
    their links go with them: huggingface's train half), the picks the weights make are kept and the
    tools the classifier is surest of are added beside the chain (``with_additions``). Why beside it:
    placed in the chain, they lost links in huggingface's fit at every place tried (before their
    clause's pick -1.0 e-F1, after it -1.2, at the first slot whose types fit -2.0), the tool right far
    more often than its place. The bar is the one whose plans score best (pooled node plus edge F1) on
    the other folds: unlike the classifier's own bar (``_best_bar``) it trades an added tool against the
    picks already made, not against a calibrated F1."""
    import numpy as np

    all_picks, all_sims, key = learned
    folds = np.array(transitions.folds_of([case.text for case in cases], classifier.FOLDS))
    base = np.array([tally(case, cards, sims, settings, picks, key)
                     for case, picks, sims in zip(cases, all_picks, all_sims, strict=True)], dtype=float)  # fmt: skip
    tallies = np.array([
        [tally(case, cards, sims, settings, with_additions(case.parts, cards, sims, picks, p, bar,
                                                                 {a.type for a in case.supplied}), key)
         for case, picks, sims, p in zip(cases, all_picks, all_sims, probabilities, strict=True)]
        for bar in ADD_GRID
    ], dtype=float)  # fmt: skip

    def best(part: np.ndarray) -> int:
        return max(range(len(ADD_GRID)), key=lambda bar: _pooled_f1(part[bar]))

    honest = np.zeros(tallies.shape[1:])
    for k in range(classifier.FOLDS):
        honest[folds == k] = tallies[best(tallies[:, folds != k]), folds == k]
    return ADD_GRID[best(tallies)], base, honest


def _pooled_f1(tallies: np.ndarray) -> float:
    return float(outcome.pseudo_f1(tallies[:, :3]).mean() + outcome.pseudo_f1(tallies[:, 3:]).mean())


def with_additions(
    parts: list[str],
    cards: list[CapabilityCard],
    sims: list[list[float]],
    picks: list[draft.Pick],
    probabilities: np.ndarray,
    bar: float,
    handed: set[str],
    weight: float = 1.0,
    examples: int = 0,
) -> list[draft.Pick]:
    """``picks`` with every other tool whose probability, times ``weight`` (how far the additions are
    trusted), is at ``bar`` or above, and whose every input the request can hand over (``handed``: the
    types of its artifacts; text always): each is a step beside the chain (``draft.Pick.side``: it reads
    the request's material and feeds no step), serving the clause that matches it best, placed before
    that clause's pick (a step beside the chain reads no step, so its place only orders the plan).
    Unknown tools (NaN) are never added."""
    have = {pick.card.id for pick in picks}
    readable = {"text", *handed, *WILDCARD_TYPES}
    added = [j for j, card in enumerate(cards)
             if card.id not in have and probabilities[j] == probabilities[j] and weight * probabilities[j] >= bar
             and set(card.input_types) <= readable]  # fmt: skip
    if not added:
        return picks
    out = [(parts.index(pick.clause) if pick.clause in parts else -1, 0.0, pick) for pick in picks]
    for j in added:
        clause = max(range(len(parts)), key=lambda i: sims[i][j])
        why = f"learned from {examples} solved tasks (probability {probabilities[j]:.2f})"
        pick = draft.Pick(cards[j], parts[clause], sims[clause][j], [], why, side=True)
        out.append((clause, -float(probabilities[j]), pick))
    out.sort(key=lambda item: (item[0], item[1]))
    return [pick for _, _, pick in out]


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


def probabilities_of(
    memory: PlanMemory,
    fitted: ToolClassifier,
    scorer: Scorer,
    request: tuple[str, list[str], list[Artifact]],
    cards: list[CapabilityCard],
) -> tuple[np.ndarray, list[list[float]], Signals]:
    """The fitted classifier's probabilities for a new request, its signals read from all of memory; with
    its zero-shot scores as the planner chooses by them, and the signals (``request``: its text, clauses
    and artifacts)."""
    from agentnet.directory.embedder import shared_embedder

    text, parts, supplied = request
    settings = scorer.settings
    zero_shot, votes, phrase_best = scorer.components(parts, cards)
    case = Case(text, parts, supplied, zero_shot, votes, phrase_best, set(), None)
    nearest = next(iter(memory.similar(case.text, 1, set(_columns(cards)))), None)
    sims = penalised(parts, zero_shot, settings, text)
    signals = signals_of(case, cards, sims, settings, nearest, shared_embedder().embed_one(case.text))
    return fitted.probabilities(signals, [card.id for card in cards]), sims, signals


def planned(
    memory: PlanMemory | None,
    kept: dict[str, Any] | None,
    scorer: Scorer,
    request: tuple[str, list[str], list[Artifact]],
    scored: tuple[list[CapabilityCard], list[list[float]]],
    retrieval: Callable[[], tuple[list[draft.Pick], str]],
) -> tuple[list[draft.Pick], str]:
    """The picks for a request (``request``: its text, clauses and artifacts; ``scored``: the cards and its
    clause x card scores) and their source: the fitted classifier's (``kept``) where it is trusted to
    choose the tools, else ``retrieval``'s, with the classifier's surest tools added where it is trusted
    to add them."""
    if kept and memory is not None and not kept.get("adds"):
        learned = picks(memory, kept, scorer, *request, scored[0])
        if learned:
            return learned, "memory"
    chosen, source = retrieval()
    if kept and memory is not None and kept.get("adds") and source == "retrieval":
        chosen = additions(memory, kept, scorer, request, *scored, chosen)
    return chosen, source


def additions(
    memory: PlanMemory,
    kept: dict[str, Any],
    scorer: Scorer,
    request: tuple[str, list[str], list[Artifact]],
    cards: list[CapabilityCard],
    sims: list[list[float]],
    chosen: list[draft.Pick],
) -> list[draft.Pick]:
    """``chosen`` (the picks of retrieval with the fitted weights, scored ``sims``) with the tools the
    fitted classifier (``kept``, its ``adds`` set) is sure the request needs besides (``request``: its
    text, clauses and artifacts)."""
    fitted = ToolClassifier.from_dict(kept)
    probabilities = probabilities_of(memory, fitted, scorer, request, cards)[0]
    parts = request[1]
    handed = {artifact.type for artifact in request[2]}
    return with_additions(parts, cards, sims, chosen, probabilities, fitted.tau, handed, fitted.weight, len(memory))


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
    fitted = ToolClassifier.from_dict(kept)
    probabilities, sims, signals = probabilities_of(memory, fitted, scorer, (text, parts, supplied), cards)
    case = Case(text, parts, supplied, signals.zero_shot, signals.votes, signals.phrase_best, set(), None)
    return _picks(case, cards, sims, probabilities, signals.picked, fitted.tau, len(memory), fitted.weight)


def trusted_additions(
    fitted: ToolClassifier,
    cases: list[Case],
    cards: list[CapabilityCard],
    settings: PlannerTuning,
    probabilities: np.ndarray,
    weighted: tuple[np.ndarray, float],
    chosen: tuple[float, float, tuple[float, float]],
) -> tuple[dict[str, Any] | None, np.ndarray, float]:
    """The classifier trusted to add its surest tools to the weights' picks (``fit_additions``)
    when its honest estimate gains on tools against those picks alone (t > 1) and loses no links on average
    (as ``learning._with_classifier`` asks of the whole classifier), by degrees: its probabilities are scaled by
    ``1 - 1/t²``, so a gain the examples barely show adds nothing. Else None and the weights' tallies and t."""
    import numpy as np

    phrase, prior, bars = chosen
    planned = []
    for case in cases:
        sims = penalised(case.parts, Scorer.combine(case.zero_shot, case.phrase_best, case.votes, phrase, prior),
                         settings, case.text)  # fmt: skip
        planned.append((choose(case, cards, sims, settings, bars), sims))
    learned = ([picks for picks, _ in planned], [sims for _, sims in planned], (phrase, prior))
    bar, alone, honest = fit_additions(cases, cards, settings, learned, probabilities)
    nodes, edges = (outcome.pseudo_f1(honest[:, part]) - outcome.pseudo_f1(alone[:, part])
                    for part in (slice(0, 3), slice(3, 6)))  # fmt: skip
    t = transitions.t_of(nodes)
    if t > 1 and edges.mean() >= 0:
        fitted.tau, fitted.adds, fitted.weight = bar, True, round(1 - 1 / t**2, 4)
        # The weights' own estimate moved by what the additions gain on the same tasks.
        return fitted.to_dict(), np.asarray(weighted[0]) + honest - alone, min(weighted[1], t)
    return None, *weighted
