"""Why held-out edge F1 is low: every missed gold edge and every extra predicted edge, by cause.

On the held-out half of bench/taskbench_split.py's split of both dev domains, zero-shot and learning
from the train half (--mode off), each edge error of each sample is put in one class:

- missed gold edge a -> b:
  (a) a or b is not among the predicted tools (a wrong or missing node);
  (b) both are, and the prediction links b -> a, or reaches a from b (wrong order or direction);
  (c) both are, not linked either way: the plan fans out or chains through another tool instead.
- extra predicted edge a -> b:
  (d) a or b is not among the gold tools (an extra or wrong node);
  (b) both are, and the gold links b -> a or reaches a from b (wrong order or direction);
  (c) both are, the gold does not link them: the gold fans out (or goes through another tool) where
      the plan chains.

Prints the counts per domain and run, with the e-F1 each class alone costs (the e-F1 if its errors
were fixed and nothing else), and ``--show N`` example samples of each class.

    .venv/bin/python bench/edge_anatomy.py [--show 3] [--domains office,multimedia]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tuning_sweep import DOMAINS, _cache_embeddings

Edge = tuple[str, str]


def _reach(edges: set[Edge]) -> dict[str, set[str]]:
    reach: dict[str, set[str]] = {}
    for a, b in edges:
        reach.setdefault(a, set()).add(b)
    for _ in range(len(reach) + 1):
        for a in list(reach):
            reach[a] |= {c for b in list(reach[a]) for c in reach.get(b, ())}
    return reach


def classify(g_nodes: set[str], p_nodes: set[str], g_edges: set[Edge], p_edges: set[Edge]) -> list[tuple[str, Edge]]:
    """(class, edge) for each missed gold edge ("miss-a/b/c") and each extra predicted one ("extra-d/b/c")."""
    missed = _causes(g_edges - p_edges, p_nodes, _reach(p_edges), ("miss-a", "miss-b", "miss-c"))
    return missed + _causes(p_edges - g_edges, g_nodes, _reach(g_edges), ("extra-d", "extra-b", "extra-c"))


def _causes(
    edges: set[Edge], other_nodes: set[str], other_reach: dict[str, set[str]], names: tuple[str, str, str]
) -> list[tuple[str, Edge]]:
    """Each of ``edges`` (one side's, absent from the other) by cause, judged against the other side:
    names[0] an end is not among its nodes, names[1] it links or reaches the edge backwards, names[2]
    neither."""
    out = []
    for a, b in sorted(edges):
        if a not in other_nodes or b not in other_nodes:
            out.append((names[0], (a, b)))
        elif a in other_reach.get(b, ()):
            out.append((names[1], (a, b)))
        else:
            out.append((names[2], (a, b)))
    return out


def _predict(cards: Any, samples: list[dict[str, Any]], memory_samples: list[dict[str, Any]] | None) -> list[Any]:
    import json
    import tempfile

    from agentnet.directory.inmemory import InMemorySource
    from agentnet.evals import taskbench as tb
    from agentnet.planner.memory import PlanMemory
    from agentnet.planner.planner import Planner

    memory = None
    if memory_samples:
        memory = PlanMemory(":memory:")
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
            handle.write("".join(json.dumps(s) + "\n" for s in memory_samples))
        memory.learn_examples(Path(handle.name))
        Path(handle.name).unlink()
    planner = Planner(InMemorySource(cards), None, tb.tuning("off"), memory=memory)
    try:
        return tb.run(planner, samples, cards).predictions
    finally:
        planner.close()


def anatomy(name: str, tools: Path, data: Path, show: int) -> None:
    from agentnet.evals import taskbench as tb
    from agentnet.evals.split import split_runs

    cards = tb.load_tools(tools)
    mode = tb.tool_mode(cards)
    names = {tb.norm(card.name or card.id) for card in cards}
    for run in split_runs(tb.read_examples(data)):
        predictions = _predict(cards, run.scored, run.memory)
        counts: Counter[str] = Counter()
        examples: dict[str, list[str]] = {}
        tp = fp = fn = 0
        for gold, pred in zip(run.scored, predictions, strict=True):
            g_nodes, p_nodes, g_edges, p_edges = tb.score_sample(gold, pred, names, mode)
            tp, fp, fn = tp + len(g_edges & p_edges), fp + len(p_edges - g_edges), fn + len(g_edges - p_edges)
            for kind, edge in classify(g_nodes, p_nodes, g_edges, p_edges):
                counts[kind] += 1
                if len(examples.setdefault(kind, [])) < show:
                    examples[kind].append(
                        f"    {gold.get('id')}: {edge[0]} -> {edge[1]}  gold {sorted(g_edges)}  pred {sorted(p_edges)}"
                        f"\n      {str(gold.get('instruction'))[:150]!r}"
                    )
        f1 = 200 * tp / max(1, 2 * tp + fp + fn)
        print(f"{name} {run.label}: e-F1 {f1:.2f}  gold edges {tp + fn}, predicted {tp + fp}, right {tp}")
        for kind in ("miss-a", "miss-b", "miss-c", "extra-d", "extra-b", "extra-c"):
            # The e-F1 if this class's errors were fixed alone (a missed edge found, an extra one dropped).
            fixed_tp = tp + counts[kind] * kind.startswith("miss")
            fixed_fp = fp - counts[kind] * kind.startswith("extra")
            fixed_fn = fn - counts[kind] * kind.startswith("miss")
            alone = 200 * fixed_tp / max(1, 2 * fixed_tp + fixed_fp + fixed_fn)
            print(f"  {kind:<8} {counts[kind]:>4}  (fixed alone: e-F1 {alone:.2f})")
            for line in examples.get(kind, []):
                print(line)
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", type=int, default=0, help="example samples per class")
    parser.add_argument("--domains", default=",".join(DOMAINS))
    args = parser.parse_args()
    _cache_embeddings()
    for name in args.domains.split(","):
        anatomy(name, *DOMAINS[name], args.show)


if __name__ == "__main__":
    main()
