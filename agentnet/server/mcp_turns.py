"""The MCP server's tool calls: taking turns on the network, and stopping at the server's stop.

The network's parts are not made for concurrent use, so each call waits for its turn (a lock) in its
worker thread; the directory is released after each use so other agentnet processes can plan
meanwhile. When the server stops (SIGTERM or Ctrl-C: ``CallsInFlight.stop``):

- a call still waiting for its turn gives it up and is answered that the server is shutting down. It
  waited behind the call holding the turn, however long that took: behind a ``plan`` whose planner
  model never answers, a minute, with the server waiting for it before it could end;
- an ``ask`` stops inside (its model's call is aborted), a ``run`` is stopped by the executor (saved
  interrupted, which its answer says);
- a ``plan`` or a ``search_directory`` cannot be stopped inside (a planner model's call, an index being
  built): its client is answered at once, and its thread is left to end with the process. It keeps
  the turn, but no call waits for it any more: every later one is refused at once.

Over HTTP, the signal reaches uvicorn only once those answers are written (``PostsInFlight``): uvicorn's
stop makes sse-starlette cut every event stream at its next check (every 0.5 s), the MCP SDK's answer
streams among them, so an answer that came later than that was lost (an empty 200; under load, often).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from agentnet.errors import RunError
from agentnet.server.shutdown import CallsInFlight

_POLL_S = 0.05
# How long the signal waits for the answers in flight before uvicorn is told to stop: each call ends
# within a moment of the stop (an aborted model call, a run saved interrupted, a call given up on).
ANSWER_WAIT_S = 5.0


class Stopped(Exception):
    """A call given up by the server's stop before it took its turn."""


def shutting_down() -> RunError:
    return RunError(
        "the MCP server is shutting down: the call was stopped before its reply was complete",
        hint="ask again once the server is back",
        code="shutting_down",
    )


class Turns:
    """The calls of one MCP server on ``network``: one at a time (``lock``), each stopped by ``calls``."""

    def __init__(self, network: Any, lock: Any, calls: CallsInFlight) -> None:
        self.network, self.lock, self.calls = network, lock, calls

    async def call(self, fn: Callable[[threading.Event], Any]) -> Any:
        """``fn(abort)`` in its turn, in a worker thread; ``abort`` is set when the server stops, and
        ``fn`` is to stop then (or be stopped by the executor, a run). Not given up on: a client's
        cancel waits for it, as the SDK's progress reports need (``anyio.from_thread``)."""
        import anyio

        abort = threading.Event()
        with self.calls.held(abort):
            if abort.is_set():
                raise shutting_down()
            try:
                return await anyio.to_thread.run_sync(self._in_turn, abort, fn)
            except Stopped:
                raise shutting_down() from None

    async def given_up_at_stop(self, fn: Callable[[], Any]) -> Any:
        """``fn()`` in its turn, in a worker thread, given up on when the server stops: its client is
        answered, the thread left to end with the process."""
        abort = threading.Event()
        with self.calls.held(abort):
            work = asyncio.ensure_future(asyncio.to_thread(self._in_turn, abort, lambda _: fn()))
            try:
                while not work.done():
                    if abort.is_set():
                        raise shutting_down()
                    await asyncio.wait([work], timeout=_POLL_S)
            except BaseException:
                # Given up at the stop, or cancelled by its client (notifications/cancelled): the thread
                # goes on, and its end is collected when it comes.
                work.add_done_callback(_dropped)
                raise
            try:
                return work.result()
            except Stopped:
                raise shutting_down() from None

    def _in_turn(self, abort: threading.Event, fn: Callable[[threading.Event], Any]) -> Any:
        while not self.lock.acquire(timeout=_POLL_S):
            if abort.is_set():
                raise Stopped
        try:
            if abort.is_set():  # the server stopped as the turn came: start nothing
                raise Stopped
            return fn(abort)
        finally:
            try:
                self.network.release_directory()
            finally:
                self.lock.release()


def _dropped(work: asyncio.Future[Any]) -> None:
    """Collects the end of work given up (at the stop, or by its client's cancel), so asyncio logs no
    'exception never retrieved'."""
    if not work.cancelled():
        work.exception()


class PostsInFlight:
    """An ASGI wrapper counting the POST requests its app is answering (the MCP tool calls; not the
    long-lived GET event stream), so a stop can wait until their answers are written."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.count = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        self.count += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.count -= 1

    async def answered(self, wait_s: float = ANSWER_WAIT_S) -> None:
        """Once no POST is being answered, or after ``wait_s``."""
        deadline = time.monotonic() + wait_s
        while self.count and time.monotonic() < deadline:
            await asyncio.sleep(_POLL_S)
