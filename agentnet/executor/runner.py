"""``Executor``: run a plan durably (checkpointed, traced), resume it by id, stream its events.

Checkpoints are written synchronously after every superstep (``durability="sync"``) and each
finished parallel step's writes as soon as it ends, so a crash, ``kill -9`` or Ctrl-C loses at
most the steps that were running; resuming re-runs only those. Ctrl-C sets the run's cancel flag
first, so running steps stop at once instead of holding the process until their deadline.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agentnet.config import BudgetSettings, RunsSettings
from agentnet.errors import AgentnetError, NotFoundError, UserError
from agentnet.executor.compile import initial_state, plan_builder
from agentnet.executor.control import drive, run_config
from agentnet.executor.events import StepEvent
from agentnet.executor.graph import GraphBuilder
from agentnet.executor.handed import check_handed
from agentnet.executor.resolver import as_resolver
from agentnet.executor.run_db import open_run_store
from agentnet.executor.run_files import check_run_id, store_inputs
from agentnet.executor.steps import StepPolicy
from agentnet.executor.store import RunStore, unsaved_on_failure
from agentnet.executor.trace import saved_plan
from agentnet.nodes.forms import takes_path
from agentnet.planner.plan import Plan

EventHandler = Callable[[StepEvent], None]

_GRAPH_CACHE_SIZE = 16


@dataclass
class RunResult:
    run_id: str
    status: str  # succeeded | failed | interrupted | budget_exceeded
    answer: str | None
    plan: Plan
    steps: dict[str, Any] = field(default_factory=dict)
    error: AgentnetError | None = None

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"

    @property
    def results(self) -> dict[str, Any]:
        """``steps`` by the name a compiled graph's output and ``RecipeResult`` give it."""
        return self.steps

    @property
    def files(self) -> list[dict[str, Any]]:
        """References to the files the run's steps produced (in the run folder), in step order."""
        return [ref for result in self.steps.values() for ref in (result or {}).get("files") or []]

    def raise_for_error(self) -> RunResult:
        if self.error is not None:
            # Raised away from this result, the error still names the run (to resume it, show its trace).
            self.error.run_id = self.run_id
            raise self.error
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "answer": self.answer,
            "files": [ref["path"] for ref in self.files],
            "error": self.error.to_dict() if self.error else None,
            # What the planner wants the caller to know (an input split into parts, material missing).
            "notes": list(self.plan.notes),
        }


def unplanned(run_id: str, trace: dict[str, Any], what: str) -> UserError:
    """A run recorded as failed before it was planned (``Executor.refused``) has nothing to resume or rate."""
    code = (trace.get("error") or {}).get("code", "?")
    return UserError(
        f"run {run_id} has no plan to {what}: it failed before it was planned ({code})",
        hint=f"`agentnet runs show {run_id}` says why; start the task again once that is fixed",
        code="run_unplanned",
    )


def refuse_nul(plan: Plan) -> None:
    """A task or instruction holding a NUL character (``\\x00``) is refused, naming where, before anything
    is stored: it is no text, and PostgreSQL cannot store it, so a run database there failed the run
    with "holds data this agentnet cannot read", as if the database were at fault. (HTTP bodies are
    refused at the gate: json_body.py.)"""
    refuse_nul_in("the task", plan.task)
    for step in plan.steps:
        refuse_nul_in(f"the instruction of step {step.id!r}", step.instruction)


def refuse_nul_in(where: str, text: str) -> None:
    if not isinstance(text, str):  # None or a number from an app: "argument of type 'NoneType' is not iterable"
        raise UserError(f"{where} is {type(text).__name__}, not text", hint="pass it as a str", code="invalid_text")
    if "\x00" in text:
        raise UserError(
            f"{where} holds a NUL character (\\x00) at position {text.index(chr(0))}, which is not text",
            hint="leave it out (or pass binary data as a file input)",
            code="invalid_text",
        )


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


class Executor:
    """Runs plans against a set of nodes, with budgets, checkpoints and traces in the run database
    (``runs``: SQLite under the home by default, or PostgreSQL shared by many processes)."""

    def __init__(
        self,
        nodes: Any,
        *,
        budgets: BudgetSettings | None = None,
        policy: StepPolicy | None = None,
        store: RunStore | None = None,
        max_tokens: int | None = None,
        runs: RunsSettings | None = None,
    ) -> None:
        self.nodes = nodes
        self.budgets = budgets or BudgetSettings()
        self.policy = policy or StepPolicy()
        self.max_tokens = max_tokens
        self.runs = runs or RunsSettings()
        self._store = store
        self._graphs: dict[str, tuple[GraphBuilder, Any]] = {}
        self._cache_lock = threading.Lock()
        self._store_lock = threading.Lock()

    @property
    def store(self) -> RunStore:
        with self._store_lock:
            if self._store is None:
                self._store = open_run_store(self.runs)
            return self._store

    @property
    def checkpointer(self) -> Any:
        return self.store.checkpointer()

    def builder(self, plan: Plan, *, traced: bool = True, budgets: BudgetSettings | None = None) -> GraphBuilder:
        builder = plan_builder(
            plan,
            self.nodes,
            policy=self.policy,
            budgets=budgets or self.budgets,
            store=self.store if traced else None,
            max_tokens=self.max_tokens,
        )
        builder.runtime.max_artifact_bytes = self.runs.max_artifact_bytes
        return builder

    def _compiled(self, plan: Plan, budgets: BudgetSettings) -> tuple[GraphBuilder, Any]:
        """The durable graph for a plan, compiled once and reused (compiling costs ~0.5 ms per step)."""
        key = plan.model_dump_json() + budgets.model_dump_json()
        with self._cache_lock:
            hit = self._graphs.pop(key, None)
            if hit is None:
                builder = self.builder(plan, budgets=budgets)
                hit = (builder, builder.compile(checkpointer=self.checkpointer))
            self._graphs[key] = hit  # most recently used last
            while len(self._graphs) > _GRAPH_CACHE_SIZE:
                self._graphs.pop(next(iter(self._graphs)))
            return hit

    def compile(self, plan: Plan, *, checkpointer: Any = None) -> Any:
        """The plan as a compiled LangGraph graph (input: ``{"task", "inputs"}``; output has ``answer``).

        Embeddable in another LangGraph app; pass a checkpointer to make it durable there.
        """
        return self.builder(plan, traced=False).compile(checkpointer=checkpointer)

    def run(
        self,
        plan: Plan,
        *,
        inputs: dict[str, Any] | None = None,
        run_id: str | None = None,
        on_event: EventHandler | None = None,
        check: bool = True,
        budgets: BudgetSettings | None = None,
    ) -> RunResult:
        """Run a plan to its answer (within ``budgets``, default the executor's). With ``check`` a
        failed run raises (after it is saved)."""
        if run_id is not None:
            self.refuse_taken(run_id)
        run_id = run_id or new_run_id()
        budgets = budgets or self.budgets
        refuse_nul(plan)
        with unsaved_on_failure():
            builder, graph = self._compiled(plan, budgets)
            self.store.start_run(run_id, plan.task, plan.model_dump(mode="json"), budgets.model_dump())
        state = initial_state(plan, store_inputs(run_id, inputs or {}, self.runs.max_artifact_bytes))
        outcome = drive(graph, builder.runtime, run_id, state, self.store, on_event)
        result = RunResult(run_id, outcome.status, outcome.answer, plan, outcome.results, outcome.error)
        return result.raise_for_error() if check else result

    def refuse_taken(self, run_id: str) -> None:
        """A run id the caller chose must be new: a plan run under an existing run's id answered while
        that run's record kept its own task and plan (and checkpoints) beside the new answer."""
        check_run_id(run_id)  # before the database is asked, and before a plan is paid for
        try:
            # Nothing of this run is saved yet: a database that cannot be read says so, not "resume it".
            with unsaved_on_failure():
                status = self.store.get_run(run_id)["status"]
        except NotFoundError:
            return
        raise UserError(
            f"run {run_id} already exists ({status}); a new plan cannot run under its id",
            hint=f"choose another run_id, or none (a new one is made); to continue that run: net.resume({run_id!r})",
            code="run_exists",
        )

    async def arun(self, plan: Plan, **kwargs: Any) -> RunResult:
        """``run`` for async callers: the graph runs in a worker thread (the savers are sync)."""
        return await asyncio.to_thread(self.run, plan, **kwargs)

    def resume(
        self,
        run_id: str,
        *,
        on_event: EventHandler | None = None,
        budgets: BudgetSettings | None = None,
        check: bool = True,
    ) -> RunResult:
        """Continue a run from its last checkpoint; finished steps are not run again.

        Any process using the same run database may resume any run, one at a time: while another
        process executes it (a live lease), this raises ``RunBusyError`` naming that process."""
        trace = self.store.get_run(run_id)
        plan = saved_plan(run_id, trace["plan"])
        if not plan.steps:
            raise unplanned(run_id, trace, "resume")
        budgets = budgets or BudgetSettings.model_validate(trace.get("budgets") or {})
        builder, graph = self._compiled(plan, budgets)
        snapshot = graph.get_state(run_config(run_id))
        if snapshot.values and not snapshot.next and "answer" in snapshot.values:
            self.store.set_status(run_id, "succeeded", answer=snapshot.values["answer"])
            return RunResult(run_id, "succeeded", snapshot.values["answer"], plan, dict(snapshot.values["results"]))
        check_handed(run_id, plan, set((snapshot.values or {}).get("results") or {}), self._takes_names)
        # Nothing left to run and no answer: the run stopped before its first step was saved (a full
        # disk, a crash at the start), so it starts over rather than "finish" with no answer.
        state = None if snapshot.next else initial_state(plan)
        self.store.start_run(run_id, plan.task, trace["plan"], budgets.model_dump())
        outcome = drive(graph, builder.runtime, run_id, state, self.store, on_event)
        result = RunResult(run_id, outcome.status, outcome.answer, plan, outcome.results, outcome.error)
        return result.raise_for_error() if check else result

    def _takes_names(self, node_id: str) -> bool:
        """The collaborator's card has a parameter that takes a file's name (read-file's ``path``). The
        nodes may be given in any shape ``run`` takes (a dict, a list, a function: no ``card``)."""
        card_of = getattr(self.nodes, "card", None)
        try:
            if callable(card_of):  # a NodeRegistry: the card, without building the node
                card = card_of(node_id) if node_id in self.nodes else None
            else:
                card = as_resolver(self.nodes)(node_id).card
        except (AgentnetError, LookupError):  # no such node: the run says so when it gets there
            return False
        return card is not None and any(takes_path(p.get("name", ""), {"type": p.get("type")}) for p in card.parameters)

    def refused(self, run_id: str, task: str, error: dict[str, Any]) -> None:
        """Record ``run_id`` as failed before it had a plan (its task could not be planned), so whoever was
        given its id can read why (``trace``, ``agentnet runs show``). Its plan has no steps."""
        self.store.refused(run_id, task, Plan(task=task).model_dump(mode="json"), error)

    def cancel(self, run_id: str) -> str:
        """Stop a run wherever it executes (see ``RunStore.cancel``)."""
        return self.store.cancel(run_id)

    def close(self) -> None:
        """Close the run database connections (the executor reopens them if used again)."""
        with self._cache_lock:
            self._graphs.clear()
        with self._store_lock:
            store, self._store = self._store, None
        if store is not None:
            store.close()

    def stop_all(self, resume: Callable[[str], str] | None = None) -> list[str]:
        """Stop the runs executing here, and any started from now on, saved interrupted (a server's
        shutdown), their errors saying how to resume them with ``resume(run_id)`` when given; the ids
        of those running now. Opens no run database that was never opened."""
        with self._store_lock:
            store = self._store
        return store.stop_all(resume) if store is not None else []

    def executing(self, stopped: bool = False) -> list[str]:
        """The ids of the runs executing here now (``stopped``: the ones ``stop_all`` stopped instead)."""
        with self._store_lock:
            store = self._store
        if store is None:
            return []
        return store.stopped_ids() if stopped else store.executing_ids()

    def start_again(self) -> None:
        """Runs started from now on run again, after ``stop_all``."""
        with self._store_lock:
            store = self._store
        if store is not None:
            store.start_again()

    def trace(self, run_id: str) -> dict[str, Any]:
        return self.store.get_run(run_id)

    def list_runs(self, limit: int = 50, before: str | None = None) -> list[dict[str, Any]]:
        return self.store.list_runs(limit, before)
