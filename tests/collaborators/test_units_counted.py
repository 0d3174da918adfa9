"""A conversion whose amount is a word ("a day", "an hour", "one inch"), through the real CLI on the
default network: "How many seconds are in a day?" was planned to dates, text-statistics and the
calculator, which all refused it (the calculator: "no arithmetic found"), and the run failed."""

from __future__ import annotations

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.calculator import calculate
from agentnet.errors import UserError


@pytest.mark.usefixtures("agentnet_home")
def test_seconds_in_a_day_through_the_cli() -> None:
    result = ran("How many seconds are in a day?")
    assert result["status"] == "succeeded" and result["answer"] == "86400 s", result


@pytest.mark.parametrize(
    ("request_text", "answer"),
    [("How many minutes in an hour?", "60 min"), ("How many grams in a pound?", "453.59237 g"),
     ("how many cm in one inch", "2.54 cm"), ("How many inches in two feet?", "24 in"),
     ("convert a mile to km", "1.609344 km")],
)  # fmt: skip
def test_a_count_in_words_is_the_amount(request_text: str, answer: str) -> None:
    assert calculate(request_text).text == answer


def test_a_word_after_a_that_is_no_unit_stays_a_word() -> None:
    with pytest.raises(UserError, match="no calculation"):
        calculate("Is 2028 a leap year?")
