"""What the executor costs per step, and whether independent remote steps really run in parallel.

1. Orchestration overhead: a chain of N steps on a zero-latency scripted node, run by the
   ``Executor`` (LangGraph, SQLite checkpoints with durability=sync, trace rows, events), against
   calling the same node directly N times in a loop (the baseline, same prompts). Reported:
   (executor - baseline) / N in ms per step. Target <= 2 ms/step. Also shown: the compiled graph
   without checkpointer or trace (what an embedding app pays at least).
2. Parallel remote steps: four independent steps on four remote nodes (LiteLLMNode, litellm
   ``openai/...`` + ``api_base``) served by a loopback OpenAI-compatible server that waits 1 s before
   each reply. Reported: wall time / 1 s. Target <= 1.2.

    .venv/bin/python bench/executor.py [--steps 40] [--rounds 5]
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import statistics
import tempfile
import threading
import time
from typing import Any

DELAY_S = 1.0


def overhead(steps: int, rounds: int) -> None:
    from agentnet.executor import Executor, RunStore
    from agentnet.planner.plan import Plan, Step, StepInput
    from agentnet.testing import ScriptedModel

    node = ScriptedModel.build("zero", ["ok"])
    plan = Plan(
        task="bench",
        steps=[
            Step(
                id=f"s{i}",
                capability="zero",
                instruction=f"step {i}",
                inputs=[StepInput(kind="step", step=f"s{i - 1}")] if i else [],
            )
            for i in range(steps)
        ],
    )
    prompts = [f'<data from="step s{i - 1}">\nok\n</data>\n\nstep {i}' for i in range(steps)]
    store = RunStore()
    executor = Executor([node], store=store)
    graph = executor.compile(plan)
    executor.run(plan)  # warm-up: imports, tables, first compile
    graph.invoke({"task": "bench", "inputs": {}, "results": {}})
    direct: list[float] = []
    durable: list[float] = []
    in_memory: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        for prompt in prompts:
            node.complete(prompt)
        direct.append(time.perf_counter() - started)
        started = time.perf_counter()
        executor.run(plan)
        durable.append(time.perf_counter() - started)
        started = time.perf_counter()
        graph.invoke({"task": "bench", "inputs": {}, "results": {}})
        in_memory.append(time.perf_counter() - started)
    base = statistics.median(direct)
    print(f"[1] chain of {steps} steps on a zero-latency scripted node, median of {rounds} rounds")
    print(f"    direct node calls in a loop (baseline): {base * 1000:8.1f} ms  ({base / steps * 1000:.2f} ms/call)")
    for label, times in (("executor, durable (sqlite+trace)", durable), ("compiled graph, in memory", in_memory)):
        total = statistics.median(times)
        per_step = (total - base) / steps * 1000
        print(f"    {label:38s} {total * 1000:8.1f} ms  overhead {per_step:.2f} ms/step  (x{total / base:.1f})")
    durable_ms = (statistics.median(durable) - base) / steps * 1000
    print(f"    target: durable overhead <= 2 ms/step -> {'met' if durable_ms <= 2 else 'NOT met'}")


class _SlowOpenAI(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        time.sleep(DELAY_S)
        text = f"answer from {body.get('model')}"
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            base = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": body.get("model")}
            chunks = [
                {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}}]},
                {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
                {**base, "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}},
            ]
            for chunk in chunks:
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True
            return
        payload = json.dumps(
            {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": body.get("model"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def parallel(rounds: int) -> None:
    from agentnet.config import ModelParams, ModelSpec
    from agentnet.executor import Executor
    from agentnet.nodes.litellm import LiteLLMNode
    from agentnet.planner.plan import Plan, Step

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowOpenAI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    api_base = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        nodes = [
            LiteLLMNode.from_spec(
                ModelSpec(
                    id=f"remote{i}",
                    adapter="litellm",
                    model=f"openai/slow{i}",
                    api_base=api_base,
                    params=ModelParams(deadline_s=30, retries=0),
                )
            )
            for i in range(4)
        ]
        plan = Plan(task="bench", steps=[Step(id=f"p{i}", capability=f"remote{i}", instruction="hi") for i in range(4)])
        executor = Executor(nodes)
        nodes[0].complete("warm up")  # litellm import and first connection are not the executor's cost
        walls: list[float] = []
        for _ in range(rounds):
            started = time.perf_counter()
            result = executor.run(plan)
            walls.append(time.perf_counter() - started)
            if not all(f"slow{i}" in result.answer for i in range(4)):  # type: ignore[operator]
                raise SystemExit(f"unexpected answer: {result.answer!r}")
        wall = statistics.median(walls)
        print(f"[2] 4 independent steps on 4 remote nodes, each reply delayed {DELAY_S:g} s (median of {rounds})")
        print(f"    wall time {wall:.3f} s -> wall / 1 s = {wall / DELAY_S:.2f} (sequential would be ~4.0)")
        print(f"    all rounds: {', '.join(f'{w:.3f}' for w in walls)} s")
        print(f"    target <= 1.2 -> {'met' if wall / DELAY_S <= 1.2 else 'NOT met'}")
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    with tempfile.TemporaryDirectory() as home:
        # A throwaway home: bench runs must not fill the user's run history.
        os.environ["AGENTNET_HOME"] = home
        overhead(args.steps, args.rounds)
        parallel(args.rounds)


if __name__ == "__main__":
    main()
