"""Run control shared by every graph driver (plans in ``runner.py``, recipes in ``agentnet.recipes``)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import RunnableConfig

from agentnet.errors import AgentnetError, BudgetExceededError
from agentnet.executor.events import StepEvent
from agentnet.redact import redact_text

if TYPE_CHECKING:
    from agentnet.executor.steps import Runtime
    from agentnet.executor.store import RunStore


def run_config(run_id: str) -> RunnableConfig:
    # Loops and long plans need more supersteps than LangGraph's default of 25.
    return {"configurable": {"thread_id": run_id}, "recursion_limit": 200}


class Terminated(KeyboardInterrupt):
    """SIGTERM (a service manager, ``kill``, a CI timeout) during a run: handled exactly like Ctrl-C."""

    exit_code = 143


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def cancel_on_sigint(cancel: threading.Event) -> Iterator[None]:
    """Ctrl-C or SIGTERM first tells running steps to stop, then interrupts the caller as usual."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}

    def handler(signum: int, frame: Any) -> None:
        cancel.set()
        raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    for signum in STOP_SIGNALS:
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@dataclass
class Outcome:
    """How one drive of a run's graph ended (the run database already says the same)."""

    status: str  # succeeded | failed | budget_exceeded
    answer: Any
    results: dict[str, Any]
    error: AgentnetError | None = None


def drive(
    graph: Any,
    runtime: Runtime,
    run_id: str,
    state: dict[str, Any] | None,
    store: RunStore,
    on_event: Callable[[StepEvent], None] | None,
) -> Outcome:
    """Stream a compiled run graph to its end, recording the run's status in ``store``.

    ``state`` is the initial state, or None to continue from the last checkpoint. Ctrl-C marks the
    run interrupted (resumable) and re-raises; agentnet errors end the run as failed or
    budget_exceeded and come back in the outcome; any other exception is a bug: recorded, re-raised.
    """
    runtime.cancel.clear()
    config = run_config(run_id)
    try:
        with cancel_on_sigint(runtime.cancel):
            for mode, chunk in graph.stream(state, config, stream_mode=["custom", "updates"], durability="sync"):
                if mode == "custom" and on_event is not None:
                    event = StepEvent.from_chunk(chunk)
                    if event is not None:
                        on_event(event)
    except KeyboardInterrupt as exc:
        runtime.cancel.set()
        how = "SIGTERM" if isinstance(exc, Terminated) else "Ctrl-C"
        store.set_status(
            run_id,
            "interrupted",
            error={"code": "interrupted", "message": f"interrupted ({how})", "hint": f"resume: {run_id}"},
        )
        raise
    except AgentnetError as exc:
        status = "budget_exceeded" if isinstance(exc, BudgetExceededError) else "failed"
        store.set_status(run_id, status, error=exc.to_dict())
        return Outcome(status, None, dict(graph.get_state(config).values.get("results") or {}), exc)
    except Exception as exc:
        # A bug (ours or a prompt/route function's): recorded, then surfaced as is.
        error = {"code": "internal_error", "message": redact_text(f"{type(exc).__name__}: {exc}"), "hint": None}
        store.set_status(run_id, "failed", error=error)
        raise
    finally:
        runtime.forget(run_id)
    values = graph.get_state(config).values
    answer = values.get("answer")
    store.set_status(run_id, "succeeded", answer=answer)
    return Outcome("succeeded", answer, dict(values.get("results") or {}))
