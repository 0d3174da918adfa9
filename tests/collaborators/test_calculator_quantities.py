"""Arithmetic on quantities with no unit asked for. The calculator's parser dropped the unit words, so
"What is 5 km plus 300 m?" was planned to it and answered 305 (the run succeeded), "2 kg minus 500 g"
-498 and "3 feet + 4 inches" 7; "3 hours 45 minutes plus 2 hours 30 minutes" was refused, and the run
fell through to SmolLM2, which called it "a classic lateral thinking puzzle"."""

from __future__ import annotations

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.calculator import calculate
from agentnet.errors import UserError


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(
    ("request_text", "answer"),
    # The second is planned to the dates tool, which finds no date; its alternate, the calculator, answers.
    [("What is 5 km plus 300 m?", "5.3 km (5300 m)"),
     ("What is 3 hours 45 minutes plus 2 hours 30 minutes?", "6.25 h (375 min)")],
)  # fmt: skip
def test_quantities_add_up_through_the_cli(request_text: str, answer: str) -> None:
    result = ran(request_text)
    assert result["status"] == "succeeded" and result["answer"] == answer, result


@pytest.mark.parametrize(
    ("request_text", "answer"),
    [("2 kg minus 500 g", "1.5 kg (1500 g)"), ("3 feet + 4 inches", "3.3333333333 ft (40 in)"),
     ("3 hours plus 2 hours", "5 h"), ("1 hour 20 minutes times 3", "4 h"), ("2.5 hours * 3", "7.5 h"),
     ("1 hour and 30 minutes + 45 minutes", "2.25 h (135 min)"), ("15% of 2 hours", "0.3 h"),
     ("5 km - 5000 m", "0 km"),
     # Kinds that cancel out or divide: a ratio is a plain number, a speed has both units.
     ("10 km / 500 m", "20"), ("10 km / 2 hours", "5 km/h"),
     # No quantity that adds up: as before (a word that is no unit, "in" with words after it, degrees).
     ("3 apples plus 2 apples", "5"), ("20 \u00b0C + 5 \u00b0C", "25"), ("x2 km + 3", "5"),
     ("5 km + 300 m in m", "5300 m")],
)  # fmt: skip
def test_each_quantity_counts_in_the_first_unit_of_its_kind(request_text: str, answer: str) -> None:
    assert calculate(request_text).text == answer


@pytest.mark.parametrize(("request_text", "kinds"), [("5 km + 3 kg", "length and mass"), ("5 km * 3 km", "length")])
def test_quantities_with_no_unit_to_name_are_refused_not_answered_bare(request_text: str, kinds: str) -> None:
    with pytest.raises(UserError, match=rf"its quantities \({kinds}\) give no unit") as caught:
        calculate(request_text)
    assert "add or subtract quantities of one kind" in (caught.value.hint or "")
