"""Per-model admission: a local model runs a few calls at once and lets a few wait; the rest get 429.

A llama.cpp model answers one call at a time, so an unbounded queue only turns load into timeouts.
Refusing early with ``Retry-After`` (estimated from recent call times) lets clients back off instead.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from agentnet.server.errors import HTTPProblem


@dataclass
class _Gate:
    semaphore: asyncio.Semaphore
    capacity: int
    admitted: int = 0  # running + waiting
    recent_s: list[float] = field(default_factory=list)

    def typical_s(self) -> float:
        return sorted(self.recent_s)[len(self.recent_s) // 2] if self.recent_s else 1.0


class ModelLimiter:
    """``reserve(node_id)`` admits a call (a ``Ticket``) or refuses it with 429."""

    def __init__(self, concurrency: int, queue: int) -> None:
        self.concurrency = concurrency
        self.queue = queue
        self._gates: dict[str, _Gate] = {}

    def _gate(self, node_id: str) -> _Gate:
        gate = self._gates.get(node_id)
        if gate is None:
            gate = _Gate(asyncio.Semaphore(self.concurrency), capacity=self.concurrency + self.queue)
            self._gates[node_id] = gate
        return gate

    def in_flight(self, node_id: str) -> int:
        gate = self._gates.get(node_id)
        return gate.admitted if gate else 0

    def depths(self) -> dict[str, tuple[int, int]]:
        """(running, waiting) calls per admission key, for metrics."""
        found = {}
        for key, gate in self._gates.items():
            running = min(gate.admitted, self.concurrency)
            found[key] = (running, gate.admitted - running)
        return found

    def reserve(self, node_id: str, key: str | None = None) -> Ticket:
        """Admit one call now or raise a 429 ``HTTPProblem``; the caller must ``release()`` the ticket.
        ``key`` names the engine the call needs when several model ids share one (default: the id)."""
        gate = self._gate(key or node_id)
        if gate.admitted >= gate.capacity:
            waves = math.ceil((gate.admitted - self.concurrency + 1) / self.concurrency)
            retry_after = max(1, math.ceil(gate.typical_s() * waves))
            raise HTTPProblem(
                429,
                f"{self.busy(node_id, gate.admitted)}; retry in {retry_after} s",
                type="rate_limit_error",
                code=self.code,
                headers={"Retry-After": str(retry_after)},
            )
        gate.admitted += 1
        return Ticket(gate)

    code = "model_busy"

    def busy(self, node_id: str, admitted: int) -> str:
        return f"model {node_id!r} is busy ({admitted} calls running or waiting)"


class RemoteLimiter(ModelLimiter):
    """Calls to remote models (providers and peers), all models and clients together: at most
    ``limit`` at once and none waiting, so one client cannot run up a paid provider's bill."""

    code = "remote_limit"

    def __init__(self, limit: int) -> None:
        super().__init__(limit, 0)

    def reserve(self, node_id: str, key: str | None = None) -> Ticket:
        return super().reserve(node_id, "remote")

    def busy(self, node_id: str, admitted: int) -> str:
        return (
            f"{admitted} remote-model calls are running, the most this server makes at once "
            f"(--max-concurrent-remote {self.concurrency}); {node_id!r} was not called"
        )


class Ticket:
    """One admitted call: ``async with ticket.running()`` waits its turn; ``release()`` frees the slot."""

    def __init__(self, gate: _Gate | None) -> None:
        self._gate = gate
        self._released = gate is None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        if self._gate is None:
            yield
            return
        gate = self._gate
        async with gate.semaphore:
            started = time.monotonic()
            yield
            gate.recent_s = [*gate.recent_s[-19:], time.monotonic() - started]

    def release(self) -> None:
        if not self._released and self._gate is not None:
            self._released = True
            self._gate.admitted -= 1


UNLIMITED = Ticket(None)
