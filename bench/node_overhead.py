"""What agentnet's local node costs on top of llama.cpp, and how fast `agentnet --help` starts.

Same prompt, 64 generated tokens, same loaded ``Llama``, same sampling settings and seed:
raw ``llama_cpp.Llama.create_chat_completion`` vs ``LlamaCppNode.complete`` (which adds prompt
token counting, the worker thread + queue that enforces the deadline, and measurement).
Calls alternate so load on the machine hits both alike. Targets: ratio <= 1.03; --help <= 0.3 s.

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

    def raw() -> tuple[float, int]:
        started = time.perf_counter()
        result = llama.create_chat_completion(
            messages,
            max_tokens=TOKENS,
            temperature=params.temperature,
            top_p=params.top_p,
            top_k=params.top_k,
            repeat_penalty=params.repeat_penalty,
            seed=params.seed,
        )
        return time.perf_counter() - started, result["usage"]["completion_tokens"]

    def agentnet_node() -> tuple[float, int]:
        started = time.perf_counter()
        reply = node.complete(PROMPT, max_tokens=TOKENS)
        return time.perf_counter() - started, reply.usage.completion_tokens

    raw()
    agentnet_node()  # warm-up: first-call effects stay out of the figures
    raw_times: list[float] = []
    node_times: list[float] = []
    for index in range(args.rounds):
        order = (raw, agentnet_node) if index % 2 == 0 else (agentnet_node, raw)
        for call in order:
            seconds, tokens = call()
            if tokens != TOKENS:
                sys.exit(f"{call.__name__} generated {tokens} tokens, not {TOKENS}; pick a prompt that runs longer")
            (raw_times if call is raw else node_times).append(seconds)
    raw_median = statistics.median(raw_times)
    node_median = statistics.median(node_times)
    print(f"generation: {args.rounds} rounds x {TOKENS} tokens, SmolLM2-135M Q4_1, alternating")
    print(f"  raw llama_cpp create_chat_completion  median {raw_median * 1000:8.1f} ms")
    print(f"  agentnet LlamaCppNode.complete        median {node_median * 1000:8.1f} ms")
    print(f"  ratio node/raw: {node_median / raw_median:.3f}  (target <= 1.03)")

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
