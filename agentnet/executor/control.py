"""Run control shared by every graph driver (plans in ``runner.py``, recipes in ``agentnet.recipes``)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from langchain_core.runnables import RunnableConfig

from agentnet import genai_spans, telemetry
from agentnet.errors import AgentnetError, BudgetExceededError, RunStoreError
from agentnet.executor.events import StepEvent
from agentnet.executor.lease import lease_lost, run_cancelled, run_shut_down
from agentnet.redact import redact_text

if TYPE_CHECKING:
    from agentnet.executor.lease import Lease
    from agentnet.executor.steps import Runtime
    from agentnet.executor.store import RunStore


def run_config(run_id: str, recursion_limit: int = 200) -> RunnableConfig:
    # Loops and long plans need more supersteps than LangGraph's default of 25 (budgets.recursion_limit).
    return {"configurable": {"thread_id": run_id}, "recursion_limit": recursion_limit}


def recursion_limit_reached(run_id: str, limit: int, resume: str) -> BudgetExceededError:
    return BudgetExceededError(
        f"run {run_id} took {limit} graph steps, its recursion limit (budgets.recursion_limit={limit}), "
        "before reaching its answer",
        hint=f"raise budgets.recursion_limit in agentnet.yaml (or pass --recursion-limit) and resume: "
        f"{resume} --recursion-limit {limit * 2}",
        code="recursion_limit",
    )


class Terminated(KeyboardInterrupt):
    """SIGTERM (a service manager, ``kill``, a CI timeout) during a run: handled exactly like Ctrl-C."""

    exit_code = 143


class CallerCancelled(KeyboardInterrupt):
    """An asyncio caller's task was cancelled (``Network.arun``): the run stops as on Ctrl-C, and its
    record says which of them it was."""


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
T = TypeVar("T")
# How often a cancelled asyncio caller asks again for its run to stop (a run still being planned is
# not driven yet: it is stopped once it is).
_STOP_POLL_S = 0.1


@dataclass
class _ThreadStop:
    """A run driven outside the main thread: its cancel flag, and the interrupt to raise once it stopped."""

    cancel: threading.Event
    raising: type[KeyboardInterrupt] | None = None


# Runs driven outside the main thread, by the thread's ident. Signals reach only the main thread, so
# whoever interrupts such a thread (the daemon, for a caller's SIGTERM or Ctrl-C) calls
# ``stop_run_in_thread``: the running steps stop at the flag and the driving thread raises the interrupt
# itself as the run stops. Not an async exception (PyThreadState_SetAsyncExc) into that thread: it waits
# in C on the steps, and on CPython 3.11 a pending async exception keeps every thread's eval breaker set
# until its target runs Python again; under coverage the threads then thrashed the GIL for minutes
# before the interrupting one set the flag (CI, stop 22, seen with gdb).
_THREAD_STOPS: dict[int, _ThreadStop] = {}


def stop_run_in_thread(ident: int, raising: type[KeyboardInterrupt] = KeyboardInterrupt) -> bool:
    """Stop the run driven by thread ``ident`` as a signal stops an in-process one: its steps at the
    cancel flag, then ``raising`` in that thread. False when the thread drives no run."""
    stop = _THREAD_STOPS.get(ident)
    if stop is None:
        return False
    stop.raising = raising
    stop.cancel.set()
    return True


class _Stopped(Exception):
    """The run a cancelled asyncio caller stopped ended so (in place of its interrupt)."""


async def stoppable_in_thread(work: Callable[[], T]) -> T:
    """``work()``, which drives a run, in a worker thread for an asyncio caller (its loop stays free).
    A cancelled caller stops the run there as Ctrl-C stops one in-process (``stop_run_in_thread``:
    the steps at the cancel flag, the run saved interrupted, resumable) and waits until it is saved
    before the cancellation goes on; not a thread left running a run nobody awaits."""
    import asyncio

    idents: list[int] = []

    def worker() -> T:
        idents.append(threading.get_ident())
        try:
            return work()
        except KeyboardInterrupt:  # asyncio would let it out of the caller's event loop
            raise _Stopped from None

    job = asyncio.ensure_future(asyncio.to_thread(worker))
    try:
        return await asyncio.shield(job)
    except asyncio.CancelledError:
        while not job.done():
            if idents:
                stop_run_in_thread(idents[0], CallerCancelled)
            await asyncio.wait({job}, timeout=_STOP_POLL_S)
        if not job.cancelled():
            job.exception()  # the interrupt it ended with is this cancellation's, not to be logged
        raise


@contextmanager
def cancel_on_sigint(cancel: threading.Event) -> Iterator[None]:
    """Ctrl-C or SIGTERM first tells running steps to stop, then interrupts the caller as usual."""
    if threading.current_thread() is not threading.main_thread():
        with _stoppable_in_thread(cancel):
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


@contextmanager
def _stoppable_in_thread(cancel: threading.Event) -> Iterator[None]:
    """The run's stop for ``stop_run_in_thread``: once asked, whatever the stopped steps raised (or
    nothing, when the run ended meanwhile) becomes the interrupt, as the signal's is in-process."""
    ident = threading.get_ident()
    stop = _THREAD_STOPS[ident] = _ThreadStop(cancel)
    try:
        yield
    except Exception:
        if stop.raising is None:
            raise
        raise stop.raising from None
    finally:
        _THREAD_STOPS.pop(ident, None)
    if stop.raising is not None:
        raise stop.raising


# What stopped an interrupted run, as its record says (a KeyboardInterrupt is Ctrl-C).
_HOW: dict[type[BaseException], str] = {Terminated: "SIGTERM", CallerCancelled: "its caller was cancelled"}


@dataclass
class Outcome:
    """How one drive of a run's graph ended (the run database already says the same)."""

    status: str  # succeeded | failed | budget_exceeded | interrupted (cancelled)
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
    """``_drive`` inside the run's span when tracing is on."""
    if telemetry.tracer() is None:
        return _drive(graph, runtime, run_id, state, store, on_event)
    with _run_span(store, run_id) as current, genai_spans.batched():
        outcome = _drive(graph, runtime, run_id, state, store, on_event)
        current.set_attribute("agentnet.run.status", outcome.status)
        if outcome.error is not None:
            current.set_attribute("error.type", outcome.error.code)
        return outcome


@contextmanager
def _run_span(store: RunStore, run_id: str) -> Iterator[Any]:
    """The run's span. The first drive starts the run's trace (under the caller's span, if any: a
    server request, ``agentnet run``); a resume, in whatever process, continues that same trace."""
    earlier = store.trace_context(run_id)
    attributes = {
        "gen_ai.operation.name": "invoke_workflow",
        "agentnet.run.id": run_id,
        "agentnet.resumed": bool(earlier),
    }
    parent = {"traceparent": earlier} if earlier else None
    with telemetry.continued(parent), telemetry.span("invoke_workflow agentnet", attributes) as current:
        traceparent = telemetry.current_headers().get("traceparent")
        if not earlier and traceparent:
            store.keep_trace_context(run_id, traceparent)
        yield current


def _drive(
    graph: Any,
    runtime: Runtime,
    run_id: str,
    state: dict[str, Any] | None,
    store: RunStore,
    on_event: Callable[[StepEvent], None] | None,
) -> Outcome:
    """Stream a compiled run graph to its end, recording the run's status in ``store``.

    The caller has claimed the run (``store.start_run``); its lease is renewed meanwhile. ``state``
    is the initial state, or None to continue from the last checkpoint. Ctrl-C marks the run
    interrupted (resumable) and re-raises; a cancel request marks it interrupted too; agentnet errors
    end the run as failed or budget_exceeded and come back in the outcome; losing the lease to
    another process stops the run here without a word to the database (the new owner writes now);
    any other exception is a bug: recorded, re-raised.
    """
    from langgraph.errors import GraphRecursionError

    runtime.forget(run_id)  # a resumed run starts with its flag down and its spend re-read
    cancel = runtime.cancel_flag(run_id)
    config = run_config(run_id, runtime.budgets.recursion_limit)
    with store.executing(run_id, cancel) as lease:
        try:
            with cancel_on_sigint(cancel):
                try:
                    _stream(graph, state, config, on_event)
                except GraphRecursionError:
                    raise recursion_limit_reached(
                        run_id, runtime.budgets.recursion_limit, runtime.resume_hint(run_id)
                    ) from None
        except KeyboardInterrupt as exc:
            cancel.set()
            how = _HOW.get(type(exc), "Ctrl-C")
            store.set_status(
                run_id,
                "interrupted",
                error={"code": "interrupted", "message": f"interrupted ({how})", "hint": f"resume: {run_id}"},
            )
            raise
        except AgentnetError as exc:
            return _stopped(graph, config, run_id, store, lease, runtime.failure(run_id, exc))
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


def _stream(
    graph: Any, state: dict[str, Any] | None, config: RunnableConfig, on_event: Callable[[StepEvent], None] | None
) -> None:
    for mode, chunk in graph.stream(state, config, stream_mode=["custom", "updates"], durability="sync"):
        if mode == "custom" and on_event is not None:
            event = StepEvent.from_chunk(chunk)
            if event is not None:
                on_event(event)


def _stopped(
    graph: Any, config: RunnableConfig, run_id: str, store: RunStore, lease: Lease, exc: AgentnetError
) -> Outcome:
    """How a run that raised ends: cancelled, taken over, out of budget, or failed."""
    if lease.lost in ("taken", "unreachable"):
        return Outcome(
            "failed", None, {}, exc if exc.code in ("lease_lost", "runs_db_unavailable") else lease_lost(run_id)
        )
    if isinstance(exc, RunStoreError):
        return Outcome("failed", None, {}, exc)
    results = dict(graph.get_state(config).values.get("results") or {})
    if lease.lost in ("cancelled", "shutdown"):
        error = run_shut_down(run_id, lease.resume) if lease.lost == "shutdown" else run_cancelled(run_id)
        store.set_status(run_id, "interrupted", error=error.to_dict())
        return Outcome("interrupted", None, results, error)
    status = "budget_exceeded" if isinstance(exc, BudgetExceededError) else "failed"
    store.set_status(run_id, status, error=exc.to_dict())
    return Outcome(status, None, results, exc)
