"""Deployments that keep failing are left alone for a while, as LiteLLM's router does.

A deployment is one endpoint serving one model (``model`` at ``api_base``). Failed requests are
counted per deployment over the last minute; once more than ``allowed_fails`` have failed, the
deployment cools down for ``cooldown_s`` seconds: calls to it fail at once (``model_cooling_down``)
without a request, so a step moves on to its next candidate instead of waiting on a server that is
down. A rate limit whose ``Retry-After`` outlasts the caller's deadline cools the deployment down
for that long (at most five minutes): the server said when it will take calls again. A success clears the count. The
record is per process, like the model pool: ``agentnet serve`` and long runs benefit most.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

WINDOW_S = 60.0


@dataclass
class Cooling:
    """Why and until when a deployment is skipped."""

    until: float
    failures: int
    last_error: str

    def remaining(self, now: float) -> float:
        return max(0.0, self.until - now)


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    cooling: Cooling | None = None


class Cooldowns:
    """Failure counts and cooldowns per deployment key; safe to share between threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def cooling(self, key: str) -> Cooling | None:
        """The deployment's cooldown while it lasts, else None."""
        with self._lock:
            record = self._records.get(key)
            if record is None or record.cooling is None or record.cooling.remaining(self._clock()) <= 0:
                return None
            return record.cooling

    def failed(
        self, key: str, error: str, *, allowed_fails: int, cooldown_s: float, at_least_s: float = 0.0
    ) -> Cooling | None:
        """Count one failed request; returns the cooldown it starts (None while under the limit)."""
        now = self._clock()
        with self._lock:
            record = self._records.setdefault(key, _Record())
            record.failures = [t for t in record.failures if now - t < WINDOW_S] + [now]
            length = max(cooldown_s, at_least_s) if len(record.failures) > allowed_fails else at_least_s
            if cooldown_s <= 0 or length <= 0:
                return None
            record.cooling = Cooling(until=now + length, failures=len(record.failures), last_error=error)
            return record.cooling

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._records.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


_SHARED = Cooldowns()


def shared_cooldowns() -> Cooldowns:
    """The process-wide record every remote node reports to."""
    return _SHARED
