"""How far a held-out difference between learned and zero-shot planning is noise.

For each point of bench/taskbench_split.py's learning curve (25, 50, 100 % of the train half), on both
dev domains (--mode off): the held-out half's n-F1 and e-F1 with plan memory minus zero-shot's, and the
standard error of that difference by a paired bootstrap over the held-out samples (2000 resamples,
seed 0; each resample pools tp/fp/fn as TaskBench does). A difference within about two standard
errors of zero is not evidence that learning helped or hurt on that half.

    .venv/bin/python bench/learning_noise.py [--domains office,multimedia]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from edge_anatomy import _predict
from tuning_sweep import DOMAINS, _cache_embeddings


def _tallies(gold: list[dict[str, Any]], predictions: list[Any], names: set[str], mode: Any) -> Any:
    """Per sample: node tp, fp, fn and edge tp, fp, fn."""
    import numpy as np

    from agentnet.evals import taskbench as tb

    rows = []
    for sample, prediction in zip(gold, predictions, strict=True):
        g_nodes, p_nodes, g_edges, p_edges = tb.score_sample(sample, prediction, names, mode)
        rows.append([len(g_nodes & p_nodes), len(p_nodes - g_nodes), len(g_nodes - p_nodes),
                     len(g_edges & p_edges), len(p_edges - g_edges), len(g_edges - p_edges)])  # fmt: skip
    return np.array(rows, dtype=float)


def _f1(tallies: Any) -> Any:
    """Pooled F1 (percent) of tallies (..., samples, 3)."""
    tp, fp, fn = (tallies[..., k].sum(axis=-1) for k in range(3))
    return 200 * tp / (2 * tp + fp + fn)


def noise(name: str, tools: Path, data: Path) -> None:
    import numpy as np

    from agentnet.evals import taskbench as tb
    from agentnet.evals.split import split_runs

    cards = tb.load_tools(tools)
    mode, names = tb.tool_mode(cards), {card.name or card.id for card in cards}
    runs = split_runs(tb.read_examples(data), curve=(0, 25, 50, 100))
    zero = _tallies(runs[0].scored, _predict(cards, runs[0].scored, None), names, mode)
    rng = np.random.default_rng(0)
    for run in runs[1:]:
        learned = _tallies(run.scored, _predict(cards, run.scored, run.memory), names, mode)
        picks = rng.integers(0, len(learned), (2000, len(learned)))
        out = []
        for label, part in (("n-F1", slice(0, 3)), ("e-F1", slice(3, 6))):
            diff = _f1(learned[:, part]) - _f1(zero[:, part])
            spread = np.std(_f1(learned[picks][..., part]) - _f1(zero[picks][..., part]))
            out.append(f"{label} {diff:+.2f} (se {spread:.2f})")
        print(f"{name} {run.label}: learned - zero-shot  " + "  ".join(out), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--domains", default=",".join(DOMAINS))
    args = parser.parse_args()
    _cache_embeddings()
    for name in args.domains.split(","):
        noise(name, *DOMAINS[name])


if __name__ == "__main__":
    main()
