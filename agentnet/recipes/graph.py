"""Compile a recipe to the executor's ``GraphBuilder``: the same LangGraph graphs plans become.

Each recipe step becomes one or more executor steps (so tracing, budgets, fallback, schema
cascade, checkpoints and resume are the executor's):

- call: one step; its candidates are the model, or every model meeting the requirement, ranked;
  an all-text step's last is the general chat model (``fallback.py``);
- cascade: one step whose candidates are the cascade's targets, in order (a reply failing the
  schema or ``accept`` escalates to the next);
- mixture: ``ID__p1..n`` proposer steps in parallel, then the aggregator as step ``ID``;
- route: step ``ID`` renders ``value``; a route picks ``ID__case<i>`` / ``ID__default``; the chosen
  branch flows into ``ID__done``, which carries the branch's output;
- loop: ``ID`` renders ``start``; ``ID__critique`` and ``ID__revise`` alternate through routes,
  at most ``max_iterations`` revisions; ``ID__done`` carries the final draft.

Independent steps run in the same LangGraph superstep (in parallel); a step that reads several
earlier steps waits for all of them (a join). Prompts are rendered from templates at run time:
values are substituted once, as data. What a model wrote (``steps.*.output``/``data``,
``loop.draft``, ``loop.critique``, ``proposals``) enters a prompt as a ``<data>`` block, as in plan
runs, so an earlier step's output can neither give orders nor close its block; the recipe's own
``inputs.*`` are the author's and the user's words and go in as written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from agentnet.cards import CapabilityCard
from agentnet.config import BudgetSettings
from agentnet.delimit import DATA_NOTE, data_block
from agentnet.executor.graph import FINISH, GraphBuilder
from agentnet.executor.prompts import StepContext, clean_output
from agentnet.executor.steps import StepPolicy, StepSpec
from agentnet.executor.store import RunStore
from agentnet.nodes.base import ChatMessage
from agentnet.recipes.arguments import step_request
from agentnet.recipes.fallback import GeneralFallback
from agentnet.recipes.inputs import described_in, prompt_value
from agentnet.recipes.runtime import PASS_THROUGH, Candidates, Room
from agentnet.recipes.schema import Call, Recipe, Step, Target
from agentnet.recipes.template import Reference, render, to_text

Extra = Callable[[StepContext], dict[str, Any]]


def inherit(step: Step, target: Target) -> Target:
    """A cascade or mixture target with the step's own settings as its defaults."""
    shared = {k: getattr(step, k) for k in ("system", "max_tokens", "temperature") if getattr(step, k) is not None}
    return Target(**{**shared, **target.model_dump(exclude_none=True)})


def output_source(ref: Reference) -> str | None:
    """Where a template value comes from when a model wrote it (it goes into prompts as data); else None."""
    root, rest = ref.root, ref.path[1:]
    if root == "steps" and len(rest) > 1 and rest[1] in ("output", "data"):
        return f"step {rest[0]}"
    if root == "loop" and rest and rest[0] in ("draft", "critique"):
        return rest[0]
    return None


def exit_of(step: Step) -> str:
    """The executor step whose result is the recipe step's output."""
    return f"{step.id}__done" if step.kind in ("route", "loop") else step.id


_PARTS = {"critique": "critique", "revise": "revision", "default": "default branch", "done": "result"}


def step_label(step_id: str) -> str:
    """How the user knows an executor step: the recipe step's id and, for an inner step, its part
    (``polish__critique`` -> ``polish (critique)``, ``mix__p2`` -> ``mix (proposal 2)``)."""
    base, sep, part = step_id.rpartition("__")
    if not sep:
        return step_id
    if part.startswith("case") and part[4:].isdigit():
        return f"{base} (case {part[4:]})"
    if part.startswith("p") and part[1:].isdigit():
        return f"{base} (proposal {part[1:]})"
    # Step ids may contain "__" themselves: only the parts the compiler adds are renamed.
    return f"{base} ({_PARTS[part]})" if part in _PARTS else step_id


class RecipeCompiler:
    def __init__(
        self,
        recipe: Recipe,
        deps: dict[str, list[str]],
        candidates: Candidates,
        general: GeneralFallback | None = None,
        step_places: dict[str, str] | None = None,
    ) -> None:
        self.recipe = recipe
        self.step_places = step_places or {}
        self.deps = deps
        self.candidates = candidates
        self.general = general
        self.exits = {step.id: exit_of(step) for step in recipe.steps}
        # Executor step id -> the context window its prompt must fit (``Candidates.room``).
        self.rooms: dict[str, Room | None] = {}

    # --- templates -------------------------------------------------------------------------

    def lookup(self, ctx: StepContext, extra: dict[str, Any]) -> Callable[[Reference], Any]:
        def value(ref: Reference) -> Any:
            root, rest = ref.root, ref.path[1:]
            if root == "inputs":
                # A text file input appears in a prompt as its text, another file as its description;
                # a tool gets the file itself (request).
                return prompt_value(ctx.inputs.get(rest[0], ""), rest[0], self.rooms.get(ctx.step_id))
            if root == "steps":
                result = ctx.results.get(self.exits.get(rest[0], rest[0])) or {}
                if rest[1] == "output":
                    return result.get("text", "")
                if rest[1] == "model":
                    return self.candidates.model_of(str(result.get("node_id", "")))
                data: Any = result.get("data")
                for part in rest[2:]:
                    data = data.get(part) if isinstance(data, dict) else None
                return data
            return extra.get(root, {}).get(rest[0], "") if rest else extra.get(root, "")

        return value

    def text(self, template: str, extra: Extra | None = None) -> Callable[[StepContext], str]:
        def build(ctx: StepContext) -> str:
            return render(template, self.lookup(ctx, extra(ctx) if extra else {})).strip()

        return build

    def prompt(self, template: str, extra: Extra | None = None) -> Callable[[StepContext], list[ChatMessage]]:
        """A model step's prompt: the template with what models wrote inserted as data blocks."""

        def build(ctx: StepContext) -> list[ChatMessage]:
            plain = self.lookup(ctx, extra(ctx) if extra else {})
            quoted = False

            def value(ref: Reference) -> Any:
                nonlocal quoted
                found = plain(ref)
                if ref.root == "proposals":
                    quoted = True
                    return "\n".join(data_block(f"proposal {i}", text) for i, text in enumerate(found, 1))
                source = output_source(ref)
                if source is None:
                    return found
                quoted = True
                return data_block(source, to_text(found))

            content = render(template, value).strip()
            # The note goes last, as in plan runs: put first, SmolLM2 tends to answer with it.
            return [{"role": "user", "content": f"{content}\n\n{DATA_NOTE}" if quoted else content}]

        return build

    def _card(self, target: Target) -> CapabilityCard | None:
        """The card of a target's named model (a requirement's models are known only at run time)."""
        return self.candidates.card(target.model) if target.model is not None else None

    def request(
        self, template: str, card: CapabilityCard | None = None, extra: Extra | None = None
    ) -> Callable[[StepContext], dict[str, Any]]:
        """The step as data for collaborators that take arguments (a bundled tool, an MCP tool): the
        rendered prompt as the request, the files and earlier outputs it names as its inputs
        (``arguments.step_request``); ``extra`` gives a loop's or a mixture's own values."""

        def build(ctx: StepContext) -> dict[str, Any]:
            values = extra(ctx) if extra else {}
            return step_request(template, ctx, self.lookup(ctx, values), values, self.exits, card)

        return build

    # --- steps -----------------------------------------------------------------------------

    def spec(
        self, step_id: str, target: Target, prompt: Callable[[StepContext], list[ChatMessage]], *,
        after: list[str], call: Call | None = None, label: str | None = None, max_runs: int = 10,
        extra: Extra | None = None,
    ) -> StepSpec:  # fmt: skip
        ids, why = self.candidates.candidates(target, label or step_id, call.accept if call else None)
        self.rooms[step_id] = self.candidates.room(ids, step_label(step_id))
        return StepSpec(
            id=step_id,
            candidates=ids,
            prompt=prompt,
            after=after,
            output_schema=call.output_schema if call else None,
            capability=self.candidates.model_of(ids[0]),
            why=why,
            max_runs=max_runs,
            clean=clean_output,
            request=self.request(call.prompt, self._card(target), extra) if call else None,
            described=described_in(call.prompt) if call else None,
            shown=step_label(step_id),
        )

    def pass_through(self, step_id: str, text: Callable[[StepContext], str], after: list[str], why: str) -> StepSpec:
        def prompt(ctx: StepContext) -> list[ChatMessage]:
            return [{"role": "user", "content": text(ctx)}]

        return StepSpec(
            id=step_id, candidates=[PASS_THROUGH], prompt=prompt, after=after, capability=PASS_THROUGH, why=why
        )

    def add(self, builder: GraphBuilder, step: Step) -> None:
        after = [self.exits[d] for d in self.deps.get(step.id, [])]
        if step.kind == "call":
            call = step.as_call()
            spec = self.spec(step.id, call, self.prompt(call.prompt), after=after, call=call)
            spec.candidates = [*spec.candidates, *self.general_after(step, call, spec.candidates)]
            self.rooms[step.id] = self.candidates.room(spec.candidates, step_label(step.id))
            builder.add_step(spec)
        elif step.kind == "cascade":
            self.add_cascade(builder, step, after)
        elif step.kind == "mixture":
            self.add_mixture(builder, step, after)
        elif step.kind == "route":
            self.add_route(builder, step, after)
        else:
            self.add_loop(builder, step, after)

    def general_after(self, step: Step, call: Call, ids: Sequence[str]) -> list[str]:
        """The general model's candidate id, with the step's settings and ``accept``, when an all-text
        call step may fall back to it (``fallback.py``)."""
        chain = [self.candidates.model_of(candidate) for candidate in ids]
        model = self.general.model_for(self.recipe, step, chain) if self.general is not None else None
        if model is None:
            return []
        target = Target(model=model, system=call.system, max_tokens=call.max_tokens, temperature=call.temperature)
        more, _ = self.candidates.candidates(target, f"{step.id}#general", call.accept)
        return more

    def add_cascade(self, builder: GraphBuilder, step: Step, after: list[str]) -> None:
        base = step.as_call()
        ids: list[str] = []
        for index, target in enumerate(step.cascade or []):
            merged = inherit(step, target)
            more, _ = self.candidates.candidates(merged, f"{step.id}#{index + 1}", base.accept)
            ids.extend(more)
        builder.add_step(
            StepSpec(
                id=step.id,
                candidates=list(dict.fromkeys(ids)),
                prompt=self.prompt(base.prompt),
                after=after,
                output_schema=base.output_schema,
                capability=self.candidates.model_of(ids[0]),
                why=f"cascade: {len(ids)} candidates, cheapest first; escalates when output fails validation",
                clean=clean_output,
                request=self.request(base.prompt),
            )
        )

    def add_mixture(self, builder: GraphBuilder, step: Step, after: list[str]) -> None:
        mixture = step.mixture
        if mixture is None:
            return
        names = []
        for index, target in enumerate(mixture.proposers):
            name = f"{step.id}__p{index + 1}"
            names.append(name)
            builder.add_step(
                self.spec(
                    name,
                    inherit(step, target),
                    self.prompt(step.prompt or ""),
                    after=after,
                    label=f"{step.id}#p{index + 1}",
                )
            )

        def proposals(ctx: StepContext) -> dict[str, Any]:
            return {"proposals": [ctx.output(name).strip() for name in names]}

        agg = mixture.aggregator
        builder.add_step(
            self.spec(
                step.id,
                agg,
                self.prompt(agg.prompt, proposals),
                after=names,
                call=agg,
                label=f"{step.id}#agg",
                extra=proposals,
            )
        )

    def add_route(self, builder: GraphBuilder, step: Step, after: list[str]) -> None:
        route = step.route
        if route is None:
            return
        done = f"{step.id}__done"
        branches: list[tuple[str, Call]] = [(f"{step.id}__case{i + 1}", c) for i, c in enumerate(route.cases)]
        if route.default is not None:
            branches.append((f"{step.id}__default", route.default))
        builder.add_step(self.pass_through(step.id, self.text(route.value), after, "route: the text the cases test"))

        def choose(ctx: StepContext) -> str:
            tested = ctx.output(step.id)
            for index, case in enumerate(route.cases):
                if case.when.holds(tested):
                    return f"{step.id}__case{index + 1}"
            return f"{step.id}__default" if route.default is not None else done

        for name, call in branches:
            builder.add_step(self.spec(name, call, self.prompt(call.prompt), after=[], call=call, label=name))
            builder.add_route(name, lambda ctx: done, [done])
        builder.add_route(step.id, choose, [name for name, _ in branches] + [done])

        def chosen(ctx: StepContext) -> str:
            branch = choose(ctx)
            return ctx.output(branch) if branch != done else ""

        builder.add_step(self.pass_through(done, chosen, [], "route: the chosen branch's output"))

    def add_loop(self, builder: GraphBuilder, step: Step, after: list[str]) -> None:
        loop = step.loop
        if loop is None:
            return
        sid = step.id
        critique, revise, done = f"{sid}__critique", f"{sid}__revise", f"{sid}__done"

        def draft(ctx: StepContext) -> str:
            return ctx.output(revise) if revise in ctx.results else ctx.output(sid)

        def revisions(ctx: StepContext) -> int:
            return int((ctx.results.get(revise) or {}).get("runs", 0))

        def loop_vars(ctx: StepContext) -> dict[str, Any]:
            return {"loop": {"draft": draft(ctx), "critique": ctx.output(critique), "iteration": revisions(ctx) + 1}}

        runs = loop.max_iterations + 1
        builder.add_step(self.pass_through(sid, self.text(loop.start), after, "loop: the first draft"))
        builder.add_step(
            self.spec(critique, loop.critique, self.prompt(loop.critique.prompt, loop_vars), after=[sid],
                      call=loop.critique, label=critique, max_runs=runs, extra=loop_vars)
        )  # fmt: skip
        builder.add_step(
            self.spec(revise, loop.revise, self.prompt(loop.revise.prompt, loop_vars), after=[],
                      call=loop.revise, label=revise, max_runs=runs, extra=loop_vars)
        )  # fmt: skip

        def after_critique(ctx: StepContext) -> str:
            if loop.until is not None and loop.until.holds(ctx.output(critique)):
                return done
            return revise

        def after_revise(ctx: StepContext) -> str:
            return done if revisions(ctx) >= loop.max_iterations else critique

        builder.add_route(critique, after_critique, [done, revise])
        builder.add_route(revise, after_revise, [done, critique])
        builder.add_step(self.pass_through(done, draft, [], "loop: the final draft"))

    def answer(self, ctx: StepContext) -> str:
        if self.recipe.output is not None:
            return self.text(self.recipe.output)(ctx)
        return ctx.output(self.exits[self.recipe.steps[-1].id]).strip()

    def builder(
        self,
        *,
        budgets: BudgetSettings | None = None,
        store: RunStore | None = None,
        policy: StepPolicy | None = None,
    ) -> GraphBuilder:
        builder = GraphBuilder(self.candidates, policy=policy, budgets=budgets, store=store, answer=self.answer)
        builder.runtime.node_name = self.candidates.model_of  # errors name the model, not `smollm2@sum`
        builder.runtime.resume_command = "agentnet recipe resume {run_id}"
        for step in self.recipe.steps:
            known = len(builder.steps)
            self.add(builder, step)
            for spec in builder.steps[known:]:
                spec.more = self.more(step)
        return builder

    def more(self, step: Step) -> str:
        """What a recipe's author can change when every model of ``step`` failed: a recipe step has
        no alternates to give (the planned step's hint), but a model, or a cascade of them."""
        place = self.step_places.get(step.id, "the recipe")
        if step.kind == "call":
            fix = "a model that answers (`model:`) or models to try in turn (`cascade: [{model: A}, {model: B}]`)"
        elif step.kind == "cascade":
            fix = "another model at the end of its `cascade:`"
        else:
            fix = "models that answer (its `model:` fields)"
        return f"in {place}, give step {step.id!r} {fix}, or its models a longer deadline (params.deadline_s)"


__all__ = ["FINISH", "RecipeCompiler", "exit_of"]
