"""TaskBench planning quality on a disjoint train/test split, zero-shot and with plan memory.

The split and the runs are ``agentnet.evals.split`` (read its docstring): samples split by crc32(id),
both runs scored on the held-out half, against the nearest-tool baseline measured in the same run.
``--tune`` never looks at the test half. ``--curve 0,25,50,100`` measures a learning curve instead:
the test half planned with plan memory learning from those percentages of the train half.
``--set KEY=VALUE`` overrides a ``PlannerTuning`` field. Dev domains: shared/bench/taskbench (multimedia,
typed tools), bench/data/office (API tools with parameters, written by hand), bench/data/huggingface
(typed tools) and bench/data/dailylifeapis (API tools; links follow the steps' order): the last two are
public TaskBench data (their README.md).

    .venv/bin/python bench/taskbench_split.py --tools TOOLS.json --data DATA.jsonl [--mode auto|assist|decompose|off]
        [--tune | --curve 0,25,50,100] [--set threshold=0.5 ...]
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument(
        "--mode", default="auto", help="planner model role (auto: as planner.consult's default; assist, decompose, off)"
    )
    parser.add_argument("--tune", action="store_true", help="score on the train half only (see above)")
    parser.add_argument("--curve", default="", help="learning curve: percentages of the train half, e.g. 0,25,50,100")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a PlannerTuning field")
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.set)

    from agentnet.evals.split import measure

    curve = tuple(int(share) for share in args.curve.split(",") if share.strip())
    measure(args.tools, args.data, mode=args.mode, tune=args.tune, curve=curve, overrides=overrides)


if __name__ == "__main__":
    main()
