"""A request whose only number is written in passing asks no calculation: the calculator refuses it
instead of answering with that number. On the default network "Is 2028 a leap year?" was planned to
the dates tool, which found no date, and the calculator, its fallback, "answered" 2028 (and "Who won
the 1998 world cup?" 1998, "Is 7 a prime number?" 7)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from agentnet.collaborators.calculator import calculate
from agentnet.errors import UserError

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def agentnet(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip


# "in" after a number and before more words is the preposition, not inches (it answered 120).
PASSING = ["Is 2028 a leap year?", "Who won the 1998 world cup?", "Is 7 a prime number?", "How much is 120 in a week?"]


@pytest.mark.parametrize("request_text", PASSING)
def test_a_number_in_passing_is_no_calculation(request_text: str) -> None:
    with pytest.raises(UserError, match=r"no calculation in .*: its only number is \d+") as raised:
        calculate(request_text)
    assert not raised.value.conclusive  # another collaborator may know the answer


@pytest.mark.parametrize(
    ("request_text", "context", "answer"),
    [("10 km", "", "10"), ("10 USD in total", "", "10"), ("$5", "", "5"), ("-5", "", "-5"),
     ("What is 1 million?", "", "1000000"), ("What is the total?", "Total: 45.90", "45.9")],
)  # fmt: skip
def test_an_amount_or_a_named_value_is_still_answered(request_text: str, context: str, answer: str) -> None:
    assert calculate(request_text, context, bool(context)).text == answer
    assert Decimal(answer) == Decimal(str(calculate(request_text, context, bool(context)).data["result"]))


@pytest.mark.usefixtures("agentnet_home")
def test_the_calculator_does_not_echo_a_question_through_the_cli() -> None:
    asked = agentnet("ask", "-m", "calculator", "Is 7 a prime number?")
    assert asked.returncode != 0 and asked.stdout.strip() != "7", (asked.stdout, asked.stderr)
    assert "no calculation in 'Is 7 a prime number?'" in asked.stderr
    ran = agentnet("run", "--json", "Is 2028 a leap year?")
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    assert result.get("answer") != "2028", result
