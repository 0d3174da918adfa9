"""Followers of running runs (``GET /v1/runs/{id}/events``): one read of a run's trace per poll, however
many clients follow it, and a bound on the followers one server keeps.

Each follower used to re-read the trace itself every ``FOLLOW_POLL_S`` in a worker thread: 1,000
followers of one run cost the server 0.8 of a core in reads of the run database (bench/
followers.py), and nothing stopped more. Now the first follower of a run starts one poller that
hands every trace it reads to all of them; it stops when the run ends or its last follower leaves.
Beyond ``max_run_followers`` followers the server answers 429 with ``Retry-After`` (``FollowerLimiter``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from typing import Any

from agentnet.errors import NotFoundError
from agentnet.server.limits import ModelLimiter, Ticket

# How often a run's trace is re-read while anyone follows it (the run may execute in another process).
FOLLOW_POLL_S = 0.25


class FollowerLimiter(ModelLimiter):
    """At most ``limit`` followers at once on this server, of all runs together; none wait."""

    code = "too_many_followers"

    def __init__(self, limit: int) -> None:
        super().__init__(limit, 0)

    def reserve(self, node_id: str = "", key: str | None = None) -> Ticket:
        return super().reserve("followers")

    def busy(self, node_id: str, admitted: int) -> str:
        return (
            f"{admitted} clients are following runs on this server, the most it serves at once "
            "(max_run_followers); read the run with GET /v1/runs/{run_id} meanwhile"
        )


class _Watch:
    """One running run's latest trace, re-read by one task while anyone follows it."""

    def __init__(self) -> None:
        self.read: dict[str, Any] | BaseException | None = None  # None once the run is gone
        self.version = 0
        self.changed = asyncio.Condition()
        self.followers = 0
        self.poller: asyncio.Task[None] | None = None
        self.over = False  # the run ended (or its trace cannot be read): a new follower starts afresh

    async def after(self, seen: int) -> None:
        """Wait for a read newer than version ``seen``."""
        async with self.changed:
            await self.changed.wait_for(lambda: self.version != seen)


class Followers:
    """``traces(run_id)``: the run's trace each time it is re-read, shared by all its followers."""

    def __init__(self, read_trace: Callable[[str], dict[str, Any]], poll_s: float = FOLLOW_POLL_S) -> None:
        self._read_trace = read_trace
        self.poll_s = poll_s
        self._watches: dict[str, _Watch] = {}

    async def traces(self, run_id: str, last: dict[str, Any]) -> AsyncGenerator[dict[str, Any] | None, None]:
        """Each trace of ``run_id`` read after ``last`` (None: the run is gone); ends after the first one
        that is no longer running, at once if ``last`` is not. Raises what reading it raised (the run
        database is down)."""
        if last["status"] != "running":
            return
        watch = self._join(run_id)
        seen = watch.version
        try:
            while True:
                await watch.after(seen)
                seen = watch.version
                read = watch.read
                if isinstance(read, BaseException):
                    raise read
                yield read
                if read is None or read["status"] != "running":
                    return
        finally:
            self._leave(run_id, watch)

    def _join(self, run_id: str) -> _Watch:
        watch = self._watches.get(run_id)
        if watch is None or watch.over:
            watch = self._watches[run_id] = _Watch()
            watch.poller = asyncio.create_task(self._poll(run_id, watch), name=f"agentnet-follow-{run_id}")
        watch.followers += 1
        return watch

    def _leave(self, run_id: str, watch: _Watch) -> None:
        watch.followers -= 1
        if watch.followers == 0:
            if watch.poller is not None:
                watch.poller.cancel()
            if self._watches.get(run_id) is watch:
                del self._watches[run_id]

    async def _poll(self, run_id: str, watch: _Watch) -> None:
        while not watch.over:
            await asyncio.sleep(self.poll_s)
            read: dict[str, Any] | BaseException | None
            try:
                read = await asyncio.to_thread(self._read_trace, run_id)
            except NotFoundError:
                read = None
            except Exception as exc:  # noqa: BLE001 - each follower raises it, as its own read did
                read = exc
            watch.over = not isinstance(read, dict) or read["status"] != "running"
            async with watch.changed:
                watch.read, watch.version = read, watch.version + 1
                watch.changed.notify_all()
