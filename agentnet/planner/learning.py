"""How much the planner trusts what plan memory learned, fitted on the remembered tasks themselves.

Memory offers three signals beside retrieval's zero-shot scores: a tool's remembered phrases (the
step texts that asked for it), the tools of the most similar remembered tasks, and whole plans of
near-duplicate tasks to reuse. Solved tasks also show where the retrieval step's bars should sit for
this tool set: how weak a clause's match may be and still be taken when it stands out (``Trust.floor``
and ``Trust.standout``, factors of the tuning's). How much each is worth depends on the tool set and on
the examples, so none of it is a constant: a grid of settings is scored by leave-one-out
cross-validation on the remembered tasks whose tools are all in the directory (each task planned from
the others' memory and scored against its own tools, exactly as the planner's retrieval step would
pick them). Each setting's gain over zero-shot is shrunk by its evidence, its mean over its standard
error ``t``: James-Stein's positive part keeps ``1 - 1/t²`` of it; the settings that keep a gain are
blended by it. A gain the examples do not show clearly is no gain, and with no gain anywhere the
planner is exactly its zero-shot self; as examples come, t grows and the trust with it, by degrees.
Below ``MIN_EXAMPLES`` nothing can be cross-validated; only near-duplicate tasks are reused
(``REUSE_SIMILARITY``: a request that differs from a solved one in a word or two, "the sea" for "the
harbour").

A fit is kept in memory's sqlite file under a fingerprint of the directory's cards and is redone when
the directory changes or when the remembered tasks grew by a tenth since (or were forgotten). It reads
the newest ``MAX_FIT_EXAMPLES`` usable tasks, so its cost is bounded however much is remembered.
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
# Each fitted task is planned once per grid row (180): 129 multimedia tasks take ~10 s of CPU here,
# so 400 bound a refit to about half a minute, and t is clear long before that many.
MAX_FIT_EXAMPLES = 400
# Measured with 3-7 remembered tasks (bench/taskbench_split.py --curve 5,10, --mode off; held-out
# n-F1/e-F1, zero-shot office 80.00/38.10, multimedia 71.35/40.15): at 0.8 and above (1.0, 1.2: never)
# nothing is reused on either dev domain and the figures are zero-shot's; x0.75 (0.6) reuses too much:
# office 78.41/32.56, multimedia 69.32/39.71; x0.5 (0.4): 67.42/22.22 and 41.78/15.21. Flat on the
# safe side, so a near-duplicate must be as close as "the sea" is to "the harbour" in one request.
REUSE_SIMILARITY = 0.8
PHRASE_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
PRIOR_GRID = (0.0, 0.2, 0.4, 0.8)
REUSE_GRID = (0.7, 0.75, 0.8, 0.85, 0.9, 0.95, NEVER)
# Factors of the planner's floor and standout (a weak clause's match is still taken when it clears the
# floor and stands out): how low these bars should sit depends on how a tool set's descriptions score
# against its requests (terse API descriptions score low against any wording), which its solved tasks
# show. The first, the bars as set, is zero-shot's.
Bars = tuple[float, float]
BAR_GRID: tuple[Bars, ...] = tuple((f, s) for f in (1.0, 0.75, 0.5) for s in (1.0, 0.75, 0.5))


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
    # A fit kept by an older release lacks the newer fields: refitted, not read as zero-shot's defaults.
    if kept is not None and not _stale(kept[0], version) and kept[1].keys() >= Trust.__dataclass_fields__.keys():
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

    examples = usable(memory, cards)[-MAX_FIT_EXAMPLES:]
    if len(examples) < MIN_EXAMPLES:
        return Trust(reuse=REUSE_SIMILARITY, examples=len(examples))
    names = names_of(cards)
    # Row 0 is zero-shot: no memory weights, the bars as set.
    grid = [(p, q, b) for p in PHRASE_GRID for q in PRIOR_GRID for b in BAR_GRID]
    scores = np.zeros((len(grid), len(examples)))
    nearest = np.zeros(len(examples))
    reused = np.zeros(len(examples))
    for n, example in enumerate(examples):
        gold = {names[tool].id for tool in example["tools"]}
        parts = clauses(example["task"])
        zero_shot, votes, phrase_best = scorer.components(parts, cards, exclude=example["id"])
        weighted: dict[tuple[float, float], np.ndarray] = {}
        for g, (p, q, bars) in enumerate(grid):
            if (p, q) not in weighted:
                weighted[p, q] = scorer.combine(zero_shot, phrase_best, votes, p, q)
            scores[g, n] = _f1(gold, _picked(parts, cards, weighted[p, q], settings, bars))
        other = memory.similar(example["task"], k=1, tools=set(names), exclude=example["id"])
        if other:
            nearest[n] = other[0]["score"]
            reused[n] = _f1(gold, {names[tool].id for tool in other[0]["tools"]})
    rows, t = _shrunk_rows(scores)
    phrase, prior, floor, standout = _blend(grid, rows)
    learned = scores[max(rows, key=rows.__getitem__)] if rows else scores[0]
    reuse, learned = _reuse_threshold(learned, nearest, reused)
    links, links_t = transitions.fit_weights(examples, names)
    return Trust(
        links=list(links),
        links_t=round(links_t, 2),
        phrase=round(phrase, 4),
        prior=round(prior, 4),
        floor=round(floor, 4),
        standout=round(standout, 4),
        reuse=reuse,
        examples=len(examples),
        f1=round(float(learned.mean()), 4),
        zero_shot_f1=round(float(scores[0].mean()), 4),
        t=round(t, 2),
    )


def _shrunk_rows(scores: np.ndarray) -> tuple[dict[int, tuple[float, float]], float]:
    """The grid rows whose gain over row 0 (zero-shot) the evidence supports, each with its shrunk gain
    and its shrinkage; and the evidence ``t`` of the best of them (of the strongest row when none).

    Each row's gain is shrunk by its own evidence: James-Stein's positive part keeps ``1 - 1/t²`` of it
    (none at t <= 1). Rows that keep a gain are blended (``_blend``), not the best one taken: choosing
    the row of best raw mean let a noisy row win and then be shrunk to nothing while steadier rows'
    gains were thrown away (office's learning curve fell from 50 % to 100 % of its examples that way),
    and a choice among rows jumps from one to another as examples come, where a blend moves by degrees."""
    gains = scores - scores[0]
    evidence = [t_of(gain) for gain in gains]
    rows: dict[int, tuple[float, float]] = {}
    for row in range(1, len(gains)):
        shrink = max(0.0, 1.0 - 1.0 / evidence[row] ** 2) if evidence[row] > 1 else 0.0
        value = float(gains[row].mean()) * shrink
        if value > 0:
            rows[row] = (value, shrink)
    strongest = max(rows, key=rows.__getitem__) if rows else max(range(len(gains)), key=evidence.__getitem__)
    return rows, evidence[strongest]


def _blend(grid: list[tuple[float, float, Bars]], rows: dict[int, tuple[float, float]]) -> tuple[float, ...]:
    """(phrase, prior, floor, standout): each row's settings, shrunk toward zero-shot's (0, 0, 1, 1) by its
    shrinkage, averaged with its shrunk gain as the weight. No rows: zero-shot's."""
    total = sum(value for value, _ in rows.values())
    out = [0.0, 0.0, 1.0, 1.0]
    for row, (value, shrink) in rows.items():
        phrase, prior, (floor, standout) = grid[row]
        weight = value * shrink / total
        out[0] += weight * phrase
        out[1] += weight * prior
        out[2] -= weight * (1 - floor)
        out[3] -= weight * (1 - standout)
    return tuple(out)


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


def _picked(
    parts: list[str], cards: list[CapabilityCard], sims: np.ndarray, settings: PlannerTuning, bars: Bars = (1.0, 1.0)
) -> set[str]:
    """The tools the planner's retrieval step would pick from these scores, ``bars`` scaling its floor and
    standout (``Trust.floor``, ``Trust.standout``)."""
    rows = [
        [value - settings.scene_penalty for value in row] if sets_scene(part) else list(row)
        for part, row in zip(parts, sims.tolist(), strict=True)
    ]
    picks = draft.choose(
        parts, cards, rows, settings.threshold, settings.margin, None, settings.type_bonus,
        settings.type_penalty, settings.floor * bars[0], settings.standout * bars[1],
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
