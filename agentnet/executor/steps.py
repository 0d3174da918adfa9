"""What a graph step is made of: its spec, how hard it tries, and what the step nodes share.

Kept apart from ``graph.py`` (which builds graphs of steps) and ``attempts.py`` (which carries one
step out) so both can read these without importing each other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agentnet.artifacts import MAX_ARTIFACT_BYTES
from agentnet.config import BudgetSettings
from agentnet.errors import AgentnetError, DeadlineExceededError, ModelCallError, RunError
from agentnet.executor.budget import BudgetMeter, Spend
from agentnet.executor.prompts import StepContext
from agentnet.executor.resolver import NodeResolver
from agentnet.executor.store import RunStore
from agentnet.nodes.base import MessagesLike
from agentnet.retry import RetryPolicy

PromptBuilder = Callable[[StepContext], MessagesLike]
Router = Callable[[StepContext], str]
AnswerBuilder = Callable[[StepContext], str]


@dataclass
class StepSpec:
    """One step: who may do it (in order), how to prompt them, and what it waits for."""

    id: str
    candidates: Sequence[str]
    prompt: PromptBuilder
    after: Sequence[str] = ()
    output_schema: dict[str, Any] | None = None
    max_tokens: int | None = None
    deadline_s: float | None = None
    capability: str | None = None
    why: str = ""
    # A loop may re-run a step; this bounds how often (a runaway router is an error, not a hang).
    max_runs: int = 10
    # Applied to the reply's text before it becomes the step's output (e.g. prompt scaffolding echoed back).
    clean: Callable[[str], str] | None = None
    # The step as data for collaborators that take arguments rather than a prompt (MCP tools); it
    # reaches the node as the ``tool_request`` call option, which other nodes ignore.
    request: Callable[[StepContext], dict[str, Any]] | None = None
    # The inputs handed over that the step reads, when all of them are empty and it reads nothing else
    # (``prompts.empty_material``): a model then has nothing to work on, and the step says so.
    empty: Callable[[StepContext], list[str]] | None = None
    # The files handed over that the step's prompt shows only by description (``prompts.described_files``):
    # a model, which reads text, refuses them rather than make up what they hold; a tool reads them.
    described: Callable[[StepContext], list[dict[str, Any]]] | None = None
    # How errors name the step when its id is not the user's: a recipe loop's ``polish__revise`` is
    # ``polish (revision)``, as the recipe's progress lines say (None: the id).
    shown: str | None = None
    # What the user can change when every candidate failed, for that error's hint (None: a planned
    # step's "more alternates"; a recipe has none to give: it names the step's place in its file).
    more: str | None = None


@dataclass
class StepPolicy:
    """How hard a step tries: retries per candidate for transient errors, and a per-call deadline.

    ``retries`` defaults to 0 because remote adapters already retry transient errors themselves
    (``ModelParams.retries``); a failing candidate is better replaced by the next one. ``retry``
    takes a whole ``RetryPolicy`` instead of the three retry fields.
    """

    retries: int = 0
    deadline_s: float | None = None
    retry_backoff_s: float = 0.2
    retry_on_deadline: bool = False
    retry: RetryPolicy | None = None

    def retry_policy(self) -> RetryPolicy:
        if self.retry is not None:
            return self.retry
        return RetryPolicy(
            max_attempts=self.retries + 1, initial_interval=self.retry_backoff_s, retry_on=self._worth_retrying
        )

    def _worth_retrying(self, exc: BaseException) -> bool:
        if isinstance(exc, ModelCallError):
            return exc.retryable
        return self.retry_on_deadline and isinstance(exc, DeadlineExceededError)


def _as_is(node_id: str) -> str:
    return node_id


@dataclass
class Runtime:
    """What the step nodes share at run time (not part of the checkpointed state)."""

    resolver: NodeResolver
    policy: StepPolicy
    budgets: BudgetSettings
    store: RunStore | None = None
    # Most bytes of one file a step may write into the run folder (config: runs.max_artifact_bytes).
    max_artifact_bytes: int = MAX_ARTIFACT_BYTES
    # The command that resumes a run of this graph, for hints ({run_id} filled in): a recipe's runs
    # say `agentnet recipe resume`, the command its own CLI documents.
    resume_command: str = "agentnet run --resume {run_id}"
    # A candidate id as the user knows it, for errors: a recipe's tailored ``smollm2@sum`` is the
    # model its file names, ``smollm2``.
    node_name: Callable[[str], str] = _as_is
    _meters: dict[str, BudgetMeter] = field(default_factory=dict)
    # One flag per run: a compiled graph (and so this runtime) is shared by every run of its plan.
    _cancels: dict[str, threading.Event] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # Each run's step failures in this drive, in the order they happened (parallel steps can each fail).
    _failures: dict[str, list[AgentnetError]] = field(default_factory=dict)

    def meter(self, run_id: str, results: Mapping[str, Any]) -> BudgetMeter:
        with self._lock:
            meter = self._meters.get(run_id)
            if meter is None:
                # A resumed run starts from what it already spent: every call its trace holds (a call
                # stopped by the interruption, a failed candidate), not only its finished steps'.
                if self.store is not None:
                    prompt, completion, cost = self.store.spent(run_id)
                else:
                    prompt = sum(int(r.get("prompt_tokens", 0)) for r in results.values())
                    completion = sum(int(r.get("completion_tokens", 0)) for r in results.values())
                    cost = sum(float(r.get("cost", 0.0)) for r in results.values())
                spent = Spend(steps=len(results), prompt_tokens=prompt, completion_tokens=completion, cost=cost)
                meter = self._meters[run_id] = BudgetMeter(self.budgets, spent=spent)
            return meter

    def resume_hint(self, run_id: str) -> str:
        return self.resume_command.format(run_id=run_id)

    def cancel_flag(self, run_id: str) -> threading.Event:
        """The flag that stops ``run_id``'s steps (set by a cancel, Ctrl-C or a lost lease)."""
        with self._lock:
            return self._cancels.setdefault(run_id, threading.Event())

    def step_failed(self, run_id: str, error: AgentnetError) -> None:
        with self._lock:
            self._failures.setdefault(run_id, []).append(error)

    def failure(self, run_id: str, raised: AgentnetError) -> AgentnetError:
        """What ended the run: ``raised``, or, when parallel steps each failed on every candidate, one
        error naming them all (LangGraph raises only one of them)."""
        with self._lock:
            failed = list(self._failures.get(run_id, ()))
        if len(failed) < 2 or raised not in failed or any(f.code != "step_failed" for f in failed):
            return raised
        said = "\n".join(f.message for f in failed)
        return RunError(f"{len(failed)} steps failed:\n{said}", hint=raised.hint, code="step_failed")

    def forget(self, run_id: str) -> None:
        with self._lock:
            self._meters.pop(run_id, None)
            self._cancels.pop(run_id, None)
            self._failures.pop(run_id, None)
