"""TaskBench planning quality on a disjoint train/test split, zero-shot and with plan memory.

The samples are split by a hash of their id (crc32 % 2: odd -> train, even -> test), so the split
is stable and independent of the file's order. Both modes are scored on the test half only:
1. zero-shot: the planner with the tools as its directory, nothing remembered;
2. --train: the same, after ingesting the train half into plan memory.
The baseline measured in the same run: the nearest tool (MiniLM) for the whole request.

    .venv/bin/python bench/taskbench_split.py --tools TOOLS.json --data DATA.jsonl [--mode assist|off]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import zlib
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--mode", default="assist", help="planner model role (assist, decompose, off)")
    args = parser.parse_args()

    from agentnet.planner import taskbench as tb
    from agentnet.planner.toolset import InMemorySource, load_tools

    samples = tb.load_jsonl(args.data)
    train = [s for s in samples if zlib.crc32(str(s.get("id")).encode()) % 2 == 1]
    test = [s for s in samples if zlib.crc32(str(s.get("id")).encode()) % 2 == 0]
    with tempfile.TemporaryDirectory() as folder:
        train_path, test_path = Path(folder) / "train.jsonl", Path(folder) / "test.jsonl"
        for path, part in ((train_path, train), (test_path, test)):
            path.write_text("".join(json.dumps(s) + "\n" for s in part))
        cards = load_tools(args.tools)
        source = InMemorySource(cards)
        names = {card.id: card.name or card.id for card in cards}
        nearest = [
            {"task_nodes": [{"task": names[c.card_id], "arguments": []} for c in source.search(s["instruction"], k=1)]}
            for s in test
        ]
        baseline = tb.score_all(test, nearest, set(names.values()), tb.tool_mode(cards))["all"]
        print(f"split: {len(train)} train / {len(test)} test samples (by crc32(id) % 2)")
        print(f"baseline (nearest tool): n-F1 {baseline.nodes.f1:.2f}  e-F1 {baseline.edges.f1:.2f}")
        for label, train_file in (("zero-shot", None), ("--train", train_path)):
            result = tb.run_files(args.tools, test_path, train=train_file, mode=args.mode)
            summary = result.summary()
            parts = "  ".join(f"{k} {summary[k]['n_f1']:.2f}/{summary[k]['e_f1']:.2f}" for k in tb.TYPES)
            ratio = summary["n_f1"] / baseline.nodes.f1 if baseline.nodes.f1 else float("nan")
            print(
                f"{label:<10} n-F1 {summary['n_f1']:.2f}  e-F1 {summary['e_f1']:.2f}  ({parts})  "
                f"{summary['s_per_sample']:.3f} s/sample  n-F1 x{ratio:.2f} baseline  sources {summary['plan_sources']}"
            )


if __name__ == "__main__":
    main()
