"""How much the planner trusts what plan memory learned, fitted on the remembered tasks themselves.

Memory offers three signals beside retrieval's zero-shot scores: a tool's remembered phrases (the
step texts that asked for it), the tools of the most similar remembered tasks, and whole plans of
near-duplicate tasks to reuse. How much each is worth depends on the tool set and on the examples,
so the weights are not constants: they are chosen by leave-one-out cross-validation on the
remembered tasks whose tools are all in the directory (each task planned from the others' memory
and scored against its own tools, exactly as the planner's retrieval step would pick them), and then
shrunk toward zero-shot by the evidence for them: the cross-validated gain over zero-shot divided by
its standard error ``t`` keeps a fraction ``1 - 1/t²`` (James-Stein's positive part) of the weights.
A gain the examples do not show clearly is no gain, and with no gain the weights are zero: the
planner is then exactly its zero-shot self. Below ``MIN_EXAMPLES`` nothing can be cross-validated;
only near-duplicate tasks are reused (``REUSE_SIMILARITY``: a request that differs from a solved one
in a word or two, "the sea" for "the harbour").

A fit is kept in memory's sqlite file under a fingerprint of the directory's cards and is redone when
the directory changes or when the remembered tasks grew by a tenth since (or were forgotten).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard
from agentnet.planner import draft, transitions
from agentnet.planner.extract import clauses, sets_scene
from agentnet.planner.transitions import t_of
from agentnet.planner.tuning import NEVER, PlannerTuning, Trust

if TYPE_CHECKING:
    import numpy as np

    from agentnet.planner.memory import PlanMemory
    from agentnet.planner.similarity import Scorer

MIN_EXAMPLES = 8
# Measured with 3-7 remembered tasks (bench/taskbench_split.py --curve 5,10, --mode off; held-out
# n-F1/e-F1, zero-shot office 80.00/38.10, multimedia 71.35/40.15): at 0.8 and above (1.0, 1.2: never)
# nothing is reused on either dev domain and the figures are zero-shot's; x0.75 (0.6) reuses too much:
# office 78.41/32.56, multimedia 69.32/39.71; x0.5 (0.4): 67.42/22.22 and 41.78/15.21. Flat on the
# safe side, so a near-duplicate must be as close as "the sea" is to "the harbour" in one request.
REUSE_SIMILARITY = 0.8
PHRASE_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
PRIOR_GRID = (0.0, 0.2, 0.4, 0.8)
REUSE_GRID = (0.7, 0.75, 0.8, 0.85, 0.9, 0.95, NEVER)


def fingerprint(cards: list[CapabilityCard]) -> str:
    digest = hashlib.sha256()
    for key in sorted(card.content_hash() for card in cards):
        digest.update(key.encode())
    return digest.hexdigest()[:16]


def trust_for(memory: PlanMemory, scorer: Scorer, cards: list[CapabilityCard], settings: PlannerTuning) -> Trust:
    """The fitted trust for this directory, refitted when it is stale."""
    version = memory.version()
    if version.startswith("0:"):
        return Trust()
    directory = fingerprint(cards)
    kept = memory.fitted(directory)
    if kept is not None and not _stale(kept[0], version):
        return Trust(**kept[1])
    trust = fit(memory, scorer, cards, settings)
    memory.keep_fit(directory, version, asdict(trust))
    return trust


def _stale(fitted: str, now: str) -> bool:
    """Refit after a tenth more tasks (or any forgetting), not after every one: fitting is the costly part."""
    (count_then, top_then), (count_now, top_now) = (map(int, v.split(":")) for v in (fitted, now))
    return count_now < count_then or top_now < top_then or count_now >= count_then + max(1, count_then // 10)


def names_of(cards: list[CapabilityCard]) -> dict[str, CapabilityCard]:
    return {**{card.id: card for card in cards}, **{card.name or card.id: card for card in cards}}


def usable(memory: PlanMemory, cards: list[CapabilityCard]) -> list[dict[str, Any]]:
    """Remembered positive tasks whose tools are all in the directory."""
    names = names_of(cards)
    return [e for e in memory.entries() if e["rating"] > 0 and e["tools"] and set(e["tools"]) <= names.keys()]


def fit(memory: PlanMemory, scorer: Scorer, cards: list[CapabilityCard], settings: PlannerTuning) -> Trust:
    import numpy as np

    examples = usable(memory, cards)
    if len(examples) < MIN_EXAMPLES:
        return Trust(reuse=REUSE_SIMILARITY, examples=len(examples))
    names = names_of(cards)
    grid = [(p, q) for p in PHRASE_GRID for q in PRIOR_GRID]
    scores = np.zeros((len(grid), len(examples)))
    nearest = np.zeros(len(examples))
    reused = np.zeros(len(examples))
    for n, example in enumerate(examples):
        gold = {names[tool].id for tool in example["tools"]}
        parts = clauses(example["task"])
        zero_shot, votes, phrase_best = scorer.components(parts, cards, exclude=example["id"])
        for g, (p, q) in enumerate(grid):
            sims = scorer.combine(zero_shot, phrase_best, votes, p, q)
            scores[g, n] = _f1(gold, _picked(parts, cards, sims, settings))
        other = memory.similar(example["task"], k=1, tools=set(names), exclude=example["id"])
        if other:
            nearest[n] = other[0]["score"]
            reused[n] = _f1(gold, {names[tool].id for tool in other[0]["tools"]})
    best, shrink, t = _shrunk_best(scores)
    phrase, prior = grid[best]
    learned = scores[best] if shrink > 0 else scores[0]
    reuse, learned = _reuse_threshold(learned, nearest, reused)
    links, links_t = transitions.fit_weights(examples, names)
    return Trust(
        links=list(links),
        links_t=round(links_t, 2),
        phrase=phrase * shrink,
        prior=prior * shrink,
        reuse=reuse,
        examples=len(examples),
        f1=round(float(learned.mean()), 4),
        zero_shot_f1=round(float(scores[0].mean()), 4),
        t=round(t, 2),
    )


def _shrunk_best(scores: np.ndarray) -> tuple[int, float, float]:
    """The grid row with the best mean score, the shrinkage its gain over row 0 (zero-shot) earns, and its t."""
    gains = scores - scores[0]
    best = int(gains.mean(axis=1).argmax())
    t = t_of(gains[best])
    return best, max(0.0, 1.0 - 1.0 / t**2) if t > 1 else 0.0, t


def _reuse_threshold(learned: np.ndarray, nearest: np.ndarray, reused: np.ndarray) -> tuple[float, np.ndarray]:
    """The similarity above which reusing the nearest task's tools beats the learned scores, when it
    clearly does (t > 1), else never; and the per-task scores with it."""
    import numpy as np

    best, best_scores, best_mean = NEVER, learned, float(learned.mean())
    for threshold in REUSE_GRID:
        with_reuse = np.where(nearest >= threshold, reused, learned)
        if with_reuse.mean() > best_mean and t_of(with_reuse - learned) > 1:
            best, best_scores, best_mean = threshold, with_reuse, float(with_reuse.mean())
    return best, best_scores


def _picked(parts: list[str], cards: list[CapabilityCard], sims: np.ndarray, settings: PlannerTuning) -> set[str]:
    """The tools the planner's retrieval step would pick from these scores."""
    rows = [
        [value - settings.scene_penalty for value in row] if sets_scene(part) else list(row)
        for part, row in zip(parts, sims.tolist(), strict=True)
    ]
    picks = draft.choose(
        parts, cards, rows, settings.threshold, settings.margin, None,
        settings.type_bonus, settings.type_penalty, settings.floor, settings.standout,
    )  # fmt: skip
    return {pick.card.id for pick in picks}


def _f1(gold: set[str], predicted: set[str]) -> float:
    return 2 * len(gold & predicted) / (len(gold) + len(predicted)) if gold or predicted else 1.0


def reuse(
    memory: PlanMemory, trust: Trust, text: str, parts: list[str], cards: list[CapabilityCard], sims: list[list[float]]
) -> list[draft.Pick] | None:
    """The tools of the nearest remembered task, in its order, when that task is close enough to reuse
    (``trust.reuse``), rated good and served by cards of this directory; else None."""
    found = memory.similar(text, k=1)
    if not found or found[0]["score"] < trust.reuse or found[0]["rating"] <= 0:
        return None
    entry, names = found[0], names_of(cards)
    if not set(entry["tools"]) <= names.keys():
        return None
    picks: list[draft.Pick] = []
    for tool in dict.fromkeys(entry["tools"]):
        card = names[tool]
        column = cards.index(card)
        best = max(range(len(parts)), key=lambda i: sims[i][column])
        why = f"as in solved task #{entry['id']} (similarity {entry['score']:.2f} to this one)"
        picks.append(draft.Pick(card, parts[best], sims[best][column], [], why))
    return picks
