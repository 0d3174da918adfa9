"""A network run's result and a recipe run's result answer to the same names, as the compiled graphs'
outputs do (``answer``, ``results``): ``RunResult`` called them ``answer`` and ``steps``, ``RecipeResult``
``output`` and ``results``, so code written for one failed on the other with AttributeError. The old
names stay. Real default network (the calculator) and a one-step recipe on SmolLM2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentnet.network import Network
from agentnet.recipes import RecipeProgram


def test_a_run_result_has_results_as_its_steps(agentnet_home: Path) -> None:
    with Network() as net:
        result = net.run("What is 6 times 7?")
    assert result.results is result.steps and result.results["s1"]["text"] == "42"


def test_a_recipe_result_has_an_answer_as_its_output(smollm2_node: Any) -> None:
    Path("hi.yaml").write_text(
        "name: hi\ninputs: {name: {}}\nsteps:\n"
        '  - {id: greet, model: smollm2, max_tokens: 8, prompt: "Say hello to {{ inputs.name }}"}\n'
        'output: "{{ steps.greet.output }}"\n'
    )
    with Network() as net:
        result = RecipeProgram.load("hi.yaml", nodes=net.registry).run({"name": "Ada"})
    assert result.ok and result.answer == result.output and result.answer
    assert result.results["greet"]["text"] in result.answer
