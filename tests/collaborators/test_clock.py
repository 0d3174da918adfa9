"""The time now, here or in a named place, from this machine's clock (collaborators/clock.py through the
dates tool): "what time is it in Tokyo?" had no collaborator, and SmolLM2 made a time up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from agentnet.collaborators.clock import ClockError
from agentnet.collaborators.dates import date_calc

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def _around(zone: str | None) -> set[str]:
    """The clock's HH:MM now in ``zone`` (local with None), and a minute on: the call may cross a minute."""
    now = datetime.now(ZoneInfo(zone) if zone else None)
    later = datetime.fromtimestamp(now.timestamp() + 60, now.tzinfo)
    return {now.strftime("%H:%M"), later.strftime("%H:%M")}


@pytest.mark.parametrize(
    ("question", "zone"),
    [
        ("what time is it in Tokyo?", "Asia/Tokyo"),
        ("What's the current time in New York", "America/New_York"),
        ("what time is it in Asia/Kolkata", "Asia/Kolkata"),
        ("what time is it in UTC", "UTC"),
    ],
)
def test_the_time_now_in_a_named_place(question: str, zone: str) -> None:
    before = _around(zone)
    answer = date_calc(question)
    assert answer.data["zone"] == zone and answer.data["time"] in before | _around(zone), answer.text


def test_the_time_here_and_hours_from_now() -> None:
    before = _around(None)
    assert date_calc("what time is it?").data["zone"] == "local time"
    assert date_calc("what time is it?").data["time"] in before | _around(None)
    in_three = datetime.now().timestamp() + 3 * 3600
    expected = {datetime.fromtimestamp(in_three + d).strftime("%H:%M") for d in (0, 60)}
    assert date_calc("what time will it be in 3 hours").data["time"] in expected


def test_an_unknown_place_is_named_and_ends_the_step() -> None:
    with pytest.raises(ClockError, match="no time zone known for 'Narnia'") as raised:
        date_calc("what time is it in Narnia")
    assert raised.value.conclusive


@pytest.mark.usefixtures("agentnet_home")
def test_the_default_network_asks_the_dates_tool() -> None:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", "what time is it in Tokyo?"], capture_output=True, text=True,
                          timeout=300, env=env, stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "succeeded" and "(Asia/Tokyo, " in result["answer"], result
