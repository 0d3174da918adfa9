"""Leap years through the real CLI on the default network: "Is 2028 a leap year?" is planned to the
dates tool, which answered "no date found in the request"; its fallbacks had no answer either (the
calculator once "answered" 2028, the question's one number)."""

from __future__ import annotations

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.dates import DateError, date_calc


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(
    ("question", "answer"),
    [("Is 2028 a leap year?", "yes: 2028 is a leap year (366 days)"),
     ("Was 1900 a leap year?", "no: 1900 is not a leap year (365 days)")],
)  # fmt: skip
def test_a_leap_year_question_is_answered(question: str, answer: str) -> None:
    result = ran(question)
    assert result["status"] == "succeeded" and result["answer"] == answer, result


def test_only_a_question_about_one_year_is_a_leap_year_question() -> None:
    assert date_calc("is 2000 a leap-year").data == {"year": 2000, "leap": True, "days": 366,
                                                     "text": "yes: 2000 is a leap year (366 days)"}  # fmt: skip
    for question in ("How many leap years between 2000 and 2020?", "what is a leap year?"):
        with pytest.raises(DateError, match="no date found"):
            date_calc(question)
