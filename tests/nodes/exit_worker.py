"""Loads the embedded GGUF, leaves a call running inside llama.cpp, and exits.

Run as a subprocess by ``test_exit.py``. Usage: ``exit_worker.py abandoned SECONDS`` (a call given up at
its deadline, as a timed-out step leaves it, still generating on its daemon thread) or ``exit_worker.py
streaming SECONDS`` (a daemon thread still reading a reply). Prints ``exiting`` just before it ends.
"""

from __future__ import annotations

import contextlib
import sys
import threading

from agentnet.config import embedded_default_spec
from agentnet.errors import DeadlineExceededError, ModelCallError
from agentnet.nodes.llamacpp import LlamaCppNode

PROMPT = "Write a very long story about a dragon who learns to sail."


def main() -> None:
    mode, seconds = sys.argv[1], float(sys.argv[2])
    node = LlamaCppNode.from_spec(embedded_default_spec())
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
