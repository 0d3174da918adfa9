"""CPU of an ``agentnet serve`` while N clients follow one running run (``GET /v1/runs/{id}/events``).

    .venv/bin/python bench/run_followers.py [--followers 0,200,1000] [--seconds 5]

A real server (a subprocess, run database in SQLite) starts a one-step run on a model of a loopback
OpenAI-compatible upstream that holds the request, so the run stays ``running`` and costs nothing
itself; N followers then connect and read. Printed per N: the server's CPU seconds over ``--seconds``
(after 3 s of settling), and the followers answered 200 and refused 429 (``max_run_followers``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "server")]

PLAN = {"task": "slow", "steps": [{"id": "s1", "capability": "gated", "instruction": "x"}]}


def measure(followers: int, seconds: float) -> tuple[float, Counter[str]]:
    import httpx
    from openai_upstream import Upstream, models_yaml
    from serve_helpers import cpu_over, start_serve

    upstream = Upstream(gated=("gated",))
    served = start_serve(Path(tempfile.mkdtemp(prefix="run-followers-")), config=models_yaml(upstream, ("gated",)))
    answers: Counter[str] = Counter()
    try:
        started = httpx.post(f"{served.url}/v1/runs", json={"plan": PLAN, "run_id": "r1", "wait": False}, timeout=60)
        assert started.status_code == 202, started.text
        assert upstream.arrived["gated"].wait(60), "the run never reached its model"

        def follow() -> None:
            try:
                with httpx.stream("GET", f"{served.url}/v1/runs/r1/events", timeout=120) as response:
                    answers[str(response.status_code)] += 1
                    for _ in response.iter_lines():
                        pass
            except httpx.HTTPError as exc:
                answers[type(exc).__name__] += 1

        for _ in range(followers):
            threading.Thread(target=follow, daemon=True).start()
        time.sleep(3)
        cpu = cpu_over(served.process.pid, seconds)
    finally:
        upstream.open_gate("gated")
        served.stop()
        upstream.close()
    return cpu, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--followers", default="0,200,1000")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    for count in (int(n) for n in args.followers.split(",")):
        cpu, answers = measure(count, args.seconds)
        print(f"{count:5d} followers: {cpu:.2f} CPU s in {args.seconds:g} s; answers {dict(answers)}", flush=True)


if __name__ == "__main__":
    main()
