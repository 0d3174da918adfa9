"""The time left until a clock time (collaborators/clock.py through the dates tool): "How many hours
until midnight?" found no date, and the chat model answered "12"."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from test_table_columns_run import ran

from agentnet.collaborators import clock
from agentnet.collaborators.dates import DateError, date_calc
from agentnet.errors import UserError

EVENING = datetime(2026, 12, 7, 18, 37, 20, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize(
    ("question", "answer"),
    [("How many hours until midnight?", "5 hours 23 minutes (until 00:00 tomorrow local time)"),
     ("How long until 20:00?", "1 hour 23 minutes (until 20:00 local time)"),
     ("how long till 9:30 pm", "2 hours 53 minutes (until 21:30 local time)"),
     ("How many minutes until 7pm?", "23 minutes (until 19:00 local time)"),
     ("How long until 6:38 pm?", "1 minute (until 18:38 local time)"),
     # Passed today: the next one, tomorrow.
     ("How many minutes till noon?", "1043 minutes (until 12:00 tomorrow local time)"),
     ("How much time is left before 6 o'clock?", "11 hours 23 minutes (until 06:00 tomorrow local time)")],
)  # fmt: skip
def test_time_left_until_a_clock_time(monkeypatch: pytest.MonkeyPatch, question: str, answer: str) -> None:
    monkeypatch.setattr(clock, "local_now", lambda: EVENING)
    assert date_calc(question).text == answer


def test_a_bare_number_is_no_clock_time_and_a_wrong_time_is_named() -> None:
    with pytest.raises(DateError, match="no date found"):
        date_calc("How long until 5?")
    with pytest.raises(UserError, match="'25:00' is not a time of day"):
        date_calc("How long until 25:00?")


@pytest.mark.usefixtures("agentnet_home")
def test_hours_until_midnight_through_the_cli() -> None:
    result = ran("How many hours until midnight?")
    assert result["status"] == "succeeded", result
    assert re.fullmatch(r"(?:\d+ hours? )?\d+ minutes? \(until 00:00 tomorrow local time\)", result["answer"]), result
