"""Loads the embedded GGUF, leaves a call running inside llama.cpp, and exits.

Run as a subprocess by ``test_exit.py``. Usage: ``exit_worker.py abandoned SECONDS`` (a call given up at
its deadline, as a timed-out step leaves it, still generating on its daemon thread), ``exit_worker.py
streaming SECONDS`` (a daemon thread still reading a reply) or ``exit_worker.py loading SECONDS`` (a
daemon thread still loading the model). Prints ``exiting`` just before it ends, and, last of all
when loading (after the pool's exit hook and the loading thread's end), how many models the pool holds.
"""

from __future__ import annotations

import atexit
import contextlib
import sys
import threading

LOADERS: list[threading.Thread] = []


def _left_loaded() -> None:
    """Registered before the pool's exit hook, so run after it (atexit runs the last registered first)."""
    from agentnet.nodes.pool import shared_pool

    if not LOADERS:
        return
    for loader in LOADERS:
        loader.join(60)
    print(f"left loaded: {len(shared_pool().loaded())}", flush=True)


atexit.register(_left_loaded)

from agentnet.config import embedded_default_spec  # noqa: E402 - after the hook above, on purpose
from agentnet.errors import DeadlineExceededError, ModelCallError  # noqa: E402
from agentnet.nodes.llamacpp import LlamaCppNode  # noqa: E402

PROMPT = "Write a very long story about a dragon who learns to sail."


def main() -> None:
    mode, seconds = sys.argv[1], float(sys.argv[2])
    node = LlamaCppNode.from_spec(embedded_default_spec())
    if mode == "loading":

        def load() -> None:
            # At exit the pool frees the model it was loading: the loader is told so (local_engine_closed).
            with contextlib.suppress(ModelCallError):
                node.load()

        loader = threading.Thread(target=load, daemon=True)
        LOADERS.append(loader)
        loader.start()
        threading.Event().wait(seconds)
        print("exiting", flush=True)
        return
    node.load()
    if mode == "abandoned":
        with contextlib.suppress(DeadlineExceededError):
            node.complete(PROMPT, max_tokens=1500, deadline_s=seconds)
    else:
        reading = threading.Event()

        def read() -> None:
            # At exit the pool stops the call: the reader is told so (local_engine_closed).
            with contextlib.suppress(ModelCallError):
                for _ in node.stream_text(PROMPT, max_tokens=1500):
                    reading.set()

        threading.Thread(target=read, daemon=True).start()
        reading.wait(60)
        threading.Event().wait(seconds)
    print("exiting", flush=True)


if __name__ == "__main__":
    main()
