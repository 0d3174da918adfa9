"""Load, check, compile and run a recipe: the library API behind ``agentnet recipe``.

>>> program = RecipeProgram.load("recipes/summarize.yaml")       # every problem, or ConfigError
>>> result = program.run({"text": "..."})                          # traced and checkpointed
>>> graph = program.compile()                                      # a LangGraph graph to embed

Runs go through the executor's graph builder, run store and checkpointer, so they show up
in ``agentnet runs list`` / ``runs show`` like planned runs. The executor's own ``Executor.run``
takes a ``Plan``; recipes carry their own graph builder, so this module drives the compiled
graph the same way (stream with ``durability="sync"``, statuses in the run store).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentnet.artifacts import MAX_ARTIFACT_BYTES
from agentnet.cards import CapabilityCard
from agentnet.config import BudgetSettings
from agentnet.directory.query import CardSource
from agentnet.errors import AgentnetError, NotFoundError, UserError
from agentnet.executor.control import drive, run_config
from agentnet.executor.events import StepEvent
from agentnet.executor.graph import GraphBuilder
from agentnet.executor.run_db import open_run_store
from agentnet.executor.run_files import store_inputs
from agentnet.executor.store import RunStore, unsaved_on_failure
from agentnet.recipes.fallback import GeneralFallback
from agentnet.recipes.files import recipe_dirs
from agentnet.recipes.graph import RecipeCompiler
from agentnet.recipes.inputs import bind_inputs, default_file_problems, keep_sources
from agentnet.recipes.runtime import PASS_THROUGH, Candidates, node_source
from agentnet.recipes.schema import Recipe
from agentnet.recipes.validate import Checked, check_file, raise_problems, targets_of

EventHandler = Callable[[StepEvent], None]


def registry_cards() -> list[CapabilityCard]:
    """The cards of every configured model (reads config only; loads nothing)."""
    from agentnet.nodes.registry import NodeRegistry

    return NodeRegistry().cards()


def check_recipe(path: Path | str, cards: list[CapabilityCard] | None = None) -> Checked:
    """Every problem in a recipe file (empty ``problems`` when it is valid), its file inputs' defaults
    included (a run given those inputs may still run it). Nothing runs."""
    checked = check_file(Path(path), cards if cards is not None else registry_cards())
    if checked.recipe is not None:
        checked.problems += default_file_problems(checked.recipe, Path(path), checked.places)
    return checked


@dataclass
class RecipeResult:
    run_id: str
    status: str  # succeeded | failed | interrupted | budget_exceeded
    output: str | None
    results: dict[str, Any] = field(default_factory=dict)
    error: AgentnetError | None = None
    # Every model call made, as the run store recorded it (a loop's steps run once per round, so
    # ``results``, which keeps each step's last result, does not show them all).
    made: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"

    @property
    def answer(self) -> str | None:
        """``output`` by the name a network run's ``RunResult`` and the compiled graphs give it."""
        return self.output

    def calls(self) -> list[dict[str, Any]]:
        """Every model call made, step by step, in order (pass-through glue steps left out)."""
        return self.made

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "output": self.output,
            "steps": {
                sid: {k: r.get(k) for k in ("text", "node_id", "prompt_tokens", "completion_tokens", "latency_s")}
                for sid, r in self.results.items()
            },
            "error": self.error.to_dict() if self.error else None,
        }


class RecipeProgram:
    """A checked recipe bound to the nodes that will run it."""

    def __init__(
        self,
        recipe: Recipe,
        deps: dict[str, list[str]],
        *,
        nodes: Any = None,
        directory: CardSource | None = None,
        source: str = "<recipe>",
        places: Mapping[str, str] | None = None,
        step_places: Mapping[str, str] | None = None,
    ) -> None:
        if nodes is None:
            from agentnet.nodes.registry import NodeRegistry

            nodes = NodeRegistry()
        lookup, cards = node_source(nodes)
        # The largest file a run takes (``runs.max_artifact_bytes`` of the registry's config): its file
        # inputs were read, stored and its steps' files written under the default limit whatever it said.
        runs = getattr(getattr(nodes, "config", None), "runs", None)
        self.max_artifact_bytes: int = getattr(runs, "max_artifact_bytes", MAX_ARTIFACT_BYTES)
        self.recipe = recipe
        self.source = source
        self.places = dict(places or {})
        self.deps = deps
        self.candidates = Candidates(base=lookup, cards=cards, defaults=recipe.defaults, directory=directory)
        general = GeneralFallback.of(nodes)
        self.compiler = RecipeCompiler(recipe, deps, self.candidates, general, dict(step_places or {}))

    @classmethod
    def load(cls, path: Path | str, *, nodes: Any = None, directory: CardSource | None = None) -> RecipeProgram:
        """Load and check a recipe file; ``ConfigError`` lists every problem with file:line:column."""
        if nodes is None:
            from agentnet.nodes.registry import NodeRegistry

            nodes = NodeRegistry()
        _, cards = node_source(nodes)
        checked = check_file(Path(path), cards)
        recipe = raise_problems(checked)
        return cls(
            recipe, checked.dependencies, nodes=nodes, directory=directory, source=str(path), places=checked.places,
            step_places=checked.step_places,
        )  # fmt: skip

    def resolve(self) -> None:
        """Resolve every requirement now (through the directory, when given), then let it go.

        Resolutions are kept, so a later ``run`` or ``compile`` does not search again and the
        directory can be closed (freeing its writer lock) before the models start.
        """
        self.builder()
        self.candidates.directory = None

    def uses_requirements(self) -> bool:
        """Whether any step names a requirement (``needs:``) rather than a model."""
        return any(target.needs is not None for step in self.recipe.steps for _, target in targets_of(step))

    def builder(self, *, store: RunStore | None = None, budgets: BudgetSettings | None = None) -> GraphBuilder:
        return self.compiler.builder(store=store, budgets=budgets)

    def compile(self, *, checkpointer: Any = None) -> Any:
        """The recipe as a compiled LangGraph graph: input ``initial_state(...)``, output has ``answer``."""
        return self.builder().compile(checkpointer=checkpointer)

    def initial_state(self, inputs: Mapping[str, Any] | None = None, run_id: str | None = None) -> dict[str, Any]:
        bound = self.bind(inputs or {})
        # Files go into the run's folder by content hash; the state keeps their references.
        if run_id is None:
            return {"task": self.recipe.description or self.recipe.name, "inputs": bound, "results": {}}
        stored = keep_sources(bound, store_inputs(run_id, bound, self.max_artifact_bytes))
        return {"task": self.recipe.description or self.recipe.name, "inputs": stored, "results": {}}

    def bind(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The inputs with defaults filled in and file inputs read; unknown, missing or mistyped
        inputs are a ``UserError`` naming the declaration's place in the recipe file."""
        return bind_inputs(
            self.recipe, inputs, source=self.source, places=self.places, max_bytes=self.max_artifact_bytes
        )

    def drawable(self) -> Any:
        """The compiled graph as LangGraph draws it, each model step carrying its model (``model``
        metadata: the candidates in the order tried), so a drawing says which model runs where."""
        builder = self.builder()
        drawable = builder.compile().get_graph()
        models = {
            spec.id: list(dict.fromkeys(self.candidates.model_of(c) for c in spec.candidates))
            for spec in builder.steps
            if spec.candidates != [PASS_THROUGH]
        }
        for key, node in list(drawable.nodes.items()):
            if key in models:
                drawable.nodes[key] = node._replace(metadata={**(node.metadata or {}), "model": models[key]})
        return drawable

    def mermaid(self) -> str:
        """The compiled LangGraph graph as a mermaid flowchart, each step naming its model."""
        return str(self.drawable().draw_mermaid())

    def run(
        self,
        inputs: Mapping[str, Any] | None = None,
        *,
        run_id: str | None = None,
        on_event: EventHandler | None = None,
        store: RunStore | None = None,
        budgets: BudgetSettings | None = None,
        check: bool = False,
    ) -> RecipeResult:
        """Run to the output; traced and checkpointed in the run store (default: the configured one)."""
        run_id = run_id or uuid.uuid4().hex[:12]
        state = self.initial_state(inputs, run_id)
        plan = {
            "source": "recipe",
            "recipe": str(Path(self.source).resolve()) if self.source != "<recipe>" else self.source,
            "name": self.recipe.name,
            "inputs": state["inputs"],
        }
        with _store(store, starting=True) as used:
            with unsaved_on_failure():
                graph, runtime = self._graph(used, budgets)
                used.start_run(run_id, f"recipe {self.recipe.name}", plan, (budgets or BudgetSettings()).model_dump())
            return self._drive(graph, runtime, state, run_id, used, on_event, check)

    def resume(
        self,
        run_id: str,
        *,
        on_event: EventHandler | None = None,
        store: RunStore | None = None,
        check: bool = False,
        recursion_limit: int | None = None,
    ) -> RecipeResult:
        """Continue a recipe run from its last checkpoint; finished steps are not run again. The run's
        budgets are the ones it started with, but for ``recursion_limit`` when one is given."""
        with _store(store) as used:
            trace = used.get_run(run_id)
            plan = trace["plan"]
            if plan.get("source") != "recipe" or plan.get("name") != self.recipe.name:
                raise UserError(
                    f"run {run_id!r} is not a run of recipe {self.recipe.name!r}",
                    hint="plan runs resume with `agentnet run --resume`; check the id with `agentnet runs list`",
                )
            budgets = BudgetSettings.model_validate(trace.get("budgets") or {})
            if recursion_limit is not None:
                budgets = budgets.model_copy(update={"recursion_limit": recursion_limit})
            graph, runtime = self._graph(used, budgets)
            snapshot = graph.get_state(run_config(run_id))
            if snapshot.values and not snapshot.next and "answer" in snapshot.values:
                used.set_status(run_id, "succeeded", answer=snapshot.values["answer"])
                results = dict(snapshot.values["results"])
                return RecipeResult(run_id, "succeeded", snapshot.values["answer"], results, made=_made(used, run_id))
            # As in Executor.resume: a run stopped before its first step was saved starts over.
            state = None if snapshot.next else self.initial_state(plan.get("inputs") or {}, run_id)
            used.start_run(run_id, trace["task"], plan, budgets.model_dump())
            return self._drive(graph, runtime, state, run_id, used, on_event, check)

    @classmethod
    def for_run(cls, run_id: str, *, nodes: Any = None, store: RunStore | None = None) -> RecipeProgram:
        """The program of an earlier recipe run, loaded from the recipe file its trace names."""
        with _store(store) as used:
            plan = used.get_run(run_id)["plan"]
        if plan.get("source") != "recipe":
            raise UserError(f"run {run_id!r} is not a recipe run", hint="resume plan runs with `agentnet run --resume`")
        if not Path(plan["recipe"]).is_file():  # moved or deleted since: say which file the run needs back
            raise NotFoundError(
                f"run {run_id} was made from the recipe {plan['recipe']}, which is no longer there",
                hint=f"put the recipe back at that path to resume the run (`agentnet runs show {run_id}` shows what "
                "ran), or run the recipe again from where it is now",
            )
        return cls.load(plan["recipe"], nodes=nodes)

    def _graph(self, store: RunStore, budgets: BudgetSettings | None) -> tuple[Any, Any]:
        builder = self.builder(store=store, budgets=budgets)
        builder.runtime.max_artifact_bytes = self.max_artifact_bytes
        return builder.compile(checkpointer=store.checkpointer()), builder.runtime

    def _drive(
        self,
        graph: Any,
        runtime: Any,
        state: dict[str, Any] | None,
        run_id: str,
        store: RunStore,
        on_event: EventHandler | None,
        check: bool,
    ) -> RecipeResult:
        outcome = drive(graph, runtime, run_id, state, store, on_event)
        if check and outcome.error is not None:
            raise outcome.error
        return RecipeResult(
            run_id, outcome.status, outcome.answer, outcome.results, outcome.error, made=_made(store, run_id)
        )


def _made(store: RunStore, run_id: str) -> list[dict[str, Any]]:
    trace = store.get_run(run_id)
    return [
        {"step": step["id"], **attempt}
        for step in trace["steps"]
        for attempt in step["attempts"]
        if attempt["node_id"] != PASS_THROUGH
    ]


@contextmanager
def _store(given: RunStore | None, *, starting: bool = False) -> Iterator[RunStore]:
    """The caller's run store, or the configured one, opened for this call and closed after it (for a
    run ``starting``, a failure to open it says the run was never saved)."""
    if given is not None:
        yield given
        return
    with unsaved_on_failure() if starting else nullcontext():
        store = open_run_store()
    try:
        yield store
    finally:
        store.close()


__all__ = ["RecipeProgram", "RecipeResult", "check_recipe", "recipe_dirs"]
