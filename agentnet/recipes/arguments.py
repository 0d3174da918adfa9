"""What a recipe step hands a tool: its request, its material, and values from its own words.

``step_request`` is the step as data (``nodes/arguments.ToolRequest``): the rendered prompt as the
request, with a file standing in it by its name; the inputs, earlier outputs, a loop's draft and
critique and a mixture's proposals it names as material (a loop's were left out, so a calculator
revising ``{{ loop.critique }} * 1`` was handed "* 1"); and, for an MCP tool, the values its
parameters take from the prompt (``tool_literals``). A plan's step carries values the planner
copied from the request (``planner/values.py``: a time, a date, a number, the zone a city stands
for); a recipe step has no planner, so a parameter no value fitted by schema alone was left to the
planner model: ``Convert 16:30 from Europe/London to Asia/Tokyo`` sent ``time.convert_time`` a time
SmolLM2 made up ("Invalid time format"), where ``agentnet run`` with the same words converted it.
The executor treats these values as a plan's (``nodes/arguments.py``: typed, checked by the schema).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agentnet.cards import CapabilityCard
from agentnet.executor.prompts import StepContext
from agentnet.executor.run_files import describe, is_ref
from agentnet.planner.extract import mask_quotes
from agentnet.planner.plan import Step as PlanStep
from agentnet.planner.plan import StepInput
from agentnet.planner.values import fill
from agentnet.recipes.inputs import handed
from agentnet.recipes.template import Reference, render, scan


def tool_literals(card: CapabilityCard | None, instruction: str) -> dict[str, Any]:
    """The values an MCP tool's parameters take from ``instruction`` (``card``: the step's model)."""
    if card is None or not card.provider.startswith("mcp:") or not instruction.strip():
        return {}  # agentnet's own tools read their request and material by role, not by name
    named = [p["name"] for p in card.parameters if p.get("name")]
    if not named:
        return {}
    # The planner's clauses have quoted passages masked, a placeholder standing for each: a clause
    # written out in full was not found in the masked request, so "the folder 'scratch'" gave no value.
    clause = mask_quotes(instruction)
    step = PlanStep(
        id="recipe",
        capability=card.id,
        instruction=clause,
        inputs=[StepInput(kind="user", name=name, value=clause) for name in named],
    )
    fill([step], {card.id: card}, instruction)
    return {item.name: item.value for item in step.inputs if item.name and item.value != clause}


def step_request(
    template: str,
    ctx: StepContext,
    lookup: Callable[[Reference], Any],
    values: dict[str, Any],
    exits: dict[str, str],
    card: CapabilityCard | None,
) -> dict[str, Any]:
    """The request payload of one step (``lookup`` renders its template's values; ``values`` holds a
    loop's or a mixture's own; ``exits``: recipe step id -> the executor step with its output)."""
    refs, _ = scan(template)
    upstream: list[tuple[str, str, Any]] = []
    files: list[str] = []
    for ref in refs:
        if ref.root == "inputs" and len(ref.path) > 1:
            item, path = handed(ref.path[1], ctx.inputs.get(ref.path[1], ""))
            upstream.append(item)
            files += [path] if path is not None else []
        elif ref.root == "steps" and len(ref.path) > 2 and ref.path[2] == "output":
            exit_step = exits.get(ref.path[1], ref.path[1])
            upstream.append((ref.path[1], ctx.output(exit_step), ctx.step_data(exit_step)))
        else:
            upstream += _written(ref, values)
    asked = render(template, _named_files(ctx, lookup)).strip()
    # The step's own words are its task: the run's task is the recipe's name (or description), which
    # the argument filler read as the request ("tidy-up": the model made up a folder for "scratch").
    request = {"task": asked, "instruction": asked, "literals": tool_literals(card, asked), "upstream": upstream}
    return {**request, "files": files} if files else request


def _written(ref: Reference, values: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """A loop's draft or critique, or a mixture's proposals, as material (what models wrote)."""
    if ref.root == "loop" and len(ref.path) == 2 and ref.path[1] in ("draft", "critique"):
        return [(f"loop {ref.path[1]}", str(values.get("loop", {}).get(ref.path[1], "")), None)]
    if ref.root == "proposals":
        return [(f"proposal {i}", str(text), None) for i, text in enumerate(values.get("proposals", []), 1)]
    return []


def _named_files(ctx: StepContext, lookup: Callable[[Reference], Any]) -> Callable[[Reference], Any]:
    """Template values for the request: a file stands in it by its name, as in a plan's step ("the
    total qty in data.csv"); with the text inlined, the table tool read "apple" of the data as a filter."""

    def value(ref: Reference) -> Any:
        found: Any = ctx.inputs.get(ref.path[1], "") if ref.root == "inputs" and len(ref.path) > 1 else None
        if is_ref(found):
            return str(found.get("name") or describe(found))
        written = lookup(ref)
        # The proposals are a list: one answer a line, not the list's Python form ("['5', '5']").
        return "\n".join(map(str, written)) if ref.root == "proposals" else written

    return value
