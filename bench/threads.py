"""How long llama.cpp takes to read a prompt with one thread per core vs as many as generate tokens.

llama-cpp-python reads the prompt with every core (``n_threads_batch``) and generates with half of
them; agentnet's pool gives both the same count (nodes/pool.py). Each thread of a batch waits for the
slowest, so on a machine that is busy with anything else (CI's two test workers on two cores) the
extra threads cost more than they bring. Loads rotate so load on the machine hits both alike.

    .venv/bin/python bench/threads.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time

from agentnet.config import embedded_gguf_path

TEXT = "Bees are flying insects closely related to wasps and ants. They pollinate flowering plants. " * 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import llama_cpp

    cores = multiprocessing.cpu_count()
    generate = max(cores // 2, 1)
    models = {
        batch: llama_cpp.Llama(
            str(embedded_gguf_path()), n_ctx=2048, n_threads=generate, n_threads_batch=batch, verbose=False
        )
        for batch in sorted({cores, generate})
    }
    seconds: dict[int, list[float]] = {batch: [] for batch in models}
    for _ in range(args.rounds):
        for batch, llama in models.items():
            llama.reset()
            start = time.perf_counter()
            reply = llama.create_chat_completion([{"role": "user", "content": "Summarise: " + TEXT}], max_tokens=1)
            seconds[batch].append(time.perf_counter() - start)
    tokens = reply["usage"]["prompt_tokens"]
    for batch, taken in seconds.items():
        print(f"{tokens}-token prompt, {batch} thread(s): median {statistics.median(taken):.2f} s {sorted(taken)}")


if __name__ == "__main__":
    main()
