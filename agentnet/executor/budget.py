"""Run budgets (steps, tokens, wall time, cost): checked before every call so a run never exceeds one.

The meter is shared by the parallel branches of a run (a lock keeps it exact). Before a call the
executor asks for a ``Grant``: the call's ``max_tokens`` and deadline are cut to what is left, so
even a call that uses its whole allowance stays within the budget. When too little is left the
meter raises ``BudgetExceededError`` naming the limit and the spend.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from agentnet.cards import CapabilityCard
from agentnet.config import BudgetSettings
from agentnet.errors import BudgetExceededError
from agentnet.nodes.calls import estimate_tokens
from agentnet.wording import plural

# A call allowed fewer tokens than this cannot say anything useful: stop instead.
MIN_CALL_TOKENS = 8

_HINT = "raise the limit under `budgets:` in agentnet.yaml (or pass budgets=...) and resume the run"


@dataclass
class Grant:
    max_tokens: int | None
    deadline_s: float | None


@dataclass
class Spend:
    steps: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class BudgetMeter:
    def __init__(self, budgets: BudgetSettings | None = None, *, spent: Spend | None = None) -> None:
        self.budgets = budgets or BudgetSettings()
        self.spent = spent or Spend()
        self.started = time.monotonic()
        self._lock = threading.Lock()

    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    def start_step(self, step_id: str) -> None:
        with self._lock:
            limit = self.budgets.max_steps
            if limit is not None and self.spent.steps >= limit:
                raise BudgetExceededError(
                    f"budget max_steps={limit} reached: {plural(self.spent.steps, 'step')}"
                    " already run, "
                    f"stopped before step {step_id!r}",
                    hint=_HINT,
                )
            self.spent.steps += 1

    def grant(self, step_id: str, card: CapabilityCard, prompt_tokens: int, max_tokens: int | None) -> Grant:
        """What the next call may use; raises before a call that could exceed a budget."""
        with self._lock:
            b = self.budgets
            tokens = max_tokens
            if b.max_tokens is not None:
                left = b.max_tokens - self.spent.tokens - prompt_tokens
                if left < MIN_CALL_TOKENS:
                    raise BudgetExceededError(
                        f"budget max_tokens={b.max_tokens} would be exceeded: {self.spent.tokens} tokens spent, "
                        f"step {step_id!r} needs ~{prompt_tokens} prompt tokens plus its reply",
                        hint=_HINT,
                    )
                tokens = left if tokens is None else min(tokens, left)
            if b.max_cost is not None:
                worst = card.estimate_cost(prompt_tokens, tokens or 0)
                if self.spent.cost + worst > b.max_cost:
                    raise BudgetExceededError(
                        f"budget max_cost={b.max_cost:g} would be exceeded: ${self.spent.cost:.6f} spent, "
                        f"step {step_id!r} on {card.id!r} may cost up to ${worst:.6f}",
                        hint=_HINT,
                    )
            deadline = None
            if b.max_seconds is not None:
                deadline = b.max_seconds - self.elapsed_s()
                if deadline <= 0.05:
                    raise BudgetExceededError(
                        f"budget max_seconds={b.max_seconds:g} reached: {self.elapsed_s():.1f} s elapsed, "
                        f"stopped before step {step_id!r}",
                        hint=_HINT,
                    )
            return Grant(max_tokens=tokens, deadline_s=deadline)

    def time_exhausted(self) -> bool:
        limit = self.budgets.max_seconds
        return limit is not None and self.elapsed_s() >= limit - 0.05

    def time_error(self, step_id: str) -> BudgetExceededError:
        return BudgetExceededError(
            f"budget max_seconds={self.budgets.max_seconds:g} reached: {self.elapsed_s():.1f} s elapsed "
            f"while step {step_id!r} was running; the step was stopped",
            hint=_HINT,
        )

    def add(self, prompt_tokens: int, completion_tokens: int, cost: float) -> None:
        with self._lock:
            self.spent.prompt_tokens += prompt_tokens
            self.spent.completion_tokens += completion_tokens
            self.spent.cost += cost


__all__ = ["BudgetMeter", "estimate_tokens"]  # estimate_tokens lives in nodes/calls.py now
