"""How much the planner trusts what plan memory learned, fitted on the remembered tasks themselves.

Memory offers three signals beside retrieval's zero-shot scores: a tool's remembered phrases (the
step texts that asked for it), the tools of the most similar remembered tasks, and whole plans of
near-duplicate tasks to reuse. Solved tasks also show where the retrieval step's bars should sit for
this tool set: how weak a clause's match may be and still be taken when it stands out (``Trust.floor``
and ``Trust.standout``, factors of the tuning's). How much each is worth depends on the tool set and on
the examples, so none of it is a constant: a grid of settings is scored by leave-one-out
cross-validation on the remembered tasks whose tools are all in the directory (each task planned from
the others' memory, as the planner would plan it, links included: ``planner.outcome``, and scored
against its own tools and links, node and edge F1 pooled over the tasks as TaskBench pools them). A
setting whose mean gain over zero-shot is negative on either metric is out: tools bought with links
are no gain. The others' gain on both together is shrunk by its evidence, its mean over its standard
error ``t``: James-Stein's positive part keeps ``1 - 1/t²`` of it; the settings that keep a gain are
blended by it. A blend fitted and scored on the same tasks flatters itself, so it is trusted only as far
as a nested cross-validation (the blend fitted on four fifths of the tasks, planned on the fifth left
out) shows it gaining on nodes and on edges alike (the worse one's t > 1), stepped back toward zero-shot
by halves until it does. A gain the examples do not show clearly is no gain, and with no gain anywhere
the planner is exactly its zero-shot self; as examples come, t grows and the trust with it, by degrees.
Below ``MIN_EXAMPLES`` nothing can be cross-validated; only near-duplicate tasks are reused
(``REUSE_SIMILARITY``: a request that differs from a solved one in a word or two, "the sea" for "the
harbour").

A fit is kept in memory's sqlite file under a fingerprint of the directory's cards and is redone when
the directory changes or when the remembered tasks grew by a tenth since (or were forgotten:
``memory.stale``). It reads the newest ``MAX_FIT_EXAMPLES`` usable tasks, so its cost is bounded however
much is remembered. ``agentnet plan --learn`` fits right after learning (``Planner.fit_memory``), so
the plans after it do not wait.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard
from agentnet.planner import draft, learned_tools, outcome, transitions
from agentnet.planner.cases import Bars, Case, case_of, choose, penalised, tally
from agentnet.planner.kept_fit import MIN_EXAMPLES
from agentnet.planner.memory import PlanMemory, stale
from agentnet.planner.similarity import Scorer
from agentnet.planner.transitions import t_of
from agentnet.planner.tuning import NEVER, PlannerTuning, Trust
from agentnet.planner.validate import WILDCARD_TYPES

if TYPE_CHECKING:
    import numpy as np

# Each fitted task is planned once per grid row (180) and three times more for the nested check: 129
# multimedia tasks take ~19 s of CPU here (load 4 on 2 cores), so 300 bound a refit to about 45 s, and t
# is clear long before that many.
MAX_FIT_EXAMPLES = 300
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
BAR_GRID: tuple[Bars, ...] = tuple((f, s) for f in (1.0, 0.75, 0.5) for s in (1.0, 0.75, 0.5))
# (phrase weight, prior weight, bars): one way to plan with memory; zero-shot's uses none of it.
Setting = tuple[float, float, Bars]
ZERO_SHOT: Setting = (0.0, 0.0, (1.0, 1.0))


def fingerprint(cards: list[CapabilityCard]) -> str:
    digest = hashlib.sha256()
    for key in sorted(card.content_hash() for card in cards):
        digest.update(key.encode())
    return digest.hexdigest()[:16]


def trust_for(
    memory: PlanMemory,
    scorer: Scorer,
    cards: list[CapabilityCard],
    settings: PlannerTuning,
    on_fit: Callable[[int], None] | None = None,
) -> Trust:
    """The fitted trust for this directory, refitted when it is stale; ``on_fit`` hears how many tasks
    a fit reads before it runs (not for fewer than ``MIN_EXAMPLES``: those fit at once)."""
    version = memory.version()
    if version.startswith("0:"):
        return Trust()
    found = kept(memory, cards)
    if found is not None and not stale(found[0], version):
        return found[1]
    count = fit_size(memory, cards)
    if on_fit is not None and count >= MIN_EXAMPLES:
        on_fit(count)
    trust = fit(memory, scorer, cards, settings)
    memory.keep_fit(fingerprint(cards), version, asdict(trust))
    return trust


def kept(memory: PlanMemory, cards: list[CapabilityCard]) -> tuple[str, Trust] | None:
    """The fit kept for this directory (the memory version it was fitted at, and its trust), or None."""
    found = memory.fitted(fingerprint(cards))
    # A fit kept by an older release lacks the newer fields: refitted, not read as zero-shot's defaults.
    if found is None or not found[1].keys() >= Trust.__dataclass_fields__.keys():
        return None
    return found[0], Trust(**found[1])


def fit_size(memory: PlanMemory, cards: list[CapabilityCard]) -> int:
    """How many solved tasks a fit for this directory reads."""
    return min(len(usable(memory, cards)), MAX_FIT_EXAMPLES)


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
    cases = [case_of(example, scorer, cards, names) for example in examples]
    # Row 0 is zero-shot: no memory weights, the bars as set.
    grid: list[Setting] = [(p, q, b) for p in PHRASE_GRID for q in PRIOR_GRID for b in BAR_GRID]
    tallies = np.array([[_outcome(case, cards, settings, row) for case in cases] for row in grid], dtype=float)
    chosen, learned, t = _validated(grid, tallies, cases, cards, settings)
    kept, learned, t = _with_classifier(memory, cases, examples, cards, settings, tallies[0], (learned, t), chosen)
    phrase, prior, (floor, standout) = ZERO_SHOT if kept and not kept["adds"] else chosen
    nearest, reused = _reused(memory, cases, examples, cards, settings, names)
    reuse, learned = _reuse_threshold(learned, nearest, reused)
    links, links_t = transitions.fit_weights(examples, names)
    scored = [outcome.pseudo_f1(part).mean() for part in (learned[:, :3], learned[:, 3:], tallies[0, :, :3],
                                                          tallies[0, :, 3:])]  # fmt: skip
    return Trust(
        links=list(links),
        links_t=round(links_t, 2),
        phrase=round(phrase, 4),
        prior=round(prior, 4),
        floor=round(floor, 4),
        standout=round(standout, 4),
        reuse=reuse,
        examples=len(examples),
        f1=round(float(scored[0]), 4),
        e_f1=round(float(scored[1]), 4),
        zero_shot_f1=round(float(scored[2]), 4),
        zero_shot_e_f1=round(float(scored[3]), 4),
        t=round(t, 2),
        classifier=kept,
    )


def _with_classifier(
    memory: PlanMemory,
    cases: list[Case],
    examples: list[dict[str, Any]],
    cards: list[CapabilityCard],
    settings: PlannerTuning,
    zero_shot: np.ndarray,
    weighted: tuple[np.ndarray, float],
    chosen: Setting,
) -> tuple[dict[str, Any] | None, np.ndarray, float]:
    """The tool classifier (``planner.learned_tools``) when its honest estimate shows it choosing
    tools better than zero-shot (node gain t > 1) without losing links on average (edge gain >= 0), and
    its pooled node plus edge F1 beats the fitted weights'; else None and the weights' tallies and t.

    Why links need not gain clearly here, as they must for the weights: the classifier changes which
    tools are planned, and a link is right only when both its tools are, so its edge gain follows its
    node gain at a fifth of the size with as much spread (train halves, node t / edge t: office 1.6 /
    0.9, dailylifeapis 2.5 / 0.2) and would veto what the held-out halves confirm (office +5.6 n-F1
    +8.4 e-F1, dailylifeapis +4.3 / +6.7). A mean edge loss still vetoes it (huggingface's train half:
    +6.1 n-F1, -1.3 e-F1)."""
    fitted, honest, probabilities = learned_tools.fit(memory, cases, examples, cards, settings)
    nodes, edges = (outcome.pseudo_f1(honest[:, part]) - outcome.pseudo_f1(zero_shot[:, part])
                    for part in (slice(0, 3), slice(3, 6)))  # fmt: skip
    t = t_of(nodes)
    if t > 1 and edges.mean() >= 0 and _pooled(honest) > _pooled(weighted[0]):
        # Trusted by degrees, as the weights are: James-Stein's positive part of its evidence.
        fitted.weight = round(1 - 1 / t**2, 4)
        return fitted.to_dict(), honest, t
    return learned_tools.trusted_additions(fitted, cases, cards, settings, probabilities, weighted, chosen)


def _pooled(tallies: np.ndarray) -> float:
    return float(outcome.pseudo_f1(tallies[:, :3]).mean() + outcome.pseudo_f1(tallies[:, 3:]).mean())


def _outcome(case: Case, cards: list[CapabilityCard], settings: PlannerTuning, setting: Setting) -> tuple[int, ...]:
    """Node and edge tp, fp, fn of the plan the planner would output for this task with this setting."""
    phrase, prior, bars = setting
    sims = penalised(
        case.parts, Scorer.combine(case.zero_shot, case.phrase_best, case.votes, phrase, prior), settings, case.text
    )
    picks = choose(case, cards, sims, settings, bars)
    return tally(case, cards, sims, settings, picks, (phrase, prior))


def _validated(
    grid: list[Setting], tallies: np.ndarray, cases: list[Case], cards: list[CapabilityCard], settings: PlannerTuning
) -> tuple[Setting, np.ndarray, float]:
    """The blend of the rows that gain, moved back toward zero-shot (by halves) until an honest estimate
    of what it does to tasks it was not fitted on gains on nodes and on edges alike; zero-shot when no
    step back does. With its tallies and that estimate's t.

    Fitting the blend and scoring it on the same tasks is optimistic: with 180 settings, some gain by
    chance on the examples and lose on new tasks (multimedia's edge F1 with half its train half: +4.7
    in such a fit, -4.4 on the held-out half). So the whole fit is cross-validated once more: in
    ``transitions.FOLDS`` folds, the blend is fitted on the other folds' tasks alone and planned on the
    fold left out, as ``transitions.fit_weights`` judges links."""
    import numpy as np

    fold = np.array(transitions.folds_of([case.text for case in cases]))
    blends = [_fitted_blend(grid, tallies[:, fold != k]) for k in range(transitions.FOLDS)]
    for step in (1.0, 0.5, 0.25):
        honest = np.array([_outcome(case, cards, settings, _toward(blends[fold[n]], step))
                           for n, case in enumerate(cases)], dtype=float)  # fmt: skip
        nodes, edges = (outcome.pseudo_f1(honest[:, part]) - outcome.pseudo_f1(tallies[0, :, part])
                        for part in (slice(0, 3), slice(3, 6)))  # fmt: skip
        if _worse_t(nodes, edges) > 1:
            chosen = _toward(_fitted_blend(grid, tallies), step)
            return chosen, honest, _worse_t(nodes, edges)
    return ZERO_SHOT, tallies[0], 0.0


def _fitted_blend(grid: list[Setting], tallies: np.ndarray) -> Setting:
    nodes, edges = outcome.pseudo_f1(tallies[..., :3]), outcome.pseudo_f1(tallies[..., 3:])
    return _blend(grid, _shrunk_rows(nodes - nodes[0], edges - edges[0])[0])


def _toward(setting: Setting, step: float) -> Setting:
    """``setting`` moved ``step`` of the way from zero-shot's."""
    phrase, prior, (floor, standout) = setting
    return phrase * step, prior * step, (1 - (1 - floor) * step, 1 - (1 - standout) * step)


def _f1_of(tallies: np.ndarray) -> float:
    tp, fp, fn = tallies.sum(axis=0)
    return float(2 * tp / (2 * tp + fp + fn)) if tp + fp + fn else 1.0


def _reused(
    memory: PlanMemory,
    cases: list[Case],
    examples: list[dict[str, Any]],
    cards: list[CapabilityCard],
    settings: PlannerTuning,
    names: dict[str, CapabilityCard],
) -> tuple[np.ndarray, np.ndarray]:
    """Per task, the similarity of its nearest other task and the tallies of reusing that task's tools."""
    import numpy as np

    nearest = np.zeros(len(cases))
    reused = np.zeros((len(cases), 6))
    for n, (case, example) in enumerate(zip(cases, examples, strict=True)):
        other = memory.similar(case.text, k=1, tools=set(names), exclude=example["id"])
        if other:
            nearest[n] = other[0]["score"]
            sims = penalised(case.parts, case.zero_shot, settings, case.text)
            picks = _reuse_picks(other[0], case.parts, cards, sims)
            reused[n] = tally(case, cards, sims, settings, picks, (-1.0, -1.0))
    return nearest, reused


def _shrunk_rows(node_gains: np.ndarray, edge_gains: np.ndarray) -> tuple[dict[int, tuple[float, float]], float]:
    """The grid rows whose gain over row 0 (zero-shot) the evidence supports, each with its shrunk gain
    and its shrinkage; and the evidence ``t`` of the best of them (of the strongest row when none).

    A row's gain is its per-task gain on nodes plus its gain on edges (``outcome.pseudo_f1``); a row
    whose mean gain on either is negative is out, however much it gains on the other: memory must not
    buy tools with links. The sum is shrunk by its own evidence: James-Stein's positive part keeps
    ``1 - 1/t²`` of it (none at t <= 1). Rows that keep a gain are blended (``_blend``), not the best one
    taken: choosing the row of best raw mean let a noisy row win and then be shrunk to nothing while
    steadier rows' gains were thrown away (office's learning curve fell from 50 % to 100 % of its
    examples that way), and a choice among rows jumps from one to another as examples come, where a
    blend moves by degrees."""
    gains = node_gains + edge_gains
    evidence = [t_of(gain) for gain in gains]
    rows: dict[int, tuple[float, float]] = {}
    for row in range(1, len(gains)):
        # A tolerance for float noise: a row that changes no edge has an edge gain of exactly 0.
        if min(node_gains[row].mean(), edge_gains[row].mean()) < -1e-9:
            continue
        shrink = max(0.0, 1.0 - 1.0 / evidence[row] ** 2) if evidence[row] > 1 else 0.0
        value = float(gains[row].mean()) * shrink
        if value > 0:
            rows[row] = (value, shrink)
    strongest = max(rows, key=rows.__getitem__) if rows else max(range(len(gains)), key=evidence.__getitem__)
    return rows, evidence[strongest]


def _worse_t(node_gains: np.ndarray, edge_gains: np.ndarray) -> float:
    """The evidence of the worse of the two gains: a change must be shown not to lose on nodes nor on
    edges. A metric the change leaves exactly as it was (no task's tally moved) risks nothing and does
    not count; no change at all is no evidence."""
    moved = [gain for gain in (node_gains, edge_gains) if abs(gain).max() > 1e-9]
    return min((t_of(gain) for gain in moved), default=0.0)


def _blend(grid: list[Setting], rows: dict[int, tuple[float, float]]) -> Setting:
    """(phrase, prior, (floor, standout)): each row's settings, shrunk toward zero-shot's (0, 0, (1, 1)) by
    its shrinkage, averaged with its shrunk gain as the weight. No rows: zero-shot's."""
    total = sum(value for value, _ in rows.values())
    out = [0.0, 0.0, 1.0, 1.0]
    for row, (value, shrink) in rows.items():
        phrase, prior, (floor, standout) = grid[row]
        weight = value * shrink / total
        out[0] += weight * phrase
        out[1] += weight * prior
        out[2] -= weight * (1 - floor)
        out[3] -= weight * (1 - standout)
    return out[0], out[1], (out[2], out[3])


def _reuse_threshold(learned: np.ndarray, nearest: np.ndarray, reused: np.ndarray) -> tuple[float, np.ndarray]:
    """The similarity above which reusing the nearest task's plan beats the learned one (per-task node and
    edge tp, fp, fn), when it clearly does (t > 1 on the sum of both gains, neither negative), else
    never; and the per-task tallies with it."""
    import numpy as np

    def pseudo(tallies: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return outcome.pseudo_f1(tallies[:, :3]), outcome.pseudo_f1(tallies[:, 3:])

    best, best_tallies = NEVER, learned
    for threshold in REUSE_GRID:
        with_reuse = np.where((nearest >= threshold)[:, None], reused, learned)
        (nodes, edges), (base_nodes, base_edges) = pseudo(with_reuse), pseudo(best_tallies)
        gain_nodes, gain_edges = nodes - base_nodes, edges - base_edges
        if min(gain_nodes.mean(), gain_edges.mean()) >= 0 and t_of(gain_nodes + gain_edges) > 1:
            best, best_tallies = threshold, with_reuse
    return best, best_tallies


def reuse(
    memory: PlanMemory,
    trust: Trust,
    text: str,
    parts: list[str],
    cards: list[CapabilityCard],
    sims: list[list[float]],
    supplied: set[str],
) -> list[draft.Pick] | None:
    """The tools of the nearest remembered task, in its order, when that task is close enough to reuse
    (``trust.reuse``), rated good, served by cards of this directory and fed by what this request hands
    over (``supplied``: its artifacts' types); else None."""
    found = memory.similar(text, k=1)
    if not found or found[0]["score"] < trust.reuse or found[0]["rating"] <= 0:
        return None
    if not set(found[0]["tools"]) <= names_of(cards).keys():
        return None
    picks = _reuse_picks(found[0], parts, cards, sims)
    return picks if fed(picks, supplied) else None


def fed(picks: list[draft.Pick], supplied: set[str]) -> bool:
    """Every medium the picked tools read is handed over or made by an earlier pick. A near-duplicate's
    plan that reads a video where this request hands over two audio files ("merge these two audio files"
    against "merge my voiceover into the video") is another task's plan, however alike the words.

    The fit's estimate of reuse (``_reused``) still counts such reuses as they were: that is the cautious
    side. Leaving them out made reuse look better in the cross-validation, the fit lowered its reuse bar,
    and multimedia's held-out 50 % point fell from zero-shot's 74.95/43.66 to 73.31/40.70."""
    available = set(supplied) | {"text"}
    for pick in picks:
        types = set(pick.card.input_types)
        if not types & WILDCARD_TYPES and not (types - {"text"}) <= available:
            return False
        available.update(pick.card.output_types)
    return True


def _reuse_picks(
    entry: dict[str, Any], parts: list[str], cards: list[CapabilityCard], sims: list[list[float]]
) -> list[draft.Pick]:
    names = names_of(cards)
    picks: list[draft.Pick] = []
    for tool in dict.fromkeys(entry["tools"]):
        card = names[tool]
        column = cards.index(card)
        best = max(range(len(parts)), key=lambda i: sims[i][column])
        why = f"as in solved task #{entry['id']} (similarity {entry['score']:.2f} to this one)"
        picks.append(draft.Pick(card, parts[best], sims[best][column], [], why))
    return picks
