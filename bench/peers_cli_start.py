"""`agentnet peers add` and `agentnet peers refresh` as real processes: the current code against the old
path, same run.

The old path imported ``agentnet.federation.node`` to read the peer's token (``read_token`` lived
there), and with it the node classes and LangChain, which neither command uses: they read an agent
card over HTTP and write peers.yaml. The old case puts that import back before the CLI runs.

One `agentnet serve --port 0` is started for the bench (in a temporary AGENTNET_HOME, no daemon);
each round adds it as a peer in a new temporary home and refreshes it there, once per path; rounds
alternate the order so load on the machine hits both alike. Printed per command: median wall time
to exit and median CPU (user+system; on a shared machine the wall times follow the load, CPU much
less), then new/old ratios.

    .venv/bin/python bench/peers_cli_start.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

LAUNCH = """
import sys
if sys.argv[1] == "old":
    import agentnet.federation.node
sys.argv = ["agentnet", *sys.argv[2:]]
from agentnet.cli.launch import main
main()
"""


def env_for(home: str) -> dict[str, str]:
    return {**os.environ, "AGENTNET_HOME": home, "AGENTNET_NO_DAEMON": "1"}


def start_server(home: str) -> tuple[subprocess.Popen[str], str]:
    """`agentnet serve --port 0` in ``home``; returns the process and its base URL once it listens."""
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "new", "serve", "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env_for(home),
        cwd=home,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        found = re.search(r"serving at (http://\S+)/v1", line)
        if found:
            return process, found.group(1)
        if not line and process.poll() is not None:
            break
    process.kill()
    raise SystemExit("agentnet serve did not start")


def timed(path: str, args: list[str], home: str) -> tuple[float, float]:
    """(seconds to exit, CPU seconds user+system) of one CLI process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, path, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env_for(home),
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
    options = parser.parse_args()
    figures: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="agentnet-peer-") as server_home:
        server, url = start_server(server_home)
        try:
            for round_no in range(options.rounds):
                # Alternate the order so a burst of load does not always land on the same path.
                for path in ("new", "old") if round_no % 2 == 0 else ("old", "new"):
                    with tempfile.TemporaryDirectory(prefix="agentnet-peers-") as home:
                        for command in (["peers", "add", url, "--name", "bench"], ["peers", "refresh"]):
                            name = f"{' '.join(command[:2])} ({path})"
                            figures.setdefault(name, []).append(timed(path, command, home))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"one local agentnet serve as the peer, {options.rounds} rounds, medians")
    print(f"{'command':<24}{'wall s':>9}{'cpu s':>9}")
    medians = {}
    for name, rows in sorted(figures.items()):
        medians[name] = (statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows))
        print(f"{name:<24}{medians[name][0]:>9.2f}{medians[name][1]:>9.2f}")
    for command in ("peers add", "peers refresh"):
        new, old = medians[f"{command} (new)"], medians[f"{command} (old)"]
        print(f"{command} new/old: wall {new[0] / old[0]:.2f}, cpu {new[1] / old[1]:.2f}")


if __name__ == "__main__":
    main()
