"""Holidays and counts from today through the real CLI on the default network: "How many days until
Christmas 2030 from 1 December 2030?" succeeded with "Sunday" (the weekday of the one date the dates
tool found), and "How many days until 25 December 2030?" with that date's weekday."""

from __future__ import annotations

from datetime import date

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.dates import date_calc


@pytest.mark.usefixtures("agentnet_home")
def test_days_until_a_holiday_are_counted() -> None:
    result = ran("How many days until Christmas 2030 from 1 December 2030?")
    assert result["status"] == "succeeded" and result["answer"] == "24 days", result


def test_holidays_and_counts_from_today() -> None:
    until = (date(2030, 12, 25) - date.today()).days
    today = date.today()
    christmas = date(today.year, 12, 25) if date(today.year, 12, 25) >= today else date(today.year + 1, 12, 25)
    asked = {
        "How many days between 1 December 2030 and Christmas 2030?": "24 days",
        "How many days until Christmas Day, 25 December 2030 from 1 December 2030?": "24 days",
        "How many days until new year\u2019s day 2031 from 2030-12-01?": "31 days",
        "What day of the week is Christmas 2030?": "Wednesday",
        "What day is Valentine's Day 2031?": "Friday",
        "How long until Halloween 2030 from 2030-10-01?": "30 days",
        "How many days until 25 December 2030?": f"{until} days",
        "How many days until Christmas?": f"{(christmas - today).days} days",
        # A lone date with nothing to count or add is still asked for its weekday.
        "What day of the week was 14 July 1789?": "Tuesday",
    }
    assert {question: date_calc(question).text for question in asked} == asked
