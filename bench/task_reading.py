"""How reading a task (artifacts and clauses, no model) scales with what it names: a hostile task that names
N files, links and quoted passages, read at N and 10·N in the same run.

Printed: seconds per reading (best of --rounds) at each size and the ratio of the larger's time per name to
the smaller's. Linear reading keeps the ratio near 1; a check against every earlier name makes it near 10.

    .venv/bin/python bench/task_reading.py [--names 330] [--rounds 3]
"""

from __future__ import annotations

import argparse
import time

from agentnet.planner.extract import artifacts, clauses


def hostile(names: int) -> str:
    return " ".join(f"then crop f{i}.jpg from https://x.org/p{i} and read 'quoted text {i}'" for i in range(names))


def best_seconds(task: str, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        artifacts(task)
        clauses(task)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=330)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    small, large = args.names, args.names * 10
    per_name = {}
    for names in (small, large):
        task = hostile(names)
        seconds = best_seconds(task, args.rounds)
        per_name[names] = seconds / names
        print(f"{names:>6} names x3 ({len(task):,} chars): {seconds:.3f} s")
    print(f"time per name, {large} against {small}: x{per_name[large] / per_name[small]:.2f} (1 = linear)")


if __name__ == "__main__":
    main()
