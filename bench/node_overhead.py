"""What agentnet's local node costs on top of llama.cpp, and how fast `agentnet --help` starts.

Same prompt, 64 generated tokens, same loaded ``Llama``, same sampling settings and seed:
raw ``llama_cpp.Llama.create_chat_completion`` vs ``LlamaCppNode.complete`` (which adds prompt
token counting, the worker thread + queue that enforces the deadline, and measurement).
Calls rotate so load on the machine hits both alike. Targets: ratio <= 1.03; --help <= 0.3 s.

    .venv/bin/python bench/node_overhead.py [--rounds 9]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from agentnet.config import embedded_default_spec
from agentnet.nodes.llamacpp import LlamaCppNode

PROMPT = "Write a long, detailed story about a lighthouse keeper and a storm at sea."
TOKENS = 64


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()

    spec = embedded_default_spec()
    node = LlamaCppNode.from_spec(spec)
    llama = node.load().llama
    params = spec.params
    messages = node._prepare_messages([{"role": "user", "content": PROMPT}])
    # The sampling settings the node passes, so raw llama.cpp and the node do the same work.
    sampling = {
        "max_tokens": TOKENS,
        "temperature": params.temperature,
        "top_p": params.top_p,
        "top_k": params.top_k,
        "repeat_penalty": params.repeat_penalty,
        "seed": params.seed,
    }

    def raw() -> tuple[float, int]:
        started = time.perf_counter()
        result = llama.create_chat_completion(messages, **sampling)
        return time.perf_counter() - started, result["usage"]["completion_tokens"]

    def raw_stream() -> tuple[float, int]:
        # The same llama.cpp streaming path the node uses, without agentnet around it.
        started = time.perf_counter()
        chunks = llama.create_chat_completion(messages, stream=True, **sampling)
        tokens = sum(1 for chunk in chunks if chunk["choices"][0]["delta"].get("content"))
        return time.perf_counter() - started, tokens

    def agentnet_node() -> tuple[float, int]:
        started = time.perf_counter()
        reply = node.complete(PROMPT, max_tokens=TOKENS)
        return time.perf_counter() - started, reply.usage.completion_tokens

    calls = (raw, raw_stream, agentnet_node)
    for call in calls:
        call()  # warm-up: first-call effects stay out of the figures
    times: dict[str, list[float]] = {call.__name__: [] for call in calls}
    cpu: dict[str, list[float]] = {call.__name__: [] for call in calls}
    for index in range(args.rounds):
        # Rotate the order each round so drifting load on the machine hits every variant alike.
        for call in calls[index % 3 :] + calls[: index % 3]:
            cpu_started = time.process_time()
            seconds, tokens = call()
            cpu[call.__name__].append(time.process_time() - cpu_started)
            if tokens != TOKENS:
                sys.exit(f"{call.__name__} generated {tokens} tokens, not {TOKENS}; pick a prompt that runs longer")
            times[call.__name__].append(seconds)
    raw_median = statistics.median(times["raw"])
    stream_median = statistics.median(times["raw_stream"])
    node_median = statistics.median(times["agentnet_node"])
    print(f"generation: {args.rounds} rounds x {TOKENS} tokens, SmolLM2-135M Q4_1, rotating order")
    print(f"  raw llama_cpp create_chat_completion              median {raw_median * 1000:8.1f} ms")
    print(f"  raw llama_cpp create_chat_completion(stream=True) median {stream_median * 1000:8.1f} ms")
    print(f"  agentnet LlamaCppNode.complete                    median {node_median * 1000:8.1f} ms")
    print(f"  ratio node/raw: {node_median / raw_median:.3f}  (target <= 1.03)")
    print(f"  ratio node/raw stream: {node_median / stream_median:.3f}")
    # CPU time (all threads of this process) is far less sensitive to other processes' load than wall time.
    cpu_raw, cpu_stream, cpu_node = (statistics.median(cpu[name]) for name in ("raw", "raw_stream", "agentnet_node"))
    print(
        f"  CPU time medians: raw {cpu_raw * 1000:.1f} ms, raw stream {cpu_stream * 1000:.1f} ms, "
        f"node {cpu_node * 1000:.1f} ms; ratio node/raw {cpu_node / cpu_raw:.3f}, node/raw stream "
        f"{cpu_node / cpu_stream:.3f}"
    )

    agentnet = str(Path(sys.executable).parent / "agentnet")
    help_times = []
    bare_times = []
    for _ in range(7):
        started = time.perf_counter()
        subprocess.run([agentnet, "--help"], capture_output=True, check=True)
        help_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=True)
        bare_times.append(time.perf_counter() - started)
    help_median = statistics.median(help_times)
    bare_median = statistics.median(bare_times)
    print("startup: 7 runs each")
    print(f"  python -c pass    median {bare_median * 1000:6.1f} ms")
    print(f"  agentnet --help   median {help_median * 1000:6.1f} ms  (target <= 300 ms)")
    print(f"  ratio --help / bare python: {help_median / bare_median:.2f}")


if __name__ == "__main__":
    main()
