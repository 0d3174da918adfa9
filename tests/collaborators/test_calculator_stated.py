"""Numbers a request states in a sentence before its question, and questions a factorial's "!" ends
(collaborators/stated.py, calculator.py). "My receipt says Total 45.90. What is the total with a 15%
tip?" failed on every collaborator (the calculator: "cannot read '.'"); "What is 5! Then add 2" was
refused ("cannot read the expression from add")."""

from __future__ import annotations

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.calculator import calculate
from agentnet.errors import UserError


@pytest.mark.parametrize(
    ("request_text", "answer"),
    [("My receipt says Total 45.90. What is the total with a 15% tip?", "52.785"),
     ("What is the total with a 15% tip? My receipt says Total 45.90.", "52.785"),
     ("The bill is 80 dollars. What is 15% of it?", "12"),
     ("I earn 3200 a month. What is 30% of that?", "960"),
     ("My salary is 3200. What is 30% of my salary?", "960"),
     ("Rent is 1800 dollars. Split it between 3 people.", "600"),
     # A number that names nothing sets the scene; the question has its own.
     ("I have 3 kids. What is 15% of 80?", "12"),
     # A sentence of arithmetic is a question of its own, not a stated value.
     ("What is 5 factorial? Then add 2", "122"),
     ("Calculate 4! And then add 4", "28"),
     ("What is 10% of 80? Then add 5", "13"),
     # A factorial's "!" ends its question.
     ("What is 5! Then add 2", "122"),
     ("What is 5! times 2", "240"),
     ("What is 5! + 3", "123"),
     # A sentence's full stop is no operator.
     ("What is 5 plus 3.", "8")],
)  # fmt: skip
def test_a_number_stated_before_the_question_is_named_by_it(request_text: str, answer: str) -> None:
    assert calculate(request_text, request_text).text == answer


def test_two_factorial_questions_are_both_answered() -> None:
    assert calculate("What is 5! And what is 3!?").text == "What is 5!: 120\nwhat is 3!: 6"


def test_arithmetic_in_two_sentences_is_still_refused_not_guessed() -> None:
    with pytest.raises(UserError, match="cannot read the expression"):
        calculate("Compute 5 plus 3. Then add 2.")


@pytest.mark.usefixtures("agentnet_home")
def test_the_receipt_total_stated_in_the_request_through_the_cli() -> None:
    result = ran("My receipt says Total 45.90. What is the total with a 15% tip?")
    assert result["status"] == "succeeded" and result["answer"] == "52.785", result
