"""What the executor costs per step, and whether independent remote steps really run in parallel.

1. Orchestration overhead: a chain of N steps on a zero-latency scripted node, run by the
   ``Executor`` (LangGraph, SQLite checkpoints with durability=sync, trace rows, events), against
   calling the same node directly N times in a loop (the baseline, same prompts). Reported:
   (executor - baseline) / N in ms per step. Target <= 2 ms/step. Also shown: the compiled graph
   without checkpointer or trace (what an embedding app pays at least).
   The same durable run on PostgreSQL (a throwaway server on loopback, fsync on, started with
   tests/pgserver.py; target <= 4 ms/step), and on SQLite with OpenTelemetry tracing on (the SDK
   with a batch processor and an exporter that drops spans, so the cost measured is agentnet's
   spans, not the network), reported as extra ms/step and as a share of the SQLite durable
   overhead (target <= 5 %). Skip PostgreSQL with --no-postgres.
2. Parallel remote steps: four independent steps on four remote nodes (LiteLLMNode, litellm
   ``openai/...`` + ``api_base``) served by a loopback OpenAI-compatible server that waits 1 s before
   each reply. Reported: wall time / 1 s. Target <= 1.2.

    .venv/bin/python bench/executor.py [--steps 40] [--rounds 5] [--no-postgres]
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

DELAY_S = 1.0


def _chain(steps: int) -> tuple[Any, Any, list[str]]:
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
    return node, plan, prompts


def _timed(work: Any) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _tracing_on() -> Any:
    """Tracing as OTEL_EXPORTER_OTLP_ENDPOINT would set it up, with an exporter that drops spans."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

    class Dropped(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(Dropped()))
    return provider


def overhead(steps: int, rounds: int, postgres_url: str | None) -> None:
    from agentnet import telemetry
    from agentnet.config import RunsSettings
    from agentnet.executor import Executor, open_run_store

    node, plan, prompts = _chain(steps)
    executors = {
        "durable": Executor([node], store=open_run_store()),
        "traced": Executor([node], store=open_run_store()),
    }
    if postgres_url:
        executors["postgres"] = Executor([node], store=open_run_store(RunsSettings(url=postgres_url)))
        # The same database without waiting for the WAL flush at each commit (a libpq URL option):
        # what SQLite's WAL mode does by default; a crashed process loses nothing, a crashed machine
        # may lose the last commits.
        relaxed = f"{postgres_url}?options=-c%20synchronous_commit%3Doff"
        executors["postgres_async"] = Executor([node], store=open_run_store(RunsSettings(url=relaxed)))
    graph = executors["durable"].compile(plan)
    provider = _tracing_on()
    state = {"task": "bench", "inputs": {}, "results": {}}
    for warm in executors.values():  # imports, tables, first compile
        warm.run(plan)
    graph.invoke(state)
    times: dict[str, list[float]] = {"direct": [], "memory": [], **{key: [] for key in executors}}
    for _ in range(rounds):
        times["direct"].append(_timed(lambda: [node.complete(prompt) for prompt in prompts]))
        times["memory"].append(_timed(lambda: graph.invoke(state)))
        for key, executor in executors.items():
            telemetry.set_tracer_provider(provider if key == "traced" else None)
            times[key].append(_timed(lambda executor=executor: executor.run(plan)))
        telemetry.set_tracer_provider(None)
    provider.shutdown()
    for executor in executors.values():
        executor.close()
    _report(times, steps, rounds)


def _report(times: dict[str, list[float]], steps: int, rounds: int) -> None:
    base = statistics.median(times["direct"])
    per_step = {key: (statistics.median(found) - base) / steps * 1000 for key, found in times.items()}
    print(f"[1] chain of {steps} steps on a zero-latency scripted node, median of {rounds} rounds")
    print(f"    direct node calls in a loop (baseline): {base * 1000:8.1f} ms  ({base / steps * 1000:.2f} ms/call)")
    labels = {
        "durable": "executor, durable (sqlite+trace)",
        "postgres": "executor, durable (postgresql+trace)",
        "postgres_async": "  same, synchronous_commit=off",
        "traced": "executor, sqlite + OpenTelemetry on",
        "memory": "compiled graph, in memory",
    }
    for key, label in labels.items():
        if key in times:
            total = statistics.median(times[key])
            print(
                f"    {label:38s} {total * 1000:8.1f} ms  overhead {per_step[key]:.2f} ms/step  (x{total / base:.1f})"
            )
    targets = [("sqlite durable overhead <= 2 ms/step", per_step["durable"] <= 2)]
    if "postgres" in per_step:
        targets.append(("postgresql durable overhead <= 4 ms/step", per_step["postgres"] <= 4))
        targets.append(("postgresql, synchronous_commit=off, <= 4 ms/step", per_step["postgres_async"] <= 4))
    extra = per_step["traced"] - per_step["durable"]
    share = extra / per_step["durable"] * 100
    print(f"    tracing on: {extra:+.2f} ms/step = {share:+.1f} % of the sqlite durable step overhead")
    targets.append(("tracing <= 5 % of the step overhead", share <= 5))
    for what, met in targets:
        print(f"    target: {what} -> {'met' if met else 'NOT met'}")


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
    from agentnet.nodes.litellm import LiteLLMNode, import_litellm
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
        import_litellm()  # outside any deadline: the import takes seconds on a loaded machine
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
    parser.add_argument("--no-postgres", action="store_true", help="Skip the PostgreSQL measurement.")
    args = parser.parse_args()
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    server = None
    if not args.no_postgres:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from pgserver import PostgresServer

        server = PostgresServer().start()  # fsync on: what a real deployment pays
    try:
        with tempfile.TemporaryDirectory() as home:
            # A throwaway home: bench runs must not fill the user's run history.
            os.environ["AGENTNET_HOME"] = home
            overhead(args.steps, args.rounds, server.new_database() if server else None)
            parallel(args.rounds)
    finally:
        if server is not None:
            server.destroy()


if __name__ == "__main__":
    main()
