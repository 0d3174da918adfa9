"""Weekdays, ages and minutes in the dates tool, from a fixed today (Monday 2026-12-07). "What's the
date next Friday?" and "How many days until Friday?" found no date and failed; "How many minutes are
there between 9:15 and 17:40?" was answered "8 hours 25 minutes"; "How old is someone born on 12 May
1990?" was no question the tool answered (SmolLM2 said "1990 is the year of the birth of 1990")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from test_table_columns_run import ran

from agentnet.collaborators import dates
from agentnet.collaborators.dates import DateError, date_calc
from agentnet.planner.sentences import spelled_out

MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("today", "question", "answer"),
    [(MONDAY, "What's the date next Friday?", "2026-12-11 (Friday)"),
     (MONDAY, "When is next Monday?", "2026-12-14 (Monday)"),  # "next" on the day itself: a week on
     (MONDAY, "What's the date this Monday?", "2026-12-07 (Monday)"),
     (MONDAY, "What date was last Friday?", "2026-12-04 (Friday)"),
     (MONDAY, "What date was last Monday?", "2026-11-30 (Monday)"),
     (date(2026, 12, 11), "What's the date next Friday?", "2026-12-18 (Friday)"),
     (MONDAY, "How many days until Friday?", "4 days"),
     (MONDAY, "What date is 10 days after next Friday?", "2026-12-21 (Monday)"),
     # A weekday beside its date names that date.
     (MONDAY, "What day of the week is 2025-12-25?", "Thursday"),
     (MONDAY, "What is Friday, 3 March 2028 plus 3 days?", "2028-03-06 (Monday)"),
     (MONDAY, "How many days between 2025-12-25 (Thursday) and 2026-01-01?", "7 days"),
     (MONDAY, "How old is someone born on 12 May 1990?", "36 years old (born 1990-05-12, a Saturday)"),
     (MONDAY, "How old am I if I was born on 7 December 2000?", "26 years old (born 2000-12-07, a Thursday)"),
     (MONDAY, "What age is a person born on 8 December 2000?", "25 years old (born 2000-12-08, a Friday)"),
     (MONDAY, "How many minutes are there between 9:15 and 17:40?", "505 minutes"),
     (MONDAY, "How long is it from 9:15 to 17:40?", "8 hours 25 minutes")],
)  # fmt: skip
def test_from_a_fixed_today(monkeypatch: pytest.MonkeyPatch, today: date, question: str, answer: str) -> None:
    monkeypatch.setattr(dates, "today", lambda: today)
    assert date_calc(question).text == answer


def test_an_age_of_someone_not_born_yet_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates, "today", lambda: MONDAY)
    with pytest.raises(DateError, match="2030-05-12 is after today"):
        date_calc("How old is someone born on 12 May 2030?")


@pytest.mark.parametrize(
    ("question", "answer"),
    [("How old will I be in 2030 if I was born in 1990?", "39 or 40 years old in 2030 (before or after the birthday)"),
     ("How old is someone born in 1990?", "35 or 36 years old in 2026 (before or after the birthday)")],
)  # fmt: skip
def test_ages_from_years_alone(monkeypatch: pytest.MonkeyPatch, question: str, answer: str) -> None:
    monkeypatch.setattr(dates, "today", lambda: MONDAY)
    assert date_calc(question).text == answer


@pytest.mark.usefixtures("agentnet_home")
def test_an_age_is_planned_to_the_dates_tool_through_the_cli() -> None:
    today = date.today()
    years = today.year - 1990 - ((today.month, today.day) < (5, 12))
    result = ran("How old is someone born on 12 May 1990?")
    assert result["status"] == "succeeded", result
    assert result["answer"] == f"{years} years old (born 1990-05-12, a Saturday)", result


@pytest.mark.usefixtures("agentnet_home")
def test_an_age_with_the_birth_date_after_a_comma_is_the_dates_tools() -> None:
    """The comma cut "How old is my dad" from "born 3 March 1958", neither read as an age, and SmolLM2
    answered "Your dad is 30 years old"; read whole as "calculate the age of ...", the calculator's card
    scored as high as the dates card."""
    today = date.today()
    years = today.year - 1958 - ((today.month, today.day) < (3, 3))
    result = ran("How old is my dad, born 3 March 1958?")
    assert result["status"] == "succeeded", result
    assert result["answer"] == f"{years} years old (born 1958-03-03, a Monday)", result


@pytest.mark.parametrize(
    ("question", "read"),
    [("How old is someone born on 12 May 1990?",
      "count the years since the birth date of someone born on 12 May 1990?"),
     # A question of fact, with no birth date: as written.
     ("How old is the Eiffel Tower?", "How old is the Eiffel Tower?")],
)  # fmt: skip
def test_an_age_from_a_birth_date_reads_as_a_calculation(question: str, read: str) -> None:
    assert spelled_out(question) == read


@pytest.mark.usefixtures("agentnet_home")
def test_when_is_next_monday_is_planned_to_the_dates_tool_through_the_cli() -> None:
    today = date.today()
    monday = today + timedelta(days=(0 - today.weekday()) % 7 or 7)
    result = ran("When is next Monday?")
    assert result["status"] == "succeeded" and result["answer"] == f"{monday.isoformat()} (Monday)", result
    assert spelled_out("When was last Friday?") == "what is the date last Friday?"
