"""A network run whose client hung up is stopped, as a cancel stops it (the run ends interrupted,
resumable), instead of running on to its end for nobody while it holds the network: a long story from
SmolLM2 kept the server busy ~10 s and every caller after it waited. (``watch_disconnect`` also stops
one model's call answered whole: chat.py.)

Streamed (the ``agentnet`` model with ``stream``), the response's task learns of the hang-up when its
generator is closed. Not streamed (the ``agentnet`` model without it, ``POST /v1/runs`` and resume
with ``wait``), nothing is written until the run ends, so ``watching`` listens for the ASGI
``http.disconnect`` meanwhile, as Starlette's streaming responses do. Either way the run lives in a
worker thread and may not exist yet until its first step event, so the worker checks: before running
(no run at all) and at that first event (cancel it then); after it, a hang-up cancels it at once."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from starlette.types import Receive

from agentnet.errors import AgentnetError
from agentnet.server.errors import HTTPProblem

log = logging.getLogger("agentnet.server")


@asynccontextmanager
async def watch_disconnect(receive: Receive, left: Callable[[], None]) -> AsyncIterator[None]:
    """Call ``left`` if the client disconnects while the block runs (the request's body already read):
    for a request answered whole, which writes nothing until then, so nothing else would notice."""

    async def watch() -> None:
        # After the body, the server's next message is the disconnect (or the end of the response).
        try:
            while (await receive())["type"] != "http.disconnect":
                pass
        except Exception:  # a server that cannot say: the work goes on, as before
            log.debug("cannot watch for the client hanging up", exc_info=True)
            return
        left()

    watcher = asyncio.create_task(watch())
    try:
        yield
    finally:
        watcher.cancel()


class ClientGone(Exception):
    """The client of a network run hung up before the run started: nothing is run."""


def gone_problem(exc: ClientGone) -> HTTPProblem:
    """The answer nobody reads, for the access log: 499 as nginx logs a request its client closed."""
    return HTTPProblem(499, str(exc), code="client_disconnected")


class HangUp:
    """Stops one network run whose client hung up. ``put`` (streamed only) hands the plan and each step
    event to the response's task; ``run_id`` is the run's id, or a new one."""

    def __init__(self, network: Any, put: Callable[[str, Any], None] | None = None, run_id: str | None = None) -> None:
        from agentnet.executor.runner import new_run_id

        self.network = network
        self.put = put
        self.run_id = run_id or new_run_id()
        self.done = False  # the stream reached its end: the client did not leave early
        self._left = threading.Event()
        self._began = threading.Event()
        self._once = threading.Lock()
        self._cancelled = False

    def before_run(self) -> None:
        """In the worker, before the run starts (or resumes): a client gone already gets no run."""
        if self._left.is_set():
            raise ClientGone("the client hung up before the run started")

    def on_plan(self, plan: Any) -> None:
        """In the worker, once planned."""
        self.before_run()
        if self.put is not None:
            self.put("plan", plan)

    def on_event(self, _event: Any = None) -> None:
        """In the worker, at each run event: the run exists now, so a client gone meanwhile stops it."""
        self._began.set()
        if self._left.is_set():
            self._cancel()

    def on_step(self, event: dict[str, Any]) -> None:
        """In the worker, at each step event (as a record), also handed to the response's task."""
        self.on_event()
        if self.put is not None:
            self.put("event", event)

    def left(self) -> None:
        """The client hung up (in the response's task)."""
        self._left.set()
        if self._began.is_set():
            # Not awaited: the response's task may be being cancelled; the cancel is a quick database write.
            threading.Thread(target=self._cancel, name="agentnet-hangup", daemon=True).start()

    async def __aenter__(self) -> HangUp:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if not self.done:
            self.left()

    def watching(self, receive: Receive) -> AbstractAsyncContextManager[None]:
        """While the block runs (the request's body already read), a client that disconnects has left."""
        return watch_disconnect(receive, self.left)

    def _cancel(self) -> None:
        with self._once:
            if self._cancelled:
                return
            self._cancelled = True
        log.info("run %s: its client hung up; stopping it", self.run_id)
        try:
            self.network.cancel(self.run_id)
        except AgentnetError as exc:  # the run ended meanwhile, or the run database is gone: nothing to stop
            log.info("could not stop run %s after its client hung up: %s", self.run_id, exc.message)
