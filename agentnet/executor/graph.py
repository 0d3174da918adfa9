"""``GraphBuilder``: steps with candidates, prompts and schemas -> a LangGraph ``StateGraph``.

The builder is the one API plans and recipes compile to. Each step becomes a graph node that
tries its candidates in order (retrying transient failures, moving on after a deadline, a
failure or an output that fails the step's schema), records every attempt, streams events and
respects the run's budgets. Steps run as soon as the steps they depend on have finished, so
independent steps run concurrently. ``build()`` returns the ``StateGraph``; ``compile()`` returns
the separate runnable (langgraph style), which can be embedded in another LangGraph app.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypedDict

from langchain_core.runnables import RunnableConfig

from agentnet.config import BudgetSettings
from agentnet.errors import AgentnetError, ConfigError, RunError
from agentnet.executor.attempts import run_step
from agentnet.executor.prompts import StepContext
from agentnet.executor.resolver import as_resolver
from agentnet.executor.steps import AnswerBuilder, Router, Runtime, StepPolicy, StepSpec
from agentnet.executor.store import RunStore

if TYPE_CHECKING:
    from langgraph.graph import StateGraph
    from langgraph.graph.state import CompiledStateGraph

FINISH = "__finish__"
ANSWER_NODE = "agentnet_answer"
_UNSAFE = re.compile(r"[|:]")


def _merge_results(left: dict[str, Any] | None, right: dict[str, Any] | None) -> dict[str, Any]:
    return {**(left or {}), **(right or {})}


class RunState(TypedDict, total=False):
    """The graph state: plain JSON-able data so checkpoints survive processes and versions."""

    task: str
    inputs: dict[str, Any]
    results: Annotated[dict[str, Any], _merge_results]
    answer: str


def default_answer(final_steps: Sequence[str]) -> AnswerBuilder:
    def answer(ctx: StepContext) -> str:
        done = [s for s in final_steps if s in ctx.results]
        if len(done) == 1:
            return ctx.output(done[0])
        return "\n\n".join(f"[{s}]\n{ctx.output(s)}" for s in done)

    return answer


class GraphBuilder:
    """Collects steps and routes, then builds a LangGraph ``StateGraph`` of them."""

    def __init__(
        self,
        nodes: Any,
        *,
        policy: StepPolicy | None = None,
        budgets: BudgetSettings | None = None,
        store: RunStore | None = None,
        answer: AnswerBuilder | str | None = None,
    ) -> None:
        self.runtime = Runtime(
            resolver=as_resolver(nodes), policy=policy or StepPolicy(), budgets=budgets or BudgetSettings(), store=store
        )
        self._steps: dict[str, StepSpec] = {}
        self._routes: dict[str, tuple[Router, list[str]]] = {}
        self._answer = answer

    def add_step(self, spec: StepSpec) -> GraphBuilder:
        if spec.id in self._steps:
            raise ConfigError(f"step id {spec.id!r} is used twice", hint="give every step a unique id")
        if not spec.candidates:
            raise ConfigError(f"step {spec.id!r} has no candidate collaborator", hint="name at least one model")
        self._steps[spec.id] = spec
        return self

    def add_route(self, source: str, router: Router, destinations: Sequence[str]) -> GraphBuilder:
        """After ``source`` finishes, ``router(ctx)`` picks the next step (or ``FINISH``): branches, loops."""
        self._routes[source] = (router, list(destinations))
        return self

    @property
    def steps(self) -> list[StepSpec]:
        return list(self._steps.values())

    def final_steps(self) -> list[str]:
        consumed = {dep for spec in self._steps.values() for dep in spec.after}
        return [sid for sid in self._steps if sid not in consumed and sid not in self._routes]

    def _ancestors(self, step_id: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self._steps[step_id].after)
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self._steps[current].after)
        return seen

    def _branch_targets(self) -> set[str]:
        """Steps only a route starts. A route back to one of its own source's ancestors is a loop:
        that step still starts the run."""
        targets: set[str] = set()
        for source, (_, destinations) in self._routes.items():
            ancestors = self._ancestors(source)
            targets.update(d for d in destinations if d != FINISH and d not in ancestors)
        return targets

    def _check(self) -> None:
        if not self._steps:
            raise ConfigError("a graph needs at least one step", hint="add steps to the plan or recipe")
        for spec in self._steps.values():
            for dep in spec.after:
                if dep not in self._steps:
                    raise ConfigError(f"step {spec.id!r} waits for unknown step {dep!r}", hint="fix the step ids")
        self._check_routes()
        if isinstance(self._answer, str) and self._answer not in self._steps:
            raise ConfigError(f"the answer step {self._answer!r} is not a step", hint="name one of the step ids")
        if ANSWER_NODE in self._steps:
            raise ConfigError(f"{ANSWER_NODE!r} is reserved", hint="rename that step")

    def _check_routes(self) -> None:
        for source, (_, destinations) in self._routes.items():
            if source not in self._steps:
                raise ConfigError(f"route from unknown step {source!r}", hint="fix the step ids")
            for dest in destinations:
                if dest != FINISH and dest not in self._steps:
                    raise ConfigError(f"route from {source!r} to unknown step {dest!r}", hint="fix the step ids")

    def build(self) -> StateGraph:
        from langgraph.graph import END, START, StateGraph

        self._check()
        graph = StateGraph(RunState)
        name = {sid: _UNSAFE.sub("_", sid) for sid in self._steps}
        routed = self._branch_targets()
        for spec in self._steps.values():
            graph.add_node(name[spec.id], self._step_node(spec))
        finals = self.final_steps()
        if isinstance(self._answer, str):
            answer_fn = default_answer([self._answer])
        else:
            # Without final steps (a loop ends in a route) the route sources' outputs are the answer.
            answer_fn = self._answer or default_answer(finals or list(self._routes) or list(self._steps))
        graph.add_node(ANSWER_NODE, _AnswerNode(answer_fn))
        for spec in self._steps.values():
            if spec.after:
                graph.add_edge(
                    [name[d] for d in spec.after] if len(spec.after) > 1 else name[spec.after[0]], name[spec.id]
                )
            elif spec.id not in routed:
                graph.add_edge(START, name[spec.id])
        for source, (router, destinations) in self._routes.items():
            path_map = {d: (ANSWER_NODE if d == FINISH else name[d]) for d in destinations}
            graph.add_conditional_edges(name[source], _route_fn(source, router), path_map)  # type: ignore[arg-type]
        if finals:
            graph.add_edge([name[s] for s in finals] if len(finals) > 1 else name[finals[0]], ANSWER_NODE)
        graph.add_edge(ANSWER_NODE, END)
        return graph

    def compile(self, checkpointer: Any = None, **kwargs: Any) -> CompiledStateGraph:
        return self.build().compile(checkpointer=checkpointer, **kwargs)

    def _step_node(self, spec: StepSpec) -> _StepNode:
        return _StepNode(spec, self.runtime)


class _StepNode:
    """A step as a graph node. A callable object rather than a closure: LangGraph scans closures'
    captured values for subgraphs when compiling, which costs milliseconds per node."""

    def __init__(self, spec: StepSpec, runtime: Runtime) -> None:
        self.spec = spec
        self.runtime = runtime
        self.__name__ = f"step_{spec.id}"

    def __call__(self, state: RunState, config: RunnableConfig) -> dict[str, Any]:
        from langgraph.config import get_stream_writer

        spec, runtime = self.spec, self.runtime
        run_id = str((config or {}).get("configurable", {}).get("thread_id") or "adhoc")
        results = dict(state.get("results") or {})
        previous = results.get(spec.id)
        runs = int(previous.get("runs", 0)) + 1 if previous else 1
        if runs > spec.max_runs:
            raise RunError(
                f"step {spec.id!r} would run a {runs}th time (limit {spec.max_runs}): the loop does not end",
                hint="make the route reach FINISH, or raise max_runs for this step",
                code="loop_limit",
            )
        ctx = StepContext(
            step_id=spec.id,
            task=str(state.get("task", "")),
            inputs=state.get("inputs") or {},
            results=results,
            iteration=runs,
        )
        try:
            result = run_step(spec, ctx, runtime, runtime.meter(run_id, results), run_id, get_stream_writer())
        except Exception as exc:
            if isinstance(exc, AgentnetError):
                runtime.step_failed(run_id, exc)
            _raised_after_siblings(exc)
            raise
        result["runs"] = runs
        return {"results": {spec.id: result}}


def _raised_after_siblings(exc: Exception) -> None:
    """Mark a step's failure so LangGraph raises it only once the superstep's other steps have ended.

    At a superstep's first failed task LangGraph stops waiting for it and shuts its thread pool down
    while the parallel steps still run (it waits for their futures, not for their done-callbacks): a
    sibling ending then cannot save its writes ("RuntimeError: cannot schedule new futures after
    shutdown", logged with a traceback by concurrent.futures) and its failure is lost. The one failure
    LangGraph lets a superstep finish for, callbacks included, is an invalid resume value; a step's
    failure is marked as one (also ending the run, then). Without the marker (older LangGraph), as before.
    """
    from langgraph import errors

    mark = getattr(errors, "_mark_invalid_resume", None)
    if mark is not None:
        mark(exc)


def _route_fn(source: str, router: Router) -> Callable[[RunState], str]:
    def route(state: RunState) -> str:
        ctx = StepContext(
            step_id=source,
            task=str(state.get("task", "")),
            inputs=state.get("inputs") or {},
            results=state.get("results") or {},
        )
        try:
            return router(ctx)
        except AgentnetError:
            raise
        except Exception as exc:
            raise RunError(f"the route after step {source!r} failed: {exc}", code="route_failed") from exc

    return route


class _AnswerNode:
    def __init__(self, answer_fn: AnswerBuilder) -> None:
        self.answer_fn = answer_fn
        self.__name__ = ANSWER_NODE

    def __call__(self, state: RunState) -> dict[str, Any]:
        ctx = StepContext(
            step_id=ANSWER_NODE,
            task=str(state.get("task", "")),
            inputs=state.get("inputs") or {},
            results=state.get("results") or {},
        )
        return {"answer": self.answer_fn(ctx)}
