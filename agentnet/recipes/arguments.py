"""A recipe step's tool arguments from the step's own words, as a plan's step gets them.

A plan's step calling an API-style tool (an MCP tool) carries values the planner copied from the
request (``planner/values.py``): a time, a date, a number, a time zone a city stands for. A recipe
step has no planner, so its tool was handed only its prompt, and parameters no value in the text
fits by schema alone were left to the planner model: ``Convert 16:30 from Europe/London to
Asia/Tokyo`` in a recipe sent ``time.convert_time`` a time SmolLM2 made up ("Invalid time format"),
where ``agentnet run`` with the same words converted it. The same copying now runs on the step's
rendered prompt; the executor then treats the values as a plan's (``nodes/arguments.py``: typed and
checked against the tool's schema).
"""

from __future__ import annotations

from typing import Any

from agentnet.cards import CapabilityCard
from agentnet.planner.plan import Step as PlanStep
from agentnet.planner.plan import StepInput
from agentnet.planner.values import fill


def tool_literals(card: CapabilityCard | None, instruction: str) -> dict[str, Any]:
    """The values an MCP tool's parameters take from ``instruction`` (``card``: the step's model)."""
    if card is None or not card.provider.startswith("mcp:") or not instruction.strip():
        return {}  # agentnet's own tools read their request and material by role, not by name
    named = [p["name"] for p in card.parameters if p.get("name")]
    if not named:
        return {}
    step = PlanStep(
        id="recipe",
        capability=card.id,
        instruction=instruction,
        inputs=[StepInput(kind="user", name=name, value=instruction) for name in named],
    )
    fill([step], {card.id: card}, instruction)
    return {item.name: item.value for item in step.inputs if item.name and item.value != instruction}
