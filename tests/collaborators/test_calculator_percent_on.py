"""A percentage "on" an amount, through the real CLI on the default network: "What is 15% tip on a
42.50 bill?" was planned to the calculator, which refused it ("cannot read the expression from 42.50":
"on" meant nothing), and the run fell back to SmolLM2, which "answered" 9.85."""

from __future__ import annotations

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.calculator import calculate


@pytest.mark.usefixtures("agentnet_home")
def test_a_tip_on_a_bill_is_calculated() -> None:
    result = ran("What is 15% tip on a 42.50 bill?")
    assert result["status"] == "succeeded" and result["answer"] == "6.375", result


@pytest.mark.parametrize(
    ("request_text", "answer"),
    [("What is a 15% tip on 42.50?", "6.375"), ("5% interest on 1000", "50"),
     # After "add" the part is added; an "on" before no number says nothing.
     ("add a 15% tip on 42.50", "48.875"), ("80 + 15% on top", "92")],
)  # fmt: skip
def test_a_percentage_on_an_amount(request_text: str, answer: str) -> None:
    assert calculate(request_text).text == answer
