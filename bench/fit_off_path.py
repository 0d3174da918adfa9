"""A plan in a long-running process never waits for a fit of plan memory (planner/fitting.py).

Huggingface's first ``--learn`` samples learned into plan memory (a temporary AGENTNET_HOME), its tool
list as the directory, no planner model. In the same run, from the same memory file (copied before any
fit), warm (card vectors embedded by a zero-shot plan first):

- waiting (``agentnet plan`` and ``run``, the baseline): the first plan's time, the fit included;
- not waiting (serve, the daemon, chat): the first plan's time while the fit starts in the background,
  the plans made while it runs (median: what a busy server's requests pay for the fit beside them), the
  time until the fit is kept, and the plans after it (median, idle).

    .venv/bin/python bench/fit_off_path.py [--learn 226] [--queries 20]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "huggingface"


def _planner(cards: list, memory_path: Path | None, wait: bool) -> object:
    from agentnet.directory.inmemory import InMemorySource
    from agentnet.planner.memory import PlanMemory
    from agentnet.planner.planner import Planner
    from agentnet.planner.tuning import PlannerTuning

    memory = PlanMemory(memory_path) if memory_path is not None else None
    return Planner(InMemorySource(cards), None, PlannerTuning(model_mode="off"), memory=memory, wait_for_fit=wait)


def _timed(planner: object, task: str) -> tuple[float, list[str]]:
    from agentnet.errors import PlanningError

    started = time.perf_counter()
    try:
        notes = planner.plan(task).notes  # type: ignore[attr-defined]
    except PlanningError:  # a refusal (a medium no tool takes) is a plan's answer too
        notes = []
    return time.perf_counter() - started, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learn", type=int, default=226, help="samples learned (the first N)")
    parser.add_argument("--queries", type=int, default=20, help="held-out requests planned after them")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="fit-off-path-"))
    os.environ["AGENTNET_HOME"] = str(home)
    from agentnet.evals import taskbench as tb
    from agentnet.planner import fitting
    from agentnet.planner.examples import read_examples, request
    from agentnet.planner.memory import PlanMemory

    try:
        cards = tb.load_tools(DATA / "tools.json")
        lines = (DATA / "samples.jsonl").read_text().splitlines()
        learned = home / "learn.jsonl"
        learned.write_text("\n".join(lines[: args.learn]) + "\n")
        queries = [str(request(e)) for e in read_examples(DATA / "samples.jsonl")[args.learn :]][: args.queries]
        waiting_file, background_file = home / "waiting.sqlite", home / "background.sqlite"
        memory = PlanMemory(waiting_file)
        memory.learn_examples(learned)
        memory.close()
        shutil.copy(waiting_file, background_file)
        _timed(_planner(cards, None, True), queries[0])  # card vectors embedded once, for both

        load = os.getloadavg()[0]
        waited, _ = _timed(_planner(cards, waiting_file, True), queries[0])
        planner = _planner(cards, background_file, False)
        first, notes = _timed(planner, queries[0])
        started = time.perf_counter()
        during = []
        for task in queries:
            if fitting.wait_for_fits(0):
                break
            during.append(_timed(planner, task)[0])
        fitting.wait_for_fits()
        fitted_s = time.perf_counter() - started + first
        after = [_timed(planner, task)[0] for task in queries]
        print(f"huggingface, {args.learn} samples learned, load {load:.1f} -> {os.getloadavg()[0]:.1f} (2 cores)")
        print(f"waiting (CLI): first plan {waited:.2f} s, the fit included")
        print(f"background (serve/daemon/chat): first plan {first:.3f} s; notes: {notes}")
        if during:
            print(f"  {len(during)} plans while it fitted: median {statistics.median(during):.3f} s")
        idle = statistics.median(after)
        print(f"  fit kept after {fitted_s:.1f} s; {len(after)} plans after it: median {idle:.3f} s")
        print(f"ratio first plan waiting / background: {waited / first:.0f}x")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
