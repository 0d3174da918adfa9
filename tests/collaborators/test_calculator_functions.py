"""Functions people ask a calculator for. On the default network "What is 7 factorial?", "What is 12
squared?", "What's the cube root of 27?" and "the median of 3, 9, 1, 7 and 5" were planned to SmolLM2
("12 is 4 times the number of seconds it takes for light to reach Earth from the Sun"); the calculator
had no factorial, cube root or median, refused "Round 3.14159 to 2 decimals", rounded 2.5 to 2, and
answered "What is 10 percent of 250, minus 5?" as two questions, 25 and -5."""

from __future__ import annotations

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.calculator import calculate
from agentnet.errors import UserError


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(
    ("request_text", "answer"),
    [("What is 7 factorial?", "5040"), ("What is the median of 3, 9, 1, 7 and 5?", "5"),
     ("What's the cube root of 27?", "3"),
     # The clause lost its "!" with the question mark ("What is 5") and SmolLM2 answered 10.
     ("What is 5!?", "120")],
)  # fmt: skip
def test_functions_are_planned_to_the_calculator_through_the_cli(request_text: str, answer: str) -> None:
    result = ran(request_text)
    assert result["status"] == "succeeded" and result["answer"] == answer, result


@pytest.mark.parametrize(
    ("request_text", "answer"),
    [("What is 7 factorial?", "5040"), ("7!", "5040"), ("factorial of 5", "120"), ("5! + 1", "121"), ("0!", "1"),
     ("median of 4, 1, 3 and 2", "2.5"), ("What is the median of 3, 9, 1, 7 and 5?", "5"),
     ("What's the cube root of 27?", "3"), ("cube root of -8", "-2"), ("cbrt(64)", "4"),
     ("cube root of 10", "2.15443469"), ("What is 12 squared?", "144"),
     ("Round 3.14159 to 2 decimals", "3.14"), ("round 2.675 to 2 decimal places", "2.68"),
     ("Round 1234 to the nearest 100", "1200"), ("round 1250 to the nearest 100", "1300"),
     ("round(2.5)", "3"), ("round(-2.5)", "-3"), ("round(3.14159, 2)", "3.14"), ("round 3.7", "4"),
     ("What is 10 percent of 250, minus 5?", "20"), ("What is 15% of 80, then add 5?", "17"),
     # Not a factorial: a sentence's "!" after a space, and "!=".
     ("3 + 4 !", "7")],
)  # fmt: skip
def test_functions(request_text: str, answer: str) -> None:
    assert calculate(request_text).text == answer


@pytest.mark.parametrize(
    ("request_text", "error"),
    [("3.5!", r"3\.5! is not defined: a factorial needs a whole number"),
     ("500!", "would have more than 1000 digits"),
     ("round(1, 40)", "cannot round to 40 decimal places"),
     ("round 3.14159 to 40 decimals", "cannot round to 40 decimal places")],
)  # fmt: skip
def test_functions_without_an_answer_are_refused(request_text: str, error: str) -> None:
    with pytest.raises(UserError, match=error):
        calculate(request_text)
