"""Cold start in a fresh AGENTNET_HOME, as CI's suite starts thousands of `agentnet` processes: the
current code against the old paths, same run.

Each round starts, as real processes and each in a new temporary home, `agentnet run TASK`,
`agentnet plan TASK`, `agentnet runs list` and `agentnet models list`, and `run`, `runs list` and
`models list` again with the old paths put back: ``Network._plan_source`` replaced by the directory's
sync (as every `run` planned before: chromadb imported, each card's entries embedded, then the
planner's own card texts embedded); the modules the ``agentnet.executor`` package loaded with it
before it loaded them on first use (LangGraph, langchain_core); the GGUF header check decoding each
of the vocabulary's strings (``gguf._Reader.skip_strings`` as ``string`` calls). Rounds alternate so
load on the machine hits all alike. Printed per command: median wall time to exit, median CPU
(user+system; on a shared machine the wall times follow the load, CPU much less), and new/old ratios.
The processes run with AGENTNET_NO_DAEMON=1 so no daemon of yours answers.

    .venv/bin/python bench/cold_start.py [--rounds 5] [--task "What is 17% of 2350?"]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

# The CLI's own entry, with the old paths named in argv[1] put back first (the toggles the ratios need).
LAUNCH = """
import sys
old = sys.argv[1].split(",")
if "sync" in old:
    from agentnet.network import Network
    Network._plan_source = lambda self: self._open_directory()
if "executor" in old:
    import agentnet.executor.graph, agentnet.executor.prompts, agentnet.executor.runner
if "gguf" in old:
    from agentnet.nodes import gguf
    gguf._Reader.skip_strings = lambda self, count: [self.string() for _ in range(count)]
sys.argv = ["agentnet", *sys.argv[2:]]
from agentnet.cli.launch import main
main()
"""


def timed(path: str, args: list[str]) -> tuple[float, float]:
    """(seconds to exit, CPU seconds user+system) of one CLI process in a fresh home."""
    with tempfile.TemporaryDirectory(prefix="agentnet-cold-") as home:
        env = {**os.environ, "AGENTNET_HOME": home, "AGENTNET_NO_DAEMON": "1", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, path, *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=home,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{path} {' '.join(args)} exited {os.waitstatus_to_exitcode(status)}")
        return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--task", default="What is 17% of 2350?")
    options = parser.parse_args()
    cases = {
        "run (new)": ("new", ["run", options.task]),
        "run (old: sync first)": ("sync,executor", ["run", options.task]),
        "plan": ("new", ["plan", options.task]),
        "runs list (new)": ("new", ["runs", "list"]),
        "runs list (old)": ("executor", ["runs", "list"]),
        "models list (new)": ("new", ["models", "list"]),
        "models list (old)": ("gguf", ["models", "list"]),
    }
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for round_no in range(options.rounds):
        # Alternate the order so a burst of load does not always land on the same case.
        order = list(cases) if round_no % 2 == 0 else list(reversed(cases))
        for name in order:
            figures[name].append(timed(*cases[name]))
    print(f"fresh AGENTNET_HOME, {options.rounds} rounds, medians")
    print(f"{'command':<24}{'wall s':>9}{'cpu s':>9}")
    medians = {}
    for name, rows in figures.items():
        wall = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        medians[name] = (wall, cpu)
        print(f"{name:<24}{wall:>9.2f}{cpu:>9.2f}")
    for command, new_name, old_name in (
        ("run", "run (new)", "run (old: sync first)"),
        ("runs list", "runs list (new)", "runs list (old)"),
        ("models list", "models list (new)", "models list (old)"),
    ):
        new, old = medians[new_name], medians[old_name]
        print(f"{command} new/old: wall {new[0] / old[0]:.2f}, cpu {new[1] / old[1]:.2f}")


if __name__ == "__main__":
    main()
