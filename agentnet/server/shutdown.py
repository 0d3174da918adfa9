"""A server's runs in flight when it shuts down (SIGTERM from a service manager, Ctrl-C): each is
stopped and saved ``interrupted``, and the log says which and how to resume it. Before, a run kept its
``running`` record and lease, uvicorn's re-raised SIGTERM ended the process under it, and nothing but
the lease running out (15 s by default) said it had stopped; the log said nothing at all.

The runs are stopped when the signal arrives (``stop_on_signals``), not after uvicorn's graceful
wait: a client waiting for its run then gets the run's answer (interrupted) within that wait, instead
of a request cancelled at its end (a 500 and a traceback in the log). The model calls made for clients
(a chat completion, an MCP ``ask``) stop then too (``CallsInFlight``), and after the clean-up SIGTERM
ends the process with status 0, its exit handlers run (``sigterm_ends_cleanly``)."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

log = logging.getLogger("agentnet.server")

# How long a shutdown waits for stopped runs to be saved: a step stops within a token or two, a
# remote model's call at its next chunk.
STOP_WAIT_S = 10.0
_POLL_S = 0.05


def serve_resume(run_id: str) -> str:
    """How to resume a run ``agentnet serve`` stopped: any server on its run database, or the CLI."""
    return f"POST /v1/runs/{run_id}/resume on a server sharing the run database, or `agentnet run --resume {run_id}`"


def mcp_resume(run_id: str) -> str:
    """How to resume a run ``agentnet mcp serve`` stopped: its tools start runs but resume none."""
    return (
        f"`agentnet run --resume {run_id}` with the same config (the MCP tools cannot resume a run), or "
        f"POST /v1/runs/{run_id}/resume on an `agentnet serve` sharing the run database"
    )


async def stop_runs(network: Any, wait_s: float = STOP_WAIT_S, resume: Callable[[str], str] = serve_resume) -> None:
    """Stop the runs ``network`` executes in this process (and any that start meanwhile), wait until
    they are saved, and log one line per run naming how to resume it (``resume(run_id)``). The
    network runs again after."""
    await asyncio.to_thread(stop_runs_now, network, wait_s, resume)


def stop_runs_now(network: Any, wait_s: float = STOP_WAIT_S, resume: Callable[[str], str] = serve_resume) -> None:
    """``stop_runs`` in the calling thread (which waits): for a process stopping outside an event loop."""
    from agentnet.errors import AgentnetError

    try:
        executor = network.executor  # opens no run database: one never opened has no run to stop
    except AgentnetError:  # the application closed its network already: nothing runs on it
        return
    # The runs' saved errors name ``resume`` too (`agentnet runs show`); `agentnet serve`'s keep the
    # executor's own hint, which names the same ways.
    executor.stop_all(None if resume is serve_resume else resume)
    deadline = time.monotonic() + wait_s
    while executor.executing() and time.monotonic() < deadline:
        time.sleep(_POLL_S)
    left = set(executor.executing())
    for run_id in executor.executing(stopped=True):
        _say(executor, run_id, run_id in left, wait_s, resume(run_id))
    # The process may go on (an app served in a thread, then closed): its network runs again.
    executor.start_again()


def _say(executor: Any, run_id: str, still_running: bool, wait_s: float, resume: str) -> None:
    from agentnet.errors import AgentnetError

    if still_running:
        log.warning(
            "run %s did not stop within %.0f s of the shutdown: it stays marked running until its lease "
            "(runs.lease_s) runs out; then resume it: %s", run_id, wait_s, resume,
        )  # fmt: skip
        return
    try:
        status = executor.trace(run_id)["status"]
    except AgentnetError as exc:  # the run database went away meanwhile
        status = f"unknown ({exc.message})"
    if status != "succeeded":  # one that ended on its own as the signal came needs nothing
        log.warning("run %s interrupted by the server's shutdown (saved %s); resume it: %s", run_id, status, resume)


class CallsInFlight:
    """The model calls a server is making for its clients (``abort`` events), stopped together when a
    stop signal arrives: uvicorn waited its graceful 5 s while the models went on, then cancelled the
    requests (a client got a bare 500, the log a CancelledError traceback, a stream was cut unsaid)."""

    def __init__(self) -> None:
        self._aborts: set[threading.Event] = set()
        self._lock = threading.Lock()
        self.stopping = False

    @contextmanager
    def held(self, abort: threading.Event) -> Iterator[None]:
        """While a call runs: set ``abort`` when the server stops (at once if it is stopping already)."""
        with self._lock:
            self._aborts.add(abort)
            if self.stopping:
                abort.set()
        try:
            yield
        finally:
            with self._lock:
                self._aborts.discard(abort)

    def stop(self) -> None:
        with self._lock:
            self.stopping = True
            aborts = list(self._aborts)
        for abort in aborts:
            abort.set()

    def ended(self, wait_s: float) -> bool:
        """Whether every call held has ended (returned its answer or error) within ``wait_s``."""
        deadline = time.monotonic() + wait_s
        while True:
            with self._lock:
                if not self._aborts:
                    return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL_S)


def shutting_down() -> Any:
    """What a client of a call stopped by the server's shutdown is answered (an ``HTTPProblem``)."""
    from agentnet.server.errors import HTTPProblem

    return HTTPProblem(
        503,
        "the server is shutting down: the call was stopped before its reply was complete; send it again "
        "(to another server, or to this one once it is back)",
        type="server_error",
        code="shutting_down",
    )


def stop_on_signals(
    network: Any,
    calls: CallsInFlight | None = None,
    resume: Callable[[str], str] | None = None,
    answered: Callable[[], Awaitable[None]] | None = None,
) -> Callable[[], None]:
    """From now on, SIGTERM or SIGINT first stops ``network``'s runs (``Executor.stop_all``, on the event
    loop: a signal handler takes no lock; their errors name ``resume(run_id)`` if given) and the model ``calls``
    in flight, then goes to the handler that was there (uvicorn's): once ``answered()`` returns, if
    given (the stopped calls' answers written), else at once; a second signal at once. Returns the undo.
    Signals reach only the main thread: elsewhere (an app served in a thread) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    previous: dict[int, Any] = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    waiting: set[Any] = set()  # the signal waiting for the answers (its task, once made)

    async def then(done: Callable[[], Awaitable[None]], old: Callable[..., None], signum: int, frame: Any) -> None:
        await done()
        old(signum, frame)

    def handler(signum: int, frame: Any) -> None:
        if network is not None:
            loop.call_soon_threadsafe(_stop_now, network, resume)
        if calls is not None:
            loop.call_soon_threadsafe(calls.stop)
        old = previous[signum]
        if callable(old) and answered is not None and not waiting:
            waiting.add(signum)
            later = then(answered, old, signum, frame)
            loop.call_soon_threadsafe(lambda: waiting.add(loop.create_task(later)))
        elif callable(old):
            old(signum, frame)
        elif signum == signal.SIGINT:
            raise KeyboardInterrupt
        else:  # SIG_DFL: end as the signal would have
            signal.signal(signum, old)
            signal.raise_signal(signum)

    return install_handler(handler, previous)


def install_handler(handler: Callable[[int, Any], None], previous: dict[int, Any]) -> Callable[[], None]:
    """``handler`` for each signal of ``previous`` (its handlers before); returns the undo, which puts
    each back unless something else has replaced ``handler`` since."""
    for signum in previous:
        signal.signal(signum, handler)

    def undo() -> None:
        for signum, old in previous.items():
            if signal.getsignal(signum) is handler:
                signal.signal(signum, old)

    return undo


def _stop_now(network: Any, resume: Callable[[str], str] | None) -> None:
    from agentnet.errors import AgentnetError

    try:
        network.executor.stop_all(resume)
    except AgentnetError:  # closed by the application: nothing runs on it
        log.debug("no runs to stop", exc_info=True)


@contextmanager
def sigterm_ends_cleanly() -> Iterator[None]:
    """Around ``uvicorn.Server.run``: SIGTERM ends the process with status 0 after the server's clean-up,
    the exit handlers run. uvicorn catches the signal, shuts down, then raises it again under the handler
    that was there before: Python's default, so the process was killed by it (status -15) and the exit
    handlers (telemetry's last export, the MCP hub's close, stopping a plan-memory fit) never ran.

    The handler ends the process there, as ``stdio_stop`` does: exit handlers, then ``os._exit``. Leaving
    by an exception instead, ``asyncio.run`` and then the interpreter waited for every worker thread: a
    model call that outlived the shutdown (a remote model that never answers) held the exit until its
    deadline (58 s for one of 60 s), where the signal had ended it at once. SIGINT is left as it is (a
    KeyboardInterrupt: "interrupted", 130). Signals reach only the main thread: elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        exit_now(0)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        if signal.getsignal(signal.SIGTERM) is handler:
            signal.signal(signal.SIGTERM, previous)


def exit_now(status: int) -> NoReturn:
    """End the process with ``status`` after what a normal exit runs first (the exit handlers, logging's
    and the standard streams' flush), without waiting for threads still in a call."""
    import atexit
    import contextlib
    import os
    import sys

    with contextlib.suppress(Exception):
        atexit._run_exitfuncs()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)
