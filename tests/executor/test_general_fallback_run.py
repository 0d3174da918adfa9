"""Plans the planner did not make, and recipes, fall back to the general model too.

A hand-written plan run through ``Network.execute`` and a recipe's call step: their collaborator is
scripted to fail (``agentnet.testing``), the embedded SmolLM2 (the config's default model) answers for
real. A step that names its own chain (a plan step's alternates, a recipe's cascade) keeps it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agentnet.cards import CapabilityCard
from agentnet.directory.query import SearchFilters
from agentnet.general_fallback import add_general_fallback, for_run
from agentnet.network import Network
from agentnet.planner.plan import Alternate, Plan, Step, StepInput
from agentnet.recipes.fallback import GeneralFallback
from agentnet.recipes.program import RecipeProgram
from agentnet.recipes.schema import Recipe
from tests.executor.test_general_fallback import TASK, failing

CONFIG = "collaborators: {disabled: [all]}\nplanner: {use_memory: false}\n"
WRITER = "Summarises a paragraph of text in one short sentence."

RECIPE = """\
name: brief
inputs:
  text: {description: the paragraph}
steps:
  - id: summary
    model: brief-writer
    prompt: "Summarise this paragraph in one sentence: {{ inputs.text }}"
  - id: named
    cascade:
      - {model: brief-writer}
    prompt: "Summarise this paragraph in one sentence: {{ inputs.text }}"
"""


def text_step(**fields: Any) -> Step:
    return Step(id="s1", capability="brief-writer", instruction=TASK, inputs=[StepInput(kind="user")], **fields)


@pytest.mark.slow
def test_a_hand_written_plans_text_step_whose_model_fails_is_answered_by_the_default_model(smollm2_node: Any) -> None:
    Path("agentnet.yaml").write_text(CONFIG)
    with Network.from_config() as net:
        net.registry.register_node(failing("brief-writer", WRITER))
        net.registry.register_node(failing("digest-maker", WRITER))
        written = Plan(task=TASK, steps=[text_step(output_type="text")])
        result = net.execute(written, check=False)
        # A step that lists its alternates names its chain: nothing is added to it.
        named = Plan(task=TASK, steps=[text_step(alternates=[Alternate(card_id="digest-maker", score=0.5)])])
        kept = net.execute(named, check=False)
    assert result.ok and result.answer, result.error
    attempts = [(a["node_id"], a["status"]) for a in result.steps["s1"]["attempts"]]
    assert attempts == [("brief-writer", "failed"), ("smollm2", "ok")]
    assert [a.card_id for a in result.plan.steps[0].alternates] == ["smollm2"]
    assert written.steps[0].alternates == []  # the caller's plan is not changed
    assert not kept.ok and [a.card_id for a in kept.plan.steps[0].alternates] == ["digest-maker"]


@pytest.mark.slow
def test_a_recipes_text_step_whose_model_fails_is_answered_by_the_default_model(
    smollm2_node: Any, tmp_path: Path
) -> None:
    Path("agentnet.yaml").write_text(CONFIG)
    recipe = tmp_path / "brief.yaml"
    recipe.write_text(RECIPE)
    with Network.from_config() as net:
        net.registry.register_node(failing("brief-writer", WRITER))
        program = RecipeProgram.load(recipe, nodes=net.registry)
        result = program.run({"text": TASK.split(": ", 1)[1]})
    made = [(call["step"], call["node_id"], call["status"]) for call in result.calls()]
    # The call step falls back to the default model; the cascade names its chain and keeps it.
    assert ("summary", "smollm2", "ok") in made, made
    assert result.results["summary"]["node_id"] == "smollm2" and result.results["summary"]["text"].strip()
    assert not result.ok and not any(step == "named" and node == "smollm2" for step, node, _ in made), made


def card(card_id: str, **fields: Any) -> CapabilityCard:
    return CapabilityCard(id=card_id, description=card_id, **fields)


CARDS = [
    card("default", locality="remote"),
    card("chatty", tags=["chat"]),
    card("writer"),
    card("writer2"),
    card("adder", provider="tool"),
]


def test_running_a_plan_adds_the_general_model_once_and_under_the_plans_own_policies() -> None:
    written = Plan(task="t", steps=[Step(id="w", capability="writer", instruction="Write a poem.")])
    ran = for_run(written, CARDS, SearchFilters(), "default")
    assert [a.card_id for a in ran.steps[0].alternates] == ["default"] and written.steps[0].alternates == []
    # Run again (a resumed or re-sent plan), or a plan the planner made: nothing more is added.
    assert for_run(ran, CARDS, SearchFilters(), "default") == ran
    planned = add_general_fallback(written.model_copy(deep=True), CARDS, SearchFilters(local_only=True), "default")
    planned.filters = SearchFilters(local_only=True).describe()
    assert for_run(planned, CARDS, SearchFilters(), "default") == planned
    # A plan made local-only stays local-only when it runs under a config without that policy.
    local = written.model_copy(update={"filters": ["local only"]})
    assert [a.card_id for a in for_run(local, CARDS, SearchFilters(), "default").steps[0].alternates] == ["chatty"]
    # A step that lists its alternates names its chain.
    named = Plan(task="t", steps=[Step(id="w", capability="writer", instruction="Write a poem.",
                                       alternates=[Alternate(card_id="writer2", score=0.4)])])  # fmt: skip
    assert [a.card_id for a in for_run(named, CARDS, SearchFilters(), "default").steps[0].alternates] == ["writer2"]
    # A tool's step is never given a chat model.
    tool = Plan(task="t", steps=[Step(id="a", capability="adder", instruction="Add 2 and 3.")])
    assert for_run(tool, CARDS, SearchFilters(), "default").steps[0].alternates == []


def test_the_policies_a_plan_records_read_back() -> None:
    for filters in (SearchFilters(), SearchFilters(local_only=True, keep_data_on_host=True, max_cost=0.0025)):
        assert SearchFilters.from_described(filters.describe()) == filters
    assert SearchFilters(max_cost=1.0).stricter(SearchFilters(local_only=True, max_cost=0.5)) == SearchFilters(
        local_only=True, max_cost=0.5
    )


def test_a_recipe_step_falls_back_only_when_it_is_all_text_and_the_policies_allow() -> None:
    recipe = Recipe.model_validate(
        {
            "name": "r",
            "inputs": {"text": {}, "photo": {"type": "image"}},
            "steps": [
                {"id": "plain", "model": "writer", "prompt": "Shorten {{ inputs.text }}"},
                {"id": "photo", "model": "writer", "prompt": "Describe {{ inputs.photo }}"},
                {"id": "tool", "model": "adder", "prompt": "Add {{ inputs.text }}"},
                {"id": "local", "needs": {"skill": "writer", "local": "required"}, "prompt": "Shorten it"},
                {"id": "news", "model": "writer", "prompt": "Search the web for today's news about {{ inputs.text }}"},
            ],
        }
    )
    general = GeneralFallback(CARDS, SearchFilters(), "default")
    chains = {"plain": ["writer"], "photo": ["writer"], "tool": ["adder"], "local": ["writer"], "news": ["writer"]}
    chosen = {step.id: general.model_for(recipe, step, chains[step.id]) for step in recipe.steps}
    assert chosen == {"plain": "default", "photo": None, "tool": None, "local": "chatty", "news": None}
    assert GeneralFallback(CARDS, SearchFilters(), "default").model_for(recipe, recipe.steps[0], ["default"]) is None
