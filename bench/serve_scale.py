"""Do more `agentnet serve` processes sharing one PostgreSQL serve more runs?

The same workload against 1 and then 2 `agentnet serve` processes with one config (runs in a
throwaway PostgreSQL on loopback, started with tests/pgserver.py): CLIENTS concurrent clients
each start runs (`POST /v1/runs`, a one-step plan, waiting for the answer), sent round robin to the
servers, as a load balancer would. Two nodes, each a model on a loopback OpenAI-compatible
upstream: `zero` answers at once (what agentnet itself costs per run: planning is skipped, the
plan is given; LangGraph, checkpoints, traces and leases in PostgreSQL) and `slow` answers after
1 s (a remote model). Printed per node and setup: runs/s, p50 and p99 latency, refusals (429),
and the throughput ratio 2 servers / 1 server. A server executes one run at a time (its network
is shared by its requests), so on the slow node the ratio should approach 2; on the zero-latency
node it is bounded by this machine's cores.

    .venv/bin/python bench/serve_scale.py [--runs 24] [--clients 4]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "server")]


def _config(zero: Any, slow: Any, runs_url: str) -> str:
    from openai_upstream import models_yaml

    slow_model = models_yaml(slow, ("slow",)).removeprefix("models:\n")
    return models_yaml(zero, ("zero",)) + slow_model + f"runs:\n  url: {runs_url}\n"


def _workload(servers: list[Any], node: str, runs: int, clients: int) -> dict[str, Any]:
    import httpx

    plan = {"task": "bench", "steps": [{"id": "s1", "capability": node, "instruction": "hi"}]}
    latencies: list[float] = []
    refused = 0
    lock = threading.Lock()

    def one(index: int) -> None:
        nonlocal refused
        served = servers[index % len(servers)]
        started = time.perf_counter()
        reply = httpx.post(f"{served.url}/v1/runs", json={"plan": plan}, timeout=300)
        elapsed = time.perf_counter() - started
        with lock:
            if reply.status_code == 429:
                refused += 1
            elif reply.status_code != 200 or reply.json()["status"] != "succeeded":
                raise SystemExit(f"run failed: {reply.status_code} {reply.text[:500]}")
            else:
                latencies.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(runs)))
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "throughput": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "refused": refused,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=24, help="runs per node and setup")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (at most 5 per server are admitted)")
    args = parser.parse_args()
    from openai_upstream import Upstream
    from pgserver import PostgresServer
    from serve_helpers import start_serve

    database = PostgresServer().start()
    zero, slow = Upstream(), Upstream(delay_s=1.0)
    upstreams = {"zero": zero, "slow": slow}
    servers: list[Any] = []
    try:
        config = _config(zero, slow, database.new_database())
        with tempfile.TemporaryDirectory() as root:
            for name in ("one", "two"):
                servers.append(start_serve(Path(root) / name, config=config, args=("--queue", "8")))
            results = {}
            for node in upstreams:
                for count in (1, 2):
                    _workload(servers[:count], node, 2 * count, args.clients)  # warm-up: first run per server
                    results[node, count] = _workload(servers[:count], node, args.runs, args.clients)
    finally:
        for served in servers:
            served.stop()
        for upstream in upstreams.values():
            upstream.close()
        database.destroy()
    print(f"{args.runs} runs per setup, {args.clients} concurrent clients, round robin; runs in PostgreSQL")
    for node, label in (("zero", "zero-latency node"), ("slow", "1 s remote node")):
        for count in (1, 2):
            r = results[node, count]
            print(
                f"  {label:18s} {count} server{'s' if count > 1 else ' '}: {r['throughput']:6.2f} runs/s  "
                f"p50 {r['p50'] * 1000:7.0f} ms  p99 {r['p99'] * 1000:7.0f} ms  refused {r['refused']}"
            )
        ratio = results[node, 2]["throughput"] / results[node, 1]["throughput"]
        print(f"  {label:18s} throughput 2 servers / 1 server = {ratio:.2f}")


if __name__ == "__main__":
    main()
