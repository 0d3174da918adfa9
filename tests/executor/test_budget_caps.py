"""The token budget caps every call: a call's ``max_tokens`` is cut to what the budget has left, so even a
model that talks until it is stopped keeps the run within its budget (docs: executor/budget.py)."""

from __future__ import annotations

from typing import Any

import pytest

from agentnet.config import BudgetSettings
from agentnet.errors import BudgetExceededError
from agentnet.executor import Executor
from agentnet.executor.budget import estimate_tokens
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.plan import Plan, Step, StepInput
from agentnet.testing import ScriptedModel

TALKATIVE = " ".join(["word"] * 500)


def chain(card: str, count: int) -> Plan:
    steps = [Step(id="s1", capability=card, instruction="talk", inputs=[StepInput(kind="user")])]
    for i in range(2, count + 1):
        steps.append(
            Step(id=f"s{i}", capability=card, instruction="talk", inputs=[StepInput(kind="step", step=f"s{i - 1}")])
        )
    return Plan(task="t", steps=steps)


def test_each_call_is_cut_to_the_tokens_left() -> None:
    talker = ScriptedModel.build("talker", [" ".join(["brief"] * 20), TALKATIVE])
    executor = Executor([talker], budgets=BudgetSettings(max_tokens=200))
    result = executor.run(chain("talker", 3), run_id="capped", check=False)
    # Each call may use the budget less what was spent and less its own prompt (estimated).
    assert len(talker.calls) == 2
    spent = 0
    for messages, options, step_id in zip(talker.calls, talker.call_options, ("s1", "s2"), strict=True):
        prompt = estimate_tokens("".join(m["content"] for m in messages))
        assert options.max_tokens == 200 - spent - prompt, step_id
        spent += result.steps[step_id]["prompt_tokens"] + result.steps[step_id]["completion_tokens"]
    assert result.steps["s2"]["completion_tokens"] == talker.call_options[1].max_tokens  # the talker was cut
    # It stops before a call that could not fit (s3), never after overspending.
    assert result.status == "budget_exceeded" and isinstance(result.error, BudgetExceededError)
    assert "'s3'" in result.error.message
    assert 0 < executor.trace("capped")["tokens"] <= 200


def test_a_smaller_step_limit_is_kept_and_a_larger_one_is_cut() -> None:
    talker = ScriptedModel.build("talker", [TALKATIVE])
    Executor([talker], budgets=BudgetSettings(max_tokens=1000), max_tokens=12).run(chain("talker", 1))
    assert talker.call_options[0].max_tokens == 12
    Executor([talker], budgets=BudgetSettings(max_tokens=100), max_tokens=400).run(chain("talker", 1))
    assert talker.call_options[1].max_tokens is not None and talker.call_options[1].max_tokens < 100
    Executor([talker], max_tokens=400).run(chain("talker", 1))
    assert talker.call_options[2].max_tokens == 400  # no budget: no cut


def test_a_call_left_too_few_tokens_is_not_made() -> None:
    probe = ScriptedModel.build("talker", [TALKATIVE])
    Executor([probe]).run(chain("talker", 1))
    prompt = estimate_tokens("".join(m["content"] for m in probe.calls[0]))
    # Exactly 8 tokens left after the prompt (the smallest useful reply): the call is made with that cap;
    # one fewer: refused.
    talker = ScriptedModel.build("talker", [TALKATIVE])
    Executor([talker], budgets=BudgetSettings(max_tokens=prompt + 8)).run(chain("talker", 1))
    assert talker.call_options[0].max_tokens == 8
    refused = ScriptedModel.build("talker", [TALKATIVE])
    limit = prompt + 8 - 1
    with pytest.raises(BudgetExceededError, match=f"max_tokens={limit} would be exceeded"):
        Executor([refused], budgets=BudgetSettings(max_tokens=limit)).run(chain("talker", 1))
    assert refused.calls == []


@pytest.mark.slow
def test_the_real_model_stays_within_the_token_budget(smollm2_node: Any) -> None:
    """The embedded GGUF, asked for a long story with its default 512-token limit, stops at the budget."""
    plan = Plan(
        task="Write a long story about a dragon who learns to sail, with many chapters.",
        steps=[Step(id="story", capability="smollm2", instruction="Write the story.", inputs=[StepInput(kind="user")])],
    )
    executor = Executor(NodeRegistry(), budgets=BudgetSettings(max_tokens=120))
    result = executor.run(plan)
    step = result.steps["story"]
    assert step["completion_tokens"] < 120 - estimate_tokens(plan.task)
    assert executor.trace(result.run_id)["steps"][0]["completion_tokens"] == step["completion_tokens"]


def test_a_call_that_may_cost_exactly_what_is_left_of_max_cost_is_allowed() -> None:
    """max_cost is a cap ("at most"), not a bound never to be reached: a call whose worst case spends
    the budget exactly runs; one a cent beyond it is refused before it is made."""
    from agentnet.cards import CapabilityCard
    from agentnet.executor.budget import BudgetMeter

    card = CapabilityCard(id="priced", cost_per_1k_input=1.0, cost_per_1k_output=0.0)
    meter = BudgetMeter(BudgetSettings(max_cost=1.0))
    assert meter.grant("s1", card, prompt_tokens=1000, max_tokens=50).max_tokens == 50
    with pytest.raises(BudgetExceededError, match="max_cost=1 would be exceeded"):
        meter.grant("s1", card, prompt_tokens=1010, max_tokens=50)
