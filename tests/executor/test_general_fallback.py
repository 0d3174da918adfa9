"""A text step whose collaborators all fail is answered by the general model, its last alternate.

The embedded SmolLM2 is the config's default model and answers for real; the specialists are
scripted to fail (``agentnet.testing``), the planner and directory are the real ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agentnet.cards import CapabilityCard
from agentnet.directory.query import SearchFilters
from agentnet.errors import ModelCallError
from agentnet.general_fallback import add_general_fallback
from agentnet.network import Network
from agentnet.planner.plan import Alternate, Plan, Step, StepInput
from agentnet.testing import ScriptedModel

SUMMARISERS = {
    "brief-writer": "Summarises a paragraph of text in one short sentence.",
    "digest-maker": "Writes a one-sentence summary of a text.",
    "abstractor": "Condenses a paragraph into a brief summary sentence.",
    "tldr": "Summarise text: gives the gist of a paragraph in one line.",
}
TASK = "Summarise this paragraph in one sentence: The town council met on Tuesday and agreed to fund a new library."


def failing(card_id: str, description: str) -> ScriptedModel:
    down = ModelCallError(f"{card_id} is down", retryable=False)
    card = CapabilityCard(id=card_id, description=description, tags=["summarization"])
    return ScriptedModel.build(card_id, [down], card=card)


@pytest.mark.slow
def test_a_text_step_whose_specialists_all_fail_is_answered_by_the_default_model(smollm2_node: Any) -> None:
    Path("agentnet.yaml").write_text("collaborators: {disabled: [all]}\nplanner: {use_memory: false}\n")
    with Network.from_config() as net:
        for card_id, description in SUMMARISERS.items():
            net.registry.register_node(failing(card_id, description))
        plan = net.plan(TASK)
        [step] = plan.steps
        chain = [step.capability, *(alternate.card_id for alternate in step.alternates)]
        assert chain[:-1] and set(chain[:-1]) <= set(SUMMARISERS) and chain[-1] == "smollm2", chain
        result = net.execute(plan, check=False)
        trace = net.trace(result.run_id)
    assert result.ok and result.steps[step.id]["node_id"] == "smollm2" and result.answer, result.error
    attempts = result.steps[step.id]["attempts"]
    assert [(a["node_id"], a["status"]) for a in attempts] == [*((c, "failed") for c in chain[:-1]), ("smollm2", "ok")]
    assert trace["steps"][0]["node_id"] == "smollm2"


def card(card_id: str, **fields: Any) -> CapabilityCard:
    return CapabilityCard(id=card_id, description=card_id, **fields)


def after(step_id: str, capability: str, instruction: str, source: str, **fields: Any) -> Step:
    """A step reading ``source``'s output (text unless ``output_type`` says otherwise)."""
    fields.setdefault("output_type", "text")
    inputs = [StepInput(kind="step", step=source)]
    return Step(id=step_id, capability=capability, instruction=instruction, inputs=inputs, **fields)


def test_only_all_text_steps_get_it_and_only_an_allowed_general_model() -> None:
    cards = [
        card("default", tags=[]),  # the config's default model: no tag needed
        card("chatty", tags=["chat"]),
        card("painter", output_types=["image"]),
        card("captioner", input_types=["image"]),
        card("writer"),
        card("adder", provider="tool"),
    ]
    plan = Plan(
        task="t",
        steps=[
            Step(id="w", capability="writer", instruction="Write a poem.", inputs=[StepInput(kind="user")]),
            after("p", "painter", "Paint it.", "w", output_type="image"),
            after("c", "captioner", "Caption it.", "p"),
            after("s", "writer", "Search the web for today's news about it.", "w"),
            after("d", "writer", "Shorten it.", "w", alternates=[Alternate(card_id="default", score=0.3)]),
            Step(id="a", capability="adder", instruction="Add 2 and 3.", output_type="text"),
        ],
    )
    add_general_fallback(plan, cards, SearchFilters(), "default")
    alternates = {step.id: [a.card_id for a in step.alternates] for step in plan.steps}
    # Media in or out, live data asked for, the general model already in the chain, a tool: kept as planned.
    assert alternates == {"w": ["default"], "p": [], "c": [], "s": [], "d": ["default"], "a": []}

    # A default model the policies exclude is passed over for another allowed general model.
    remote = [c.model_copy(update={"locality": "remote"}) if c.id == "default" else c for c in cards]
    again = Plan(task="t", steps=[Step(id="w", capability="writer", instruction="Write a poem.")])
    add_general_fallback(again, remote, SearchFilters(local_only=True), "default")
    assert [a.card_id for a in again.steps[0].alternates] == ["chatty"]
