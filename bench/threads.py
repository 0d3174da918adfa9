"""How long llama.cpp takes to read a prompt with one thread per core vs as many as generate tokens,
and what the embedder's onnxruntime threads cost spinning between runs vs not.

llama-cpp-python reads the prompt with every core (``n_threads_batch``) and generates with half of
them; agentnet's pool gives both the same count (nodes/pool.py). Each thread of a batch waits for the
slowest, so on a machine that is busy with anything else (CI's two test workers on two cores) the
extra threads cost more than they bring. onnxruntime's threads spin after each run waiting for more
work; the directory embeds a few texts at a time (directory/embedder.py turns the spin off). Loads
and sessions rotate so load on the machine hits both alike.

    .venv/bin/python bench/threads.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
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
    embedding(args.rounds)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def embedding(rounds: int) -> None:
    """Wall and CPU seconds of embedding 26 card-sized texts, the embedder's threads spinning or not."""
    import onnxruntime

    from agentnet.directory import embedder as module

    texts = [f"Card {i}: " + "Translates short texts and answers questions. " * (1 + i % 6) for i in range(26)]
    embedders = {}
    for spin in ("1", "0"):
        embedder = module.MiniLMEmbedder()
        embedder.embed(texts[:1])  # loads the tokenizer; its session is replaced below
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry(module.SPIN_ENTRY, spin)
        model = str(module.packaged_file(*module._MODEL_FILE, "the embedding model"))
        embedder._session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        embedders[spin] = embedder
    spent: dict[str, list[tuple[float, float]]] = {spin: [] for spin in embedders}
    for _ in range(rounds):
        for spin, embedder in embedders.items():
            wall, cpu = time.perf_counter(), _cpu()
            embedder.embed(texts)
            spent[spin].append((time.perf_counter() - wall, _cpu() - cpu))
    for spin, taken in spent.items():
        walls, cpus = statistics.median(t[0] for t in taken), statistics.median(t[1] for t in taken)
        state = "on" if spin == "1" else "off"
        print(f"26 texts embedded, spinning {state}: median {walls:.2f} s, {cpus:.2f} s of CPU")


if __name__ == "__main__":
    main()
