"""Recipe rules a schema cannot express, one test per rule, checked statically and when a recipe runs:
``needs`` (local: required, max_cost, unavailable models) and the template variables (a step's own
output, ``inputs.NAME``, ``proposals`` and ``loop.*`` only where they exist)."""

from __future__ import annotations

import pytest

from agentnet.cards import CapabilityCard, Skill
from agentnet.errors import PlanningError
from agentnet.recipes import RecipeProgram, check_text
from agentnet.testing import ScriptedModel

# A model on this host, and a cheaper-looking hosted one whose requests leave the host.
ON_HOST = CapabilityCard(id="on-host", skills=[Skill(id="summarize")], locality="local", cost_per_1k_output=0.0)
HOSTED = CapabilityCard(
    id="hosted",
    skills=[Skill(id="summarize")],
    locality="remote",
    data_leaves_host=True,
    cost_per_1k_output=0.002,
)
DOWN = CapabilityCard(id="down", skills=[Skill(id="summarize")], available=False)


def recipe(needs: str) -> str:
    return f"""\
name: rules
inputs: {{text: {{}}}}
steps:
  - id: only
    needs: {needs}
    prompt: "Summarise {{{{ inputs.text }}}}"
"""


def problems(text: str, cards: list[CapabilityCard]) -> list[str]:
    checked = check_text(text, "r.yaml", cards)
    assert checked.recipe is None and checked.problems, "expected the recipe to be refused"
    return checked.problems


def accepted(text: str, cards: list[CapabilityCard]) -> None:
    checked = check_text(text, "r.yaml", cards)
    assert checked.ok, checked.problems


def test_local_required_excludes_a_model_whose_data_leaves_the_host() -> None:
    found = problems(recipe("{skill: summarize, local: required}"), [HOSTED])
    assert found == [
        "r.yaml:5:5: steps.0.needs: unsatisfiable requirement (skill 'summarize', output 'text', local required): "
        "no registered model qualifies (hosted: not local); add a model whose card has it"
    ]
    accepted(recipe("{skill: summarize, local: required}"), [HOSTED, ON_HOST])
    accepted(recipe("{skill: summarize, local: preferred}"), [HOSTED])
    accepted(recipe("{skill: summarize}"), [HOSTED])


def test_max_cost_excludes_a_dearer_model_and_keeps_one_at_the_limit() -> None:
    found = problems(recipe("{skill: summarize, max_cost: 0.001}"), [HOSTED])
    assert len(found) == 1 and "max_cost 0.001" in found[0] and "hosted: costs 0.002/1k > 0.001" in found[0]
    accepted(recipe("{skill: summarize, max_cost: 0.002}"), [HOSTED])
    accepted(recipe("{skill: summarize, max_cost: 0.001}"), [HOSTED, ON_HOST])


def test_an_unavailable_model_does_not_satisfy_a_requirement() -> None:
    found = problems(recipe("{skill: summarize}"), [DOWN])
    assert len(found) == 1 and "down: unavailable" in found[0]
    accepted(recipe("{skill: summarize}"), [DOWN, ON_HOST])


def test_every_reason_a_model_misses_is_listed() -> None:
    found = problems(recipe("{skill: summarize, output: image, local: required, max_cost: 0.001}"), [HOSTED])
    assert "hosted: does not produce 'image', not local, costs 0.002/1k > 0.001" in found[0]


def test_a_skill_no_model_lists_is_named_with_the_skills_near_it() -> None:
    """A misspelt skill was answered with every card's "no skill or tag 'summarise'" (a line per
    registered model and tool, 1,200 characters with the bundled ones) and no fix."""
    found = problems(recipe("{skill: summarise}"), [HOSTED, ON_HOST, DOWN])
    assert len(found) == 1
    assert found[0].endswith(
        "no registered model lists the skill or tag 'summarise'; did you mean 'summarize'? "
        "`agentnet models list` shows each model's skills"
    ), found
    assert "no skill or tag" not in found[0]


def scripted(card: CapabilityCard, reply: str) -> ScriptedModel:
    return ScriptedModel.build(card.id, [reply], card=card)


def test_at_run_time_local_required_never_calls_the_hosted_model() -> None:
    # Free and listed first, the hosted model would be the first candidate if locality were not checked.
    free_hosted = HOSTED.model_copy(update={"cost_per_1k_output": 0.0})
    hosted, on_host = scripted(free_hosted, "from the cloud"), scripted(ON_HOST, "from this host")
    checked = check_text(recipe("{skill: summarize, local: required}"), "r.yaml", [hosted.card, on_host.card])
    assert checked.recipe is not None, checked.problems
    result = RecipeProgram(checked.recipe, checked.dependencies, nodes=[hosted, on_host]).run({"text": "bees"})
    assert result.ok and result.output == "from this host"
    assert hosted.calls == []


def test_at_run_time_a_requirement_no_model_meets_fails_before_any_call() -> None:
    hosted = scripted(HOSTED, "from the cloud")
    checked = check_text(recipe("{skill: summarize}"), "r.yaml", [hosted.card])
    assert checked.recipe is not None
    strict = checked.recipe.model_copy(deep=True)
    assert strict.steps[0].needs is not None
    strict.steps[0].needs.local = "required"  # e.g. a recipe validated against other cards than it runs with
    with pytest.raises(PlanningError, match="no registered model satisfies"):
        RecipeProgram(strict, checked.dependencies, nodes=[hosted]).run({"text": "bees"})
    assert hosted.calls == []


TEMPLATE = """\
name: templates
inputs: {{text: {{}}}}
steps:
  - id: first
    model: on-host
    prompt: "{prompt}"
"""


@pytest.mark.parametrize(
    ("prompt", "message"),
    [
        ("{{ steps.first.output }}", "'{{ steps.first.output }}': a step cannot read its own output"),
        ("{{ inputs.text.words }}", "'{{ inputs.text.words }}': write inputs as {{ inputs.NAME }}"),
        ("{{ inputs }}", "'{{ inputs }}': write inputs as {{ inputs.NAME }}"),
        ("{{ inputs.txt }}", "template variable 'inputs.txt' is not a declared input (declared: text)"),
        ("{{ proposals }}", "'{{ proposals }}' exists only in a mixture's aggregator prompt"),
        ("{{ loop.iteration }}", "'{{ loop.iteration }}': loop variables exist only inside loop critique/revise"),
    ],
)
def test_template_variables_only_where_they_exist(prompt: str, message: str) -> None:
    found = problems(TEMPLATE.format(prompt=prompt), [ON_HOST])
    assert found == [f"r.yaml:6:5: steps.0.prompt: {message}"]


TWO_STEPS = """\
name: refs
inputs: {{text: {{}}}}
steps:
  - id: first
    model: on-host
    prompt: "Summarise {{{{ inputs.text }}}}"
  - id: second
    model: on-host
    prompt: "{prompt}"
"""


def test_another_steps_output_model_or_data_and_nothing_else() -> None:
    for prompt in ("{{ steps.first.output }}", "{{ steps.first.model }}", "{{ steps.first.data.city.name }}"):
        accepted(TWO_STEPS.format(prompt=prompt), [ON_HOST])
    for prompt in ("{{ steps.first }}", "{{ steps.first.text }}", "{{ steps.first.output.words }}"):
        found = problems(TWO_STEPS.format(prompt=prompt), [ON_HOST])
        assert found == [
            f"r.yaml:9:5: steps.1.prompt: '{prompt}': use steps.ID.output, steps.ID.model or steps.ID.data"
        ]


MIXTURE = """\
name: mix
steps:
  - id: m
    prompt: "{proposer}"
    mixture:
      proposers: [{{model: on-host}}, {{model: on-host, temperature: 0.9}}]
      aggregator: {{model: on-host, prompt: "{aggregator}"}}
"""


def test_proposals_exist_in_the_aggregator_prompt_only() -> None:
    accepted(MIXTURE.format(proposer="propose", aggregator="Pick from {{ proposals }}"), [ON_HOST])
    found = problems(MIXTURE.format(proposer="{{ proposals }}", aggregator="Pick from {{ proposals }}"), [ON_HOST])
    assert found == ["r.yaml:4:5: steps.0.prompt: '{{ proposals }}' exists only in a mixture's aggregator prompt"]
    found = problems(MIXTURE.format(proposer="propose", aggregator="{{ proposals.first }}"), [ON_HOST])
    assert len(found) == 1 and "steps.0.mixture.aggregator.prompt" in found[0] and "aggregator prompt" in found[0]


LOOP_AND_ROUTE = """\
name: elsewhere
steps:
  - id: pick
    route:
      value: "x"
      cases:
        - {{when: {{contains: x}}, model: on-host, prompt: "{case}"}}
  - id: polish
    loop:
      start: "draft"
      max_iterations: 2
      critique: {{model: on-host, prompt: "{critique}"}}
      revise: {{model: on-host, prompt: "revise {{{{ loop.draft }}}}"}}
"""


def test_proposals_and_loop_variables_are_refused_in_other_targets() -> None:
    accepted(LOOP_AND_ROUTE.format(case="x", critique="critique {{ loop.draft }}"), [ON_HOST])
    found = problems(LOOP_AND_ROUTE.format(case="{{ proposals }}", critique="{{ proposals }}"), [ON_HOST])
    assert [p.split(": ", 2)[1] for p in found] == ["steps.0.route.cases.0.prompt", "steps.1.loop.critique.prompt"]
    assert all("exists only in a mixture's aggregator prompt" in p for p in found)
    found = problems(LOOP_AND_ROUTE.format(case="{{ loop.draft }}", critique="x"), [ON_HOST])
    assert len(found) == 1 and "steps.0.route.cases.0.prompt" in found[0] and "only inside loop" in found[0]
