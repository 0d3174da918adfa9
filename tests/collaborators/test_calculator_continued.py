"""An operation on the result an earlier step handed to the calculator. "Count the words in notes.txt
and multiply by 4" was planned to text statistics, then the calculator with "multiply by 4" and "13
words": the calculator refused it ("cannot start an expression with 'by'") and the step fell through
to SmolLM2, which answered with Python advice. "..., times 2" was planned to SmolLM2 itself. And with
nothing handed, "plus 10" was answered 10 and "add 10%" 0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.calculator import calculate
from agentnet.errors import UserError


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(
    ("request_text", "answer"),
    [("What is the sum of the ages in people.csv, times 2?", "204"),
     # With no comma the whole question was one clause, no specialist's: SmolLM2 answered 27.
     ("What is the sum of the ages in people.csv divided by 3?", "34"),
     ("Count the words in notes.txt and multiply by 4", "52"),
     # The result named ("that number", "the count"): refused ("cannot start an expression with 'by'"),
     # and with "and" the multiplication was not planned at all ("13 words").
     ("Count the words in notes.txt, then multiply that number by 4", "52"),
     ("Count the words in notes.txt and multiply the count by 4", "52")],
)  # fmt: skip
def test_an_operation_on_the_step_before_through_the_cli(request_text: str, answer: str) -> None:
    Path("people.csv").write_text("name,age,city\nAnn,34,Oslo\nBob,27,Rome\nCid,41,Oslo\n")
    Path("notes.txt").write_text("The meeting is on Tuesday. We will review the budget. Bring your laptop.\n")
    result = ran(request_text)
    assert result["status"] == "succeeded" and result["answer"] == answer, result


@pytest.mark.parametrize(
    ("request_text", "answer"),
    [("times 2", "204"), ("multiplied by 2", "204"), ("divide it by 3", "34"), ("multiply the result by 4", "408"),
     ("plus 10", "112"), ("and then add 5", "107"), ("add 5 to it", "107"), ("subtract 2", "100"),
     ("add 10%", "112.2"), ("multiply that number by 4", "408"), ("then divide the total by 2", "51"),
     ("add 5 to the count", "107"),
     # Its own operands: arithmetic as before.
     ("add 5 and 3", "8")],
)  # fmt: skip
@pytest.mark.parametrize("handed", ["102 (sum of age)", '{"result": 102, "text": "102 (sum of age)"}'])
def test_the_handed_result_is_the_left_operand(request_text: str, answer: str, handed: str) -> None:
    assert calculate(request_text, handed, handed=True).text == answer


@pytest.mark.parametrize("handed", [None, "Total 42.50", "2026-12-07 (Monday)"])
@pytest.mark.parametrize("request_text", ["plus 10", "add 10%", "times 2"])
def test_with_no_result_handed_an_operation_is_refused_not_answered(request_text: str, handed: str | None) -> None:
    with pytest.raises(UserError, match="has no number to work on") as caught:
        calculate(request_text, handed or request_text, handed=handed is not None)
    assert "write both numbers" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("request_text", "answer"),
    # "rounded to 2 decimals" was refused ("cannot start an expression with 'to'") and SmolLM2 answered 2.06.
    [("What is 1000 divided by 7, rounded to 2 decimals?", "142.86"),
     ("What is 2 divided by 3, round it to 3 decimal places", "0.667"),
     ("What is 1234.5 times 3, rounded to the nearest 100?", "3700"),
     # After a conversion, in its unit: the rounding was dropped ("6.2137119224 mi").
     ("Convert 10 km to miles, then round it to 1 decimal", "6.2 mi"),
     ("Convert 10 km to miles and round to 2 decimal places", "6.21 mi")],
)  # fmt: skip
def test_a_result_rounded_after_a_comma(request_text: str, answer: str) -> None:
    assert calculate(request_text).text == answer


@pytest.mark.usefixtures("agentnet_home")
def test_a_result_rounded_after_a_comma_through_the_cli() -> None:
    result = ran("What is 1000 divided by 7, rounded to 2 decimals?")
    assert result["status"] == "succeeded" and result["answer"] == "142.86", result
