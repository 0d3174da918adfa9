"""Load on ``agentnet serve``: N concurrent clients on loopback against a zero-latency scripted node.

    .venv/bin/python bench/serve_load.py [--requests 2000] [--concurrency 1,50,200]

The server runs in a subprocess (this file with ``--serve``: ``create_app`` + the same uvicorn runner
``agentnet serve`` uses), so the figures include HTTP, JSON, the security gate and admission. The
baseline, measured in the same run, calls the same node in-process (``acomplete``) at the same
concurrency; "added" latency is the server's minus the baseline's. Anchor: LiteLLM's proxy publishes
a 2-12 ms median added latency.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve()
MESSAGES = [{"role": "user", "content": "ping"}]
REPLY = "pong from a zero-latency node"


def build_node():  # type: ignore[no-untyped-def]
    from agentnet.testing import ScriptedModel

    return ScriptedModel.build("zero", [REPLY])


def serve(port: int) -> None:
    from agentnet.server.app import create_app
    from agentnet.server.runner import run
    from agentnet.server.settings import ServerSettings

    # Admission limits far above the load: this measures the serving path, not the 429 policy.
    settings = ServerSettings(port=port, local_concurrency=512, local_queue=4096)
    run(create_app(None, settings, nodes=[build_node()]), settings, log_level="error")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _pool(count: int, concurrency: int, call) -> tuple[list[float], int, float]:  # type: ignore[no-untyped-def]
    latencies: list[float] = []
    errors = 0
    remaining = iter(range(count))

    async def worker() -> None:
        nonlocal errors
        for _ in remaining:
            started = time.perf_counter()
            try:
                ok = await call()
            except Exception:  # noqa: BLE001 - counted, the benchmark goes on
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += 0 if ok else 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


async def direct(count: int, concurrency: int) -> tuple[list[float], int, float]:
    node = build_node()

    async def call() -> bool:
        reply = await node.acomplete(MESSAGES)
        return reply.text == REPLY

    return await _pool(count, concurrency, call)


async def over_http(url: str, count: int, concurrency: int, stream: bool) -> tuple[list[float], int, float]:
    # aiohttp (installed with litellm) rather than httpx: httpx's pool costs ~8 ms of client CPU per
    # request at 200 connections, which would measure the client, not the server.
    import aiohttp

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base_url=url, connector=connector) as session:
        body = {"model": "zero", "messages": MESSAGES, "stream": stream}

        async def call() -> bool:
            async with session.post("/v1/chat/completions", json=body) as response:
                if stream:
                    text = await response.text()
                    return response.status == 200 and text.rstrip().endswith("[DONE]")
                data = await response.json()
                return response.status == 200 and data["choices"][0]["message"]["content"] == REPLY

        await _pool(min(200, count), concurrency, call)  # warm-up: connections, thread pool
        return await _pool(count, concurrency, call)


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([sys.executable, str(SCRIPT), "--serve", str(port)], env={**os.environ})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def row(label: str, latencies: list[float], errors: int, elapsed: float) -> dict[str, float]:
    stats = {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "errors": errors,
    }
    print(
        f"  {label:<28} {stats['rps']:>9.0f} req/s   p50 {stats['p50']:>8.2f} ms   "
        f"p99 {stats['p99']:>8.2f} ms   errors {errors}"
    )
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", default="1,50,200")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    levels = [int(x) for x in args.concurrency.split(",")]
    process, url = start_server()
    try:
        print(f"agentnet serve load: {args.requests} requests per level, zero-latency scripted node, loopback")
        print(f"(client and server share this machine's {os.cpu_count()} cores; figures are indicative)\n")
        for level in levels:
            count = max(args.requests if level > 1 else args.requests // 4, level)
            print(f"concurrency {level}:")
            base = row("in-process node (baseline)", *asyncio.run(direct(count, level)))
            served = row("served, JSON", *asyncio.run(over_http(url, count, level, stream=False)))
            streamed = row("served, SSE stream", *asyncio.run(over_http(url, count, level, stream=True)))
            print(
                f"  added latency p50: JSON {served['p50'] - base['p50']:.2f} ms, SSE "
                f"{streamed['p50'] - base['p50']:.2f} ms; p99: JSON {served['p99'] - base['p99']:.2f} ms "
                f"(anchor: LiteLLM proxy 2-12 ms median)\n"
            )
    finally:
        process.terminate()
        process.wait(timeout=15)


if __name__ == "__main__":
    main()
