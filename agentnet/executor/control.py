"""Run control shared by every graph driver (plans here, recipes in ``agentnet.recipes``)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from langchain_core.runnables import RunnableConfig


def run_config(run_id: str) -> RunnableConfig:
    # Loops and long plans need more supersteps than LangGraph's default of 25.
    return {"configurable": {"thread_id": run_id}, "recursion_limit": 200}


@contextmanager
def cancel_on_sigint(cancel: threading.Event) -> Iterator[None]:
    """Ctrl-C first tells running steps to stop, then interrupts the caller as usual."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: Any) -> None:
        cancel.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
