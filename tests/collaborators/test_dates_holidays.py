"""Holidays and counts from today through the real CLI on the default network: "How many days until
Christmas 2030 from 1 December 2030?" succeeded with "Sunday" (the weekday of the one date the dates
tool found), and "How many days until 25 December 2030?" with that date's weekday."""

from __future__ import annotations

from datetime import date

import pytest
from test_table_columns_run import ran

from agentnet.collaborators import dates
from agentnet.collaborators.dates import DateError, date_calc


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


@pytest.mark.parametrize(
    ("today", "question", "answer"),
    [
        (date(2026, 12, 7), "How long until Halloween?", "328 days"),
        (date(2026, 10, 31), "How long until Halloween?", "0 days"),
        (date(2026, 12, 7), "How many weeks until my birthday on 3 March?", "12 weeks and 2 days"),
        (date(2026, 12, 7), "How many days until March 3rd?", "86 days"),
        (date(2026, 3, 3), "How many days until the 3rd of March?", "0 days"),
        (date(2026, 12, 7), "How many days until the 29th of February?", "449 days"),  # 2028 is a leap year
        (date(2026, 12, 7), "How many days are left in the year?", "24 days"),
        (date(2026, 12, 31), "How many days are left in the year?", "0 days"),
        (date(2028, 1, 1), "How many weeks are left in this year?", "52 weeks and 1 day"),  # 365 days after today
        (date(2026, 2, 10), "How many days remain in this month?", "18 days"),
        (date(2026, 12, 7), "How many weeks between 2024-01-01 and 2024-03-06?", "9 weeks and 2 days"),
        # About the past: the last such day (the next one was counted: "since Christmas" gave 18 days).
        (date(2026, 12, 7), "How many days since Christmas?", "347 days"),
        (date(2026, 12, 7), "How many days ago was Halloween?", "37 days"),
        (date(2026, 12, 7), "How many weeks has it been since my birthday on 3 March?", "39 weeks and 6 days"),
        (date(2026, 12, 7), "What day of the week was 3 March?", "Tuesday"),
    ],
)
def test_counts_from_a_fixed_today(monkeypatch: pytest.MonkeyPatch, today: date, question: str, answer: str) -> None:
    """Dates without a year are the next one (today included), and what is left of the year or the month
    counts the days after today: "How many weeks until my birthday on 3 March?" and "How many days are
    left in the year?" found no date; weeks were shown as a fraction ("12.2857 weeks")."""
    monkeypatch.setattr(dates, "today", lambda: today)
    assert date_calc(question).text == answer


def test_a_yearless_date_that_never_comes_is_an_error() -> None:
    with pytest.raises(DateError, match="'31 February' is not a date"):
        date_calc("How many days until 31 February?")


@pytest.mark.usefixtures("agentnet_home")
def test_countdowns_are_planned_to_the_dates_tool_and_answered() -> None:
    """On the default network these went to SmolLM2 (the dates card scored 0.15 and 0.13, under the
    floor) or to a tool that found no date; the card now says what the tool counts."""
    today = date.today()
    end = (date(today.year, 12, 31) - today).days
    for question, answer in [
        ("How long until Halloween?", f"{(dates._next(10, 31, 'Halloween') - today).days} days"),
        ("How many weeks until my birthday on 3 March?", dates._weeks((dates._next(3, 3, "3 March") - today).days)),
        ("How many days are left in the year?", f"{end} days"),
    ]:
        result = ran(question)
        assert result["status"] == "succeeded" and result["answer"] == answer, (question, result)
