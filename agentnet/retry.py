"""``RetryPolicy``: when a failed call is tried again, and how long to wait first (after langgraph's).

One declarative object holds the whole decision: the first wait, how it grows, its ceiling, how
many attempts in all, jitter, and which failures are worth another attempt. ``call`` runs a function
under it. Remote nodes take theirs from ``params.retries`` / ``params.retry_backoff_s``; executor
steps from ``StepPolicy``.

A failure may carry the wait its server asked for (``retry_after_s``, from an HTTP ``Retry-After``).
As LiteLLM and the OpenAI clients do, a sensible ask (up to a minute) replaces the backoff; a wait
that would end after the caller's deadline is not waited at all: the failure is raised at once so
the caller can fall back instead of sleeping into its deadline.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

RetryOn = type[BaseException] | tuple[type[BaseException], ...] | Callable[[BaseException], bool]

# The longest server-requested wait taken as asked; longer asks fall back to the backoff (as LiteLLM does).
MAX_RETRY_AFTER_S = 60.0
# Jitter only ever lengthens a wait (by up to this fraction), so a server's Retry-After is always met.
JITTER_FRACTION = 0.25


def is_retryable(exc: BaseException) -> bool:
    """The default ``retry_on``: what the error says (a ``retryable`` attribute), else network trouble."""
    flag = getattr(exc, "retryable", None)
    if flag is not None:
        return bool(flag)
    return isinstance(exc, ConnectionError | TimeoutError)


def server_wait(exc: BaseException | None) -> float | None:
    """The wait a failure's server asked for, when it is one to honour."""
    asked = getattr(exc, "retry_after_s", None)
    if isinstance(asked, int | float) and 0 < asked <= MAX_RETRY_AFTER_S:
        return float(asked)
    return None


@dataclass(frozen=True)
class RetryPolicy:
    """How a call is retried. Attempts are counted from 1; ``max_attempts`` includes the first."""

    initial_interval: float = 0.5
    backoff_factor: float = 2.0
    max_interval: float = 8.0
    max_attempts: int = 3
    jitter: bool = True
    retry_on: RetryOn = is_retryable

    def should_retry(self, exc: BaseException) -> bool:
        if isinstance(self.retry_on, type | tuple):
            return isinstance(exc, self.retry_on)
        return self.retry_on(exc)

    def interval(self, attempt: int, exc: BaseException | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt``: the server's ask, else the backoff."""
        wait = server_wait(exc)
        if wait is None:
            wait = min(self.max_interval, self.initial_interval * self.backoff_factor ** (attempt - 1))
        if self.jitter:
            wait *= 1 + random.uniform(0, JITTER_FRACTION)
        return wait

    def call(
        self,
        fn: Callable[[], T],
        *,
        on_failure: Callable[[Exception, int], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        deadline: float | None = None,
    ) -> T:
        """``fn()``'s result, trying again while the policy allows; otherwise its last error.

        ``on_failure(exc, attempt)`` sees every failure first (to record it, or to raise something
        else instead). ``deadline`` is a ``time.monotonic()`` instant no wait may reach past.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return fn()
            except Exception as exc:
                if on_failure is not None:
                    on_failure(exc, attempt)
                if attempt >= self.max_attempts or not self.should_retry(exc):
                    raise
                wait = self.interval(attempt, exc)
                if deadline is not None and time.monotonic() + wait >= deadline:
                    raise
                sleep(wait)
