"""Load, check, compile and run a recipe: the library API behind ``agentnet recipe``.

>>> program = RecipeProgram.load("recipes/summarize.yaml")       # every problem, or ConfigError
>>> result = program.run({"text": "..."})                          # traced and checkpointed
>>> graph = program.compile()                                      # a LangGraph graph to embed

Runs go through the executor's graph builder, run store and SQLite checkpointer, so they show up
in ``agentnet runs list`` / ``runs show`` like planned runs. The executor's own ``Executor.run``
takes a ``Plan``; recipes carry their own graph builder, so this module drives the compiled
graph the same way (stream with ``durability="sync"``, statuses in the run store).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentnet.cards import CapabilityCard
from agentnet.config import BudgetSettings
from agentnet.directory.query import CardSource
from agentnet.errors import AgentnetError, UserError
from agentnet.executor.control import drive, run_config
from agentnet.executor.events import StepEvent
from agentnet.executor.graph import GraphBuilder
from agentnet.executor.store import RunStore, open_checkpointer
from agentnet.recipes.files import recipe_dirs
from agentnet.recipes.graph import RecipeCompiler
from agentnet.recipes.runtime import Candidates, node_source
from agentnet.recipes.schema import Recipe
from agentnet.recipes.validate import Checked, check_file, raise_problems, targets_of

EventHandler = Callable[[StepEvent], None]


def registry_cards() -> list[CapabilityCard]:
    """The cards of every configured model (reads config only; loads nothing)."""
    from agentnet.nodes.registry import NodeRegistry

    return NodeRegistry().cards()


def check_recipe(path: Path | str, cards: list[CapabilityCard] | None = None) -> Checked:
    """Every problem in a recipe file (empty ``problems`` when it is valid). Nothing runs."""
    return check_file(Path(path), cards if cards is not None else registry_cards())


@dataclass
class RecipeResult:
    run_id: str
    status: str  # succeeded | failed | interrupted | budget_exceeded
    output: str | None
    results: dict[str, Any] = field(default_factory=dict)
    error: AgentnetError | None = None

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"

    def calls(self) -> list[dict[str, Any]]:
        """Every model call made, step by step (pass-through glue steps left out)."""
        out = []
        for step_id, result in self.results.items():
            for attempt in result.get("attempts", []):
                if attempt.get("node_id") != "recipe:pass":
                    out.append({"step": step_id, **attempt})
        return out

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
    ) -> None:
        if nodes is None:
            from agentnet.nodes.registry import NodeRegistry

            nodes = NodeRegistry()
        lookup, cards = node_source(nodes)
        self.recipe = recipe
        self.source = source
        self.deps = deps
        self.candidates = Candidates(base=lookup, cards=cards, defaults=recipe.defaults, directory=directory)
        self.compiler = RecipeCompiler(recipe, deps, self.candidates)

    @classmethod
    def load(cls, path: Path | str, *, nodes: Any = None, directory: CardSource | None = None) -> RecipeProgram:
        """Load and check a recipe file; ``ConfigError`` lists every problem with file:line:column."""
        if nodes is None:
            from agentnet.nodes.registry import NodeRegistry

            nodes = NodeRegistry()
        _, cards = node_source(nodes)
        checked = check_file(Path(path), cards)
        recipe = raise_problems(checked)
        return cls(recipe, checked.dependencies, nodes=nodes, directory=directory, source=str(path))

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

    def initial_state(self, inputs: dict[str, str] | None = None) -> dict[str, Any]:
        return {"task": self.recipe.description or self.recipe.name, "inputs": self.bind(inputs or {}), "results": {}}

    def bind(self, inputs: dict[str, str]) -> dict[str, str]:
        """The inputs with defaults filled in; unknown or missing inputs are a ``UserError``."""
        declared = self.recipe.inputs
        unknown = sorted(set(inputs) - set(declared))
        if unknown:
            raise UserError(
                f"recipe {self.recipe.name!r} has no input {', '.join(map(repr, unknown))} "
                f"(inputs: {', '.join(declared) or 'none'})",
                hint="pass --input NAME=VALUE for the declared inputs only",
            )
        bound = {}
        missing = []
        for name, spec in declared.items():
            if name in inputs:
                bound[name] = str(inputs[name])
            elif spec.default is not None:
                bound[name] = spec.default
            else:
                missing.append(name)
        if missing:
            raise UserError(
                f"recipe {self.recipe.name!r} needs input {', '.join(map(repr, missing))}",
                hint="pass " + " ".join(f"--input {name}=..." for name in missing),
            )
        return bound

    def mermaid(self) -> str:
        """The compiled LangGraph graph as a mermaid flowchart."""
        return str(self.compile().get_graph().draw_mermaid())

    def run(
        self,
        inputs: dict[str, str] | None = None,
        *,
        run_id: str | None = None,
        on_event: EventHandler | None = None,
        store: RunStore | None = None,
        budgets: BudgetSettings | None = None,
        check: bool = False,
    ) -> RecipeResult:
        """Run to the output; traced in the run store and checkpointed under the agentnet home."""
        state = self.initial_state(inputs)
        run_id = run_id or uuid.uuid4().hex[:12]
        store = store or RunStore()
        plan = {
            "source": "recipe",
            "recipe": str(Path(self.source).resolve()) if self.source != "<recipe>" else self.source,
            "name": self.recipe.name,
            "inputs": state["inputs"],
        }
        store.start_run(run_id, f"recipe {self.recipe.name}", plan, (budgets or BudgetSettings()).model_dump())
        return self._drive(state, run_id, store, budgets, on_event, check)

    def resume(
        self,
        run_id: str,
        *,
        on_event: EventHandler | None = None,
        store: RunStore | None = None,
        check: bool = False,
    ) -> RecipeResult:
        """Continue a recipe run from its last checkpoint; finished steps are not run again."""
        store = store or RunStore()
        trace = store.get_run(run_id)
        plan = trace["plan"]
        if plan.get("source") != "recipe" or plan.get("name") != self.recipe.name:
            raise UserError(
                f"run {run_id!r} is not a run of recipe {self.recipe.name!r}",
                hint="plan runs resume with `agentnet run --resume`; check the id with `agentnet runs list`",
            )
        budgets = BudgetSettings.model_validate(trace.get("budgets") or {})
        graph = self.builder(budgets=budgets).compile(checkpointer=open_checkpointer(store.path))
        snapshot = graph.get_state(run_config(run_id))
        if snapshot.values and not snapshot.next and "answer" in snapshot.values:
            store.set_status(run_id, "succeeded", answer=snapshot.values["answer"])
            return RecipeResult(run_id, "succeeded", snapshot.values["answer"], dict(snapshot.values["results"]))
        state = None if snapshot.values else self.initial_state(plan.get("inputs") or {})
        store.start_run(run_id, trace["task"], plan, budgets.model_dump())
        return self._drive(state, run_id, store, budgets, on_event, check)

    @classmethod
    def for_run(cls, run_id: str, *, nodes: Any = None, store: RunStore | None = None) -> RecipeProgram:
        """The program of an earlier recipe run, loaded from the recipe file its trace names."""
        plan = (store or RunStore()).get_run(run_id)["plan"]
        if plan.get("source") != "recipe":
            raise UserError(f"run {run_id!r} is not a recipe run", hint="resume plan runs with `agentnet run --resume`")
        return cls.load(plan["recipe"], nodes=nodes)

    def _drive(
        self,
        state: dict[str, Any] | None,
        run_id: str,
        store: RunStore,
        budgets: BudgetSettings | None,
        on_event: EventHandler | None,
        check: bool,
    ) -> RecipeResult:
        builder = self.builder(store=store, budgets=budgets)
        graph = builder.compile(checkpointer=open_checkpointer(store.path))
        outcome = drive(graph, builder.runtime, run_id, state, store, on_event)
        if check and outcome.error is not None:
            raise outcome.error
        return RecipeResult(run_id, outcome.status, outcome.answer, outcome.results, outcome.error)


__all__ = ["RecipeProgram", "RecipeResult", "check_recipe", "recipe_dirs"]
