"""Which tool feeds which, learned from solved tasks, and how far that is trusted.

Zero-shot, ``draft.link`` wires a plan by data types: each step reads the most recent earlier step
producing a type it accepts. Solved tasks show which tools actually feed which: of the ``n``
remembered tasks that used tools a and b together, a fed b in ``e``. The planner's link a -> b is
then the pseudo-count estimate ``(e + alpha * z) / (n + alpha) > 1/2``, where ``z`` (1 or 0) is the
zero-shot wiring and ``alpha`` how many examples the types' word is worth: a pair seen rarely keeps
its zero-shot link, a pair seen often follows the examples (also against the zero-shot order: a link
the examples show backwards reorders the steps). ``alpha`` is not a constant: it is chosen by
leave-one-out cross-validation on the remembered tasks (each task's links predicted from the other
tasks' counts, over its own tools in its own order, scored by link F1 against its own links), and is
infinite, the zero-shot wiring, unless the gain over zero-shot is clear (t > 1, as in
``planner.learning``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard
from agentnet.planner.plan import Step, StepInput
from agentnet.planner.validate import types_compatible

if TYPE_CHECKING:
    import numpy as np

    from agentnet.planner.draft import Pick

WEIGHT_GRID = (0.5, 1.0, 2.0, 4.0, 8.0, None)
FOLDS = 5


def folds_of(keys: Sequence[str], folds: int = FOLDS) -> list[int]:
    """Each example's cross-validation fold, from its text (``keys``), not from its position: the same
    examples get the same folds, and so the same fit, whatever order they were learned in. Ranked by a
    hash of the text and dealt round, so the folds stay the same size.

    Why: by position, learning huggingface's train half in another order (the learning curve's 100 %
    point) changed which tasks shared a fold, and with it whether the tool classifier was trusted: held
    out, 67.13/29.03 n-F1/e-F1 in one order, 64.73/29.87 in the other."""
    import zlib

    ranked = sorted(range(len(keys)), key=lambda n: (zlib.crc32(keys[n].encode()), keys[n], n))
    out = [0] * len(keys)
    for rank, n in enumerate(ranked):
        out[n] = rank % folds
    return out


GRID = [(tool, pair) for tool in WEIGHT_GRID for pair in WEIGHT_GRID][:-1]  # the last, (None, None): zero-shot
Pair = tuple[str, str]


@dataclass
class Counts:
    """The evidence of the remembered tasks. Per unordered pair of tools, the tasks that used both
    (linked directly or not at all); per ordered pair, those where one fed the other. Per tool, the
    tasks where it read an earlier step (``reads``) of those where it came after another tool
    (``after``), and where it fed a later one (``feeds``) of those where one came after it (``before``)."""

    together: Counter[frozenset[str]] = field(default_factory=Counter)
    fed: Counter[Pair] = field(default_factory=Counter)
    reads: Counter[str] = field(default_factory=Counter)
    after: Counter[str] = field(default_factory=Counter)
    feeds: Counter[str] = field(default_factory=Counter)
    before: Counter[str] = field(default_factory=Counter)

    def add(self, tools: Sequence[str], links: Sequence[Pair], sign: int = 1) -> None:
        """One task's evidence. Two tools joined only through others (a -> x -> b) say nothing about a
        direct link between them, so only pairs linked directly or not at all are counted."""
        ordered = list(dict.fromkeys(tools))
        names = sorted(ordered)
        direct = set(links)
        reach = _reach(names, direct)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                joined = b in reach[a] or a in reach[b]
                if (a, b) in direct or (b, a) in direct or not joined:
                    self.together[frozenset((a, b))] += sign
        for link in direct:
            self.fed[link] += sign
        for position, name in enumerate(ordered):
            self.after[name] += sign * (position > 0)
            self.before[name] += sign * (position < len(ordered) - 1)
            self.reads[name] += sign * any(b == name for _, b in direct)
            self.feeds[name] += sign * any(a == name for a, _ in direct)


def _reach(names: list[str], links: set[Pair]) -> dict[str, set[str]]:
    """Per tool, the tools its output reaches through the links."""
    reach = {name: {b for a, b in links if a == name} for name in names}
    for _ in names:
        for name in names:
            reach[name] |= {c for b in reach[name] for c in reach.get(b, ())}
    return reach


def with_links(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Remembered good tasks of two or more tools whose links are known."""
    return [e for e in entries if e["rating"] > 0 and e.get("links") is not None and len(set(e["tools"])) > 1]


def counts_of(entries: list[dict[str, Any]], cards: dict[str, CapabilityCard]) -> Counts:
    """The counts over these tasks, tools read as card ids (memory keeps names or ids)."""
    counts = Counts()
    for entry in entries:
        counts.add(*_as_ids(entry, cards))
    return counts


def _as_ids(entry: dict[str, Any], cards: dict[str, CapabilityCard]) -> tuple[list[str], list[Pair]]:
    tools = [cards[tool].id for tool in entry["tools"] if tool in cards]
    links = [(cards[a].id, cards[b].id) for a, b in entry["links"] if a in cards and b in cards]
    return tools, links


def t_of(gain: np.ndarray) -> float:
    """The mean of a per-example gain over its standard error (0 when the mean is not positive)."""
    mean = float(gain.mean())
    if mean <= 0:
        return 0.0
    spread = float(gain.std(ddof=1)) / len(gain) ** 0.5
    return mean / spread if spread > 0 else float("inf")


def shrunk(hits: int, tries: int, prior: float, weight: float | None) -> float:
    """``hits`` of ``tries`` shrunk toward ``prior`` as if it had been seen ``weight`` times (None: the prior)."""
    return prior if weight is None else (hits + weight * prior) / (tries + weight)


def decide(
    names: list[str], zero_shot: set[tuple[int, int]], counts: Counts, weights: tuple[float | None, float | None]
) -> set[tuple[int, int]]:
    """The links (producer position, consumer position) among steps named ``names``. A zero-shot link
    is first weighed by how often its tools read and feed other steps at all (a door lock reads
    nothing), shrunk toward 1 by ``weights[0]``; that is the prior of the pair's own count, shrunk by
    ``weights[1]``. A pair goes the way its estimate favours, when that is above one half."""
    tool_weight, pair_weight = weights
    out: set[tuple[int, int]] = set()
    for j in range(len(names)):
        for i in range(j):
            a, b = names[i], names[j]
            z = float((i, j) in zero_shot)
            tools = z * min(
                shrunk(counts.reads[b], counts.after[b], 1.0, tool_weight),
                shrunk(counts.feeds[a], counts.before[a], 1.0, tool_weight),
            )
            n = counts.together[frozenset((a, b))] if a != b else 0
            forward = shrunk(counts.fed[(a, b)], n, tools, pair_weight)
            backward = shrunk(counts.fed[(b, a)], n, 0.0, pair_weight)
            if forward > 0.5 and forward >= backward:
                out.add((i, j))
            elif backward > 0.5:
                out.add((j, i))
    return out


def order(size: int, links: set[tuple[int, int]]) -> list[int]:
    """Positions in a stable topological order; a link that would close a cycle is dropped."""
    placed: list[int] = []
    pending = list(range(size))
    while pending:
        ready = next((k for k in pending if all(i in placed for i, j in links if j == k)), pending[0])
        links -= {(i, j) for i, j in links if j == ready and i not in placed}
        pending.remove(ready)
        placed.append(ready)
    return placed


def link_f1(gold: set[Pair], predicted: set[Pair]) -> float:
    return 2 * len(gold & predicted) / (len(gold) + len(predicted)) if gold or predicted else 1.0


@dataclass
class _Example:
    names: list[str]
    links: list[Pair]
    zero_shot: set[tuple[int, int]]
    fold: int


def fit_weights(
    entries: list[dict[str, Any]], cards: dict[str, CapabilityCard]
) -> tuple[tuple[float | None, float | None], float]:
    """The weights of ``decide`` ((None, None): zero-shot wiring) and the evidence for them, ``cards`` by
    id and by name. The weights are the best on leave-one-out cross-validation; whether learning
    beats zero-shot at all is judged without that choice's optimism: in ``FOLDS`` folds, the weights
    are chosen (by leave-one-out) on the other folds alone and scored on the fold left out. The gain
    over zero-shot divided by its standard error must exceed 1, as in ``planner.learning``."""
    import numpy as np

    examples = []
    usable = [e for e in with_links(entries) if set(e["tools"]) <= cards.keys()]
    for entry, fold in zip(usable, folds_of([e["task"] for e in usable]), strict=True):
        tools, links = _as_ids(entry, cards)
        names = list(dict.fromkeys(tools))
        examples.append(_Example(names, links, wired([cards[n] for n in names], entry["task"]), fold))
    if len(examples) < FOLDS:
        return (None, None), 0.0
    best = _best(examples, counts_of_examples(examples))
    honest = np.zeros(len(examples))
    for fold in range(FOLDS):
        rest = [e for e in examples if e.fold != fold]
        counts = counts_of_examples(rest)
        chosen = _best(rest, counts)
        for n, example in enumerate(examples):
            if example.fold == fold:
                honest[n] = _gain(example, counts, chosen)
    t = t_of(honest)
    return (GRID[best] if t > 1 and best is not None else (None, None)), t


def counts_of_examples(examples: list[_Example]) -> Counts:
    counts = Counts()
    for example in examples:
        counts.add(example.names, example.links)
    return counts


def _best(examples: list[_Example], counts: Counts) -> int | None:
    """The grid row with the best mean leave-one-out gain over zero-shot (None when none gains)."""
    gains = [0.0] * len(GRID)
    for example in examples:
        counts.add(example.names, example.links, sign=-1)
        for row in range(len(GRID)):
            gains[row] += _gain(example, counts, row)
        counts.add(example.names, example.links)
    top = max(range(len(GRID)), key=gains.__getitem__)
    return top if gains[top] > 0 else None


def _gain(example: _Example, counts: Counts, row: int | None) -> float:
    """Link F1 with the weights of ``row`` minus zero-shot link F1 on one example."""
    if row is None:
        return 0.0
    gold, names = set(example.links), example.names
    learned = decide(names, example.zero_shot, counts, GRID[row])
    return link_f1(gold, _named(names, learned)) - link_f1(gold, _named(names, example.zero_shot))


def _named(names: list[str], links: set[tuple[int, int]]) -> set[Pair]:
    return {(names[i], names[j]) for i, j in links}


def wired(cards: list[CapabilityCard], task: str) -> set[tuple[int, int]]:
    """The zero-shot links among these tools in this order (``draft.link`` on one clause, the task)."""
    from agentnet.planner.draft import Pick, link

    steps = link([Pick(card, task, 0.0) for card in cards], [], task)
    return positions(steps)


def positions(steps: list[Step]) -> set[tuple[int, int]]:
    index = {step.id: k for k, step in enumerate(steps)}
    return {(index[dep], k) for k, step in enumerate(steps) for dep in step.depends_on if dep in index}


def apply(steps: list[Step], picks: list[Pick], links: set[tuple[int, int]], task: str) -> list[Step]:
    """``steps`` (as ``draft.link`` made them from ``picks``) re-wired to ``links`` and reordered so that
    every producer comes before its consumers."""
    for j, step in enumerate(steps):
        wanted = {steps[i].id for i, k in links if k == j}
        for position, item in enumerate(step.inputs):
            if item.kind == "step" and item.step not in wanted:
                step.inputs[position] = StepInput(kind="user", value=picks[j].clause or task, type=item.type,
                                                  name=item.name)  # fmt: skip
        for producer in sorted(wanted - set(step.depends_on)):
            _feed(step, picks[j].card, next(p for p, s in zip(picks, steps, strict=True) if s.id == producer), producer)
    return [steps[k] for k in order(len(steps), {(i, j) for i, j in links if steps[i].id in steps[j].depends_on})]


def _feed(step: Step, card: CapabilityCard, producer: Pick, producer_id: str) -> None:
    """Make ``step`` read ``producer``: in place of an input that fits its type, else as one more input."""
    made = producer.card.output_types
    if not types_compatible(made, card.input_types):
        return
    for position, item in enumerate(step.inputs):
        if item.kind != "step" and types_compatible(made, [item.type] if item.type else []):
            step.inputs[position] = StepInput(kind="step", step=producer_id, type=item.type, name=item.name)
            return
    step.inputs.append(StepInput(kind="step", step=producer_id, type=made[0] if made else None))
