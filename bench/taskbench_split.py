"""TaskBench planning quality on a disjoint train/test split, zero-shot and with plan memory.

The samples are split by a hash of their id (crc32 % 2: odd -> train, even -> test), so the split
is stable and independent of the file's order. Both modes are scored on the test half only:
1. zero-shot: the planner with the tools as its directory, nothing remembered;
2. --train: the same, after ingesting the train half into plan memory.
The baseline measured in the same run: the nearest tool (MiniLM) for the whole request.

To try an idea without looking at the test half, pass ``--tune``: zero-shot is scored on the train
half, and plan memory learns from one quarter (crc32 % 4 == 1) and is scored on the other (== 3).
``--set KEY=VALUE`` overrides a ``PlannerSettings`` field for the run.

    .venv/bin/python bench/taskbench_split.py --tools TOOLS.json --data DATA.jsonl [--mode assist|off]
        [--tune] [--set threshold=0.5 ...]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import zlib
from pathlib import Path
from typing import Any


def _bucket(sample: dict[str, Any], parts: int) -> int:
    return zlib.crc32(str(sample.get("id")).encode()) % parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--mode", default="assist", help="planner model role (assist, decompose, off)")
    parser.add_argument("--tune", action="store_true", help="score on the train half only (see above)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a PlannerSettings field")
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.set)

    from agentnet.planner import taskbench as tb
    from agentnet.planner.toolset import InMemorySource, load_tools

    samples = tb.load_jsonl(args.data)
    train = [s for s in samples if _bucket(s, 2) == 1]
    test = [s for s in samples if _bucket(s, 2) == 0]
    print(f"split: {len(train)} train / {len(test)} test samples (by crc32(id) % 2)")
    # (label, memory samples or None, scored samples)
    runs: list[tuple[str, list[dict[str, Any]] | None, list[dict[str, Any]]]] = [
        ("zero-shot", None, test),
        ("--train", train, test),
    ]
    if args.tune:
        inner_memory = [s for s in train if _bucket(s, 4) == 1]
        inner_scored = [s for s in train if _bucket(s, 4) == 3]
        runs = [("tune zero", None, train), ("tune mem", inner_memory, inner_scored)]
        print(f"tuning on the train half: zero-shot on {len(train)}, memory {len(inner_memory)} -> {len(inner_scored)}")
    with tempfile.TemporaryDirectory() as folder:
        cards = load_tools(args.tools)
        source = InMemorySource(cards)
        names = {card.id: card.name or card.id for card in cards}
        scored_first = runs[0][2]
        nearest = [
            {"task_nodes": [{"task": names[c.card_id], "arguments": []} for c in source.search(s["instruction"], k=1)]}
            for s in scored_first
        ]
        baseline = tb.score_all(scored_first, nearest, set(names.values()), tb.tool_mode(cards))["all"]
        print(f"baseline (nearest tool): n-F1 {baseline.nodes.f1:.2f}  e-F1 {baseline.edges.f1:.2f}")
        for number, (label, memory, scored) in enumerate(runs):
            data_path = Path(folder) / f"scored{number}.jsonl"
            data_path.write_text("".join(json.dumps(s) + "\n" for s in scored))
            train_path = None
            if memory is not None:
                train_path = Path(folder) / f"memory{number}.jsonl"
                train_path.write_text("".join(json.dumps(s) + "\n" for s in memory))
            result = tb.run_files(args.tools, data_path, train=train_path, mode=args.mode, overrides=overrides)
            summary = result.summary()
            parts = "  ".join(f"{k} {summary[k]['n_f1']:.2f}/{summary[k]['e_f1']:.2f}" for k in tb.TYPES)
            ratio = summary["n_f1"] / baseline.nodes.f1 if baseline.nodes.f1 else float("nan")
            print(
                f"{label:<10} n-F1 {summary['n_f1']:.2f}  e-F1 {summary['e_f1']:.2f}  ({parts})  "
                f"{summary['s_per_sample']:.3f} s/sample  n-F1 x{ratio:.2f} baseline  sources {summary['plan_sources']}"
            )


if __name__ == "__main__":
    main()
