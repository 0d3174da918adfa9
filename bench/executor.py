"""What the executor costs per step, and whether independent remote steps really run in parallel.

1. Orchestration overhead: a chain of N steps on a zero-latency scripted node, run by the
   ``Executor`` (LangGraph, SQLite checkpoints with durability=sync, trace rows, events), against
   calling the same node directly N times in a loop (the baseline, same prompts). Reported:
   (executor - baseline) / N in ms per step. Target <= 2 ms/step. Also shown: the compiled graph
   without checkpointer or trace (what an embedding app pays at least).
   The same durable run on PostgreSQL (a throwaway server on loopback, fsync on, started with
   tests/pgserver.py; target <= 4 ms/step). Skip PostgreSQL with --no-postgres. Beside it, in the
   same rounds and on the same server, the floor: the same chain shape as a plain LangGraph graph
   on LangGraph's own PostgresSaver, durability="sync", no agentnet code and no model call
   (bench/pg_floor.py); printed with agentnet's figure and their ratio. Then, per step of each
   (from runs of N and of 2N steps, untimed): transactions committed, WAL flushes, round trips.
   Last figures (2026-12-05, three runs at load 4-5, fsync on): agentnet 6.18-7.89 ms/step, floor
   7.04-8.33, ratio 0.74-1.12; client CPU 3.47-3.93 vs 1.78-2.09 ms/step; per step agentnet 3
   commits, 1 WAL flush, 3 round trips, the floor 2, 2, 2. At load 2-3: agentnet 4.56, floor
   2.88 (1.58), CPU 2.77 vs 1.32. docs/scaling.md has the rest.
   Tracing: the SQLite durable run with OpenTelemetry on (the SDK with a batch processor and an
   exporter that drops spans, so the cost measured is agentnet's spans, not the network) against
   the same run with it off, as an A/B: each round gives each side a fresh database (a run on a
   database that already holds earlier runs' checkpoints, or that must fold its write-ahead log,
   costs more) and a warm-up run, and the side timed first alternates between rounds. Reported:
   the medians of both sides and the median of the per-round differences, as extra ms/step and as
   a share of the untraced step overhead (target <= 5 %); and the floor: the same spans per step
   made straight through the SDK (``_sdk_floor``), what tracing costs with nothing of agentnet's.
2. Parallel remote steps: four independent steps on four remote nodes (LiteLLMNode, litellm
   ``openai/...`` + ``api_base``) served by a loopback OpenAI-compatible server that waits 1 s before
   each reply. Reported: wall time / 1 s. Target <= 1.2.

    .venv/bin/python bench/executor.py [--steps 40] [--rounds 5] [--tracing-rounds 12] [--no-postgres]
        [--no-tracing] [--no-parallel] [--count-runs 5]
"""

from __future__ import annotations

import argparse
import functools
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

from pg_floor import FloorChain, print_counts

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


def _timed(work: Any, *args: Any) -> float:
    started = time.perf_counter()
    work(*args)
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


def overhead(steps: int, rounds: int, postgres_url: str | None, count_runs: int = 5) -> None:
    from agentnet.config import RunsSettings
    from agentnet.executor import Executor, open_run_store

    node, plan, prompts = _chain(steps)
    executors = {"durable": Executor([node], store=open_run_store())}
    if postgres_url:
        executors["postgres"] = Executor([node], store=open_run_store(RunsSettings(url=postgres_url)))
        # The same database without waiting for the WAL flush at each commit (a libpq URL option):
        # what SQLite's WAL mode does by default; a crashed process loses nothing, a crashed machine
        # may lose the last commits.
        relaxed = f"{postgres_url}?options=-c%20synchronous_commit%3Doff"
        executors["postgres_async"] = Executor([node], store=open_run_store(RunsSettings(url=relaxed)))
    graph = executors["durable"].compile(plan)
    state = {"task": "bench", "inputs": {}, "results": {}}
    runs: dict[str, Any] = {key: functools.partial(executor.run, plan) for key, executor in executors.items()}
    floor = FloorChain(postgres_url, steps) if postgres_url else None
    if floor is not None:
        runs["floor"] = floor.run
    for warm in runs.values():  # imports, tables, first compile
        warm()
    graph.invoke(state)
    times: dict[str, list[float]] = {"direct": [], "memory": [], **{key: [] for key in runs}}
    cpu: dict[str, list[float]] = {}  # this process's CPU time (all threads) per durable run
    for _ in range(rounds):
        times["direct"].append(_timed(lambda: [node.complete(prompt) for prompt in prompts]))
        times["memory"].append(_timed(lambda: graph.invoke(state)))
        for key, run in runs.items():
            started_cpu = time.process_time()
            times[key].append(_timed(run))
            cpu.setdefault(key, []).append(time.process_time() - started_cpu)
    for executor in executors.values():
        executor.close()
    if floor is not None:
        floor.close()
    _report(times, steps, rounds)
    _bounds(times, cpu, steps)
    if postgres_url and count_runs:
        print_counts(postgres_url, steps, count_runs, _chain)


def _sdk_floor(tracer: Any, steps: int, calls_apart: bool = False) -> None:
    """The spans a traced run makes per step (one, a step of one local call), same attributes, made
    straight through the SDK: tracing with nothing of agentnet's. ``calls_apart``: the layout before
    (the step's span current, a ``chat`` span under it), for comparison."""
    from opentelemetry import context, trace
    from opentelemetry.trace import SpanKind

    for i in range(steps):
        step = tracer.start_span(
            f"invoke_agent s{i}",
            kind=SpanKind.INTERNAL,
            attributes={"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "zero",
                        "agentnet.run.id": "r", "agentnet.step.id": f"s{i}"},
        )  # fmt: skip
        call = {"agentnet.node.id": "zero", "gen_ai.provider.name": "agentnet", "gen_ai.request.model": "zero"}
        usage = {"gen_ai.usage.input_tokens": 5, "gen_ai.usage.output_tokens": 1,
                 "gen_ai.response.finish_reasons": ["stop"]}  # fmt: skip
        if not calls_apart:
            step.set_attributes({**call, **usage})
            step.end()
            continue
        token = context.attach(trace.set_span_in_context(step))
        chat = tracer.start_span("chat zero", kind=SpanKind.CLIENT, attributes={"gen_ai.operation.name": "chat",
                                 **call})  # fmt: skip
        chat.set_attributes(usage)
        chat.end()
        step.set_attribute("agentnet.node.id", "zero")
        context.detach(token)
        step.end()


def tracing_ab(steps: int, rounds: int, runs: int = 4) -> None:
    """Tracing off against on: a fresh SQLite database per side and round, ``runs`` timed runs per
    side and round interleaved (the side first alternating), the fastest of each kept; wall and CPU
    time (this process, all threads: on a machine shared with other work CPU time is the steadier)."""
    from agentnet import telemetry
    from agentnet.config import RunsSettings
    from agentnet.executor import Executor, open_run_store

    node, plan, prompts = _chain(steps)
    provider = _tracing_on()
    sdk_floor = functools.partial(_sdk_floor, provider.get_tracer("floor"), steps)
    sides = ("direct", "off", "on", "sdk", "sdk_apart")
    wall: dict[str, list[float]] = {side: [] for side in sides}
    cpu: dict[str, list[float]] = {side: [] for side in sides}

    def timed(side: str, work: Any) -> tuple[float, float]:
        telemetry.set_tracer_provider(provider if side == "on" else None)
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        return time.perf_counter() - started, time.process_time() - started_cpu

    with tempfile.TemporaryDirectory() as folder:
        for index in range(rounds):
            sides = ("off", "on") if index % 2 == 0 else ("on", "off")
            found: dict[str, list[tuple[float, float]]] = {side: [] for side in wall}
            executors = {}
            for side in sides:  # a fresh database, then a warm-up run: tables, first compile, first spans
                url = f"sqlite:///{folder}/{index}-{side}.db"
                executors[side] = Executor([node], store=open_run_store(RunsSettings(url=url)))
                timed(side, functools.partial(executors[side].run, plan))
            for _ in range(runs):
                found["direct"].append(timed("off", lambda: [node.complete(prompt) for prompt in prompts]))
                found["sdk"].append(timed("off", sdk_floor))
                found["sdk_apart"].append(timed("off", functools.partial(sdk_floor, calls_apart=True)))
                for side in sides:
                    found[side].append(timed(side, functools.partial(executors[side].run, plan)))
            telemetry.set_tracer_provider(None)
            for executor in executors.values():
                executor.close()
            for key, pairs in found.items():  # other work on the machine only ever adds time
                wall[key].append(min(w for w, _ in pairs))
                cpu[key].append(min(c for _, c in pairs))
    provider.shutdown()
    print(f"[1b] tracing A/B, sqlite durable: {rounds} rounds x {runs} runs per side (fresh database per side")
    print("     and round, sides interleaved, the first alternating); per round the fastest, then medians of rounds")
    for label, times in (("wall", wall), ("cpu ", cpu)):
        base = statistics.median(times["direct"])
        off = (statistics.median(times["off"]) - base) / steps * 1000
        on = (statistics.median(times["on"]) - base) / steps * 1000
        extra = statistics.median(b - a for a, b in zip(times["off"], times["on"], strict=True)) / steps * 1000
        floor = statistics.median(times["sdk"]) / steps * 1000
        apart = statistics.median(times["sdk_apart"]) / steps * 1000
        print(
            f"    {label}: baseline {base * 1000:.1f} ms; overhead off {off:.2f} ms/step, on {on:.2f} ms/step;"
            f" tracing {extra:+.3f} ms/step (median of per-round differences) = {extra / off * 100:+.1f} %;"
            f" the same spans straight through the SDK {floor:.3f} ms/step = {floor / off * 100:.1f} %"
            f" (a span per step and per call, the layout before: {apart:.3f} ms/step = {apart / off * 100:.1f} %)"
        )
    print(f"    wall per round, off: {', '.join(f'{t * 1000:.0f}' for t in wall['off'])} ms")
    print(f"    wall per round, on:  {', '.join(f'{t * 1000:.0f}' for t in wall['on'])} ms")


def _report(times: dict[str, list[float]], steps: int, rounds: int) -> None:
    base = statistics.median(times["direct"])
    per_step = {key: (statistics.median(found) - base) / steps * 1000 for key, found in times.items()}
    print(f"[1] chain of {steps} steps on a zero-latency scripted node, median of {rounds} rounds")
    print(f"    direct node calls in a loop (baseline): {base * 1000:8.1f} ms  ({base / steps * 1000:.2f} ms/call)")
    labels = {
        "durable": "executor, durable (sqlite+trace)",
        "postgres": "executor, durable (postgresql+trace)",
        "postgres_async": "  same, synchronous_commit=off",
        "memory": "compiled graph, in memory",
    }
    for key, label in labels.items():
        if key in times:
            total = statistics.median(times[key])
            print(
                f"    {label:38s} {total * 1000:8.1f} ms  overhead {per_step[key]:.2f} ms/step  (x{total / base:.1f})"
            )
    if "floor" in times:
        # No node call in the floor graph: its whole time per step is the engine's.
        per_step["floor"] = statistics.median(times["floor"]) / steps * 1000
        print(
            f"    {'LangGraph PostgresSaver alone (floor)':38s} {statistics.median(times['floor']) * 1000:8.1f} ms"
            f"  per step {per_step['floor']:.2f} ms"
        )
        # The floor calls no node, so agentnet's side is its overhead (node calls subtracted); with
        # the calls counted too, the bound the other way (the baseline is noisy under load).
        whole = statistics.median(times["postgres"]) / steps * 1000
        print(
            f"    postgresql: agentnet {per_step['postgres']:.2f} ms/step, floor {per_step['floor']:.2f} ms/step,"
            f" agentnet / floor = {per_step['postgres'] / per_step['floor']:.2f}"
            f" ({whole / per_step['floor']:.2f} counting agentnet's node calls too)"
        )
    targets = [("sqlite durable overhead <= 2 ms/step", per_step["durable"] <= 2)]
    if "postgres" in per_step:
        targets.append(("postgresql durable overhead <= 4 ms/step", per_step["postgres"] <= 4))
        targets.append(("postgresql, synchronous_commit=off, <= 4 ms/step", per_step["postgres_async"] <= 4))
    for what, met in targets:
        print(f"    target: {what} -> {'met' if met else 'NOT met'}")


def _bounds(times: dict[str, list[float]], cpu: dict[str, list[float]], steps: int) -> None:
    """What a durable step costs this process in CPU, and on PostgreSQL what waiting for the WAL
    flush adds (fsync on minus off): the floor no client-side change removes."""
    for key, found in cpu.items():
        print(f"    {key}: this process's CPU {statistics.median(found) / steps * 1000:.2f} ms/step")
    if "postgres" in times:
        flush = (statistics.median(times["postgres"]) - statistics.median(times["postgres_async"])) / steps * 1000
        print(f"    postgresql: waiting for the WAL flush (one synchronous commit per step) adds {flush:.2f} ms/step")


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
    parser.add_argument("--tracing-rounds", type=int, default=12)
    parser.add_argument("--no-tracing", action="store_true", help="Skip the tracing A/B.")
    parser.add_argument("--no-parallel", action="store_true", help="Skip the parallel remote steps.")
    parser.add_argument("--no-postgres", action="store_true", help="Skip the PostgreSQL measurement.")
    parser.add_argument(
        "--count-runs", type=int, default=5, help="Runs per length for the per-step server counts (0: skip)."
    )
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
            overhead(args.steps, args.rounds, server.new_database() if server else None, args.count_runs)
            if not args.no_tracing:
                tracing_ab(args.steps, args.tracing_rounds)
            if not args.no_parallel:
                parallel(args.rounds)
    finally:
        if server is not None:
            server.destroy()


if __name__ == "__main__":
    main()
