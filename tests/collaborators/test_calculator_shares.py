"""Everyday amounts the calculator reads, through the real CLI (`agentnet ask --model calculator`):
"What is 3 dozen times 4?" was refused ("cannot read the expression from 12": "dozen" after a number
was a second number, not a scale), and "Split a 120 dollar bill between 3 people" was refused
("cannot read the expression from between")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.collaborators.calculator import calculate
from agentnet.collaborators.mathtext import CalculatorError

AGENTNET = Path(sys.executable).parent / "agentnet"


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(
    ("question", "answer"),
    [("What is 3 dozen times 4?", "144"), ("Split a 120 dollar bill between 3 people", "40"),
     ("How much does each person pay if 3 people split a 120 dollar bill?", "40"),
     ("Convert 3 dozen inches to feet", "3 ft")],
)  # fmt: skip
def test_asked_of_the_calculator(question: str, answer: str) -> None:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "ask", "--model", "calculator", question], capture_output=True, text=True,
                          timeout=120, env=env, stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == answer, (done.stdout, done.stderr)


@pytest.mark.parametrize(
    ("request_text", "answer"),
    [("3 dozen", "36"), ("twelve dozen", "144"), ("a dozen eggs times 2", "24"), ("half a dozen plus 2", "8"),
     ("Divide 120 dollars among 3 people", "40"), ("Share 90 between 4 friends", "22.5"),
     ("split 100 by 4", "25"), ("Split a 120 dollar bill between 3 people with a 15% tip", "46"),
     # Words that share out only where they open the math: elsewhere they say nothing, as before.
     ("What is 15% share of 200", "30"), ("the difference between 10 and 4", "6"),
     ("divide the difference between 10 and 4 by 2", "3"),
     # The count before "split", or a count of "ways" (each was refused: "cannot read the expression").
     ("3 friends share 90", "30"), ("120 split 3 ways", "40"), ("split 120 3 ways", "40"),
     ("Split a 120 dollar bill 3 ways", "40"), ("4 people split 100 dollars with a 20% tip", "30"),
     # A comma that ends the math is punctuation (it was an operator missing its operand).
     ("3 friends share a 90 dollar dinner, how much each?", "30"),
     # A scaled amount of a conversion ("dozen" was read as "12 inches": the amount "3 12", refused).
     ("How many feet in 3 dozen inches?", "3 ft"), ("2 hundred meters in km", "0.2 km")],
)  # fmt: skip
def test_dozens_and_shares(request_text: str, answer: str) -> None:
    assert calculate(request_text).text == answer


def test_a_share_needs_how_many() -> None:
    with pytest.raises(CalculatorError, match="'split' needs two numbers"):
        calculate("split 120")
