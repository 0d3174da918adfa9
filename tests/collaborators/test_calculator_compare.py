"""Which of two quantities is larger: the calculator reads the question, evaluates each side and names
the answer with both values; the planner keeps "which is bigger, A or B" one clause and plans the
calculator (it was cut at the comma, the question went to SmolLM2 and "A or B" failed in the calculator)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.collaborators.calculator import calculate
from agentnet.collaborators.mathtext import CalculatorError
from agentnet.planner.extract import clauses

AGENTNET = str(Path(sys.executable).parent / "agentnet")


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Which is bigger, 2^30 or 10^9?", "2^30 (2^30 = 1073741824, 10^9 = 1000000000)"),
        ("Which is larger: 3/7 or 0.43?", "0.43 (3/7 = 0.4285714286, 0.43 = 0.43)"),
        ("which number is smaller - 15% of 80 or 11?", "11 (15% of 80 = 12, 11 = 11)"),
        ("Is 2^30 bigger than 10^9?", "yes (2^30 = 1073741824, 10^9 = 1000000000)"),
        ("Is 3 < 2?", "no (3 = 3, 2 = 2)"),
        ("Is 5 miles longer than 8 km?", "yes (5 miles = 8.04672 km, 8 km = 8 km)"),
        ("Which is larger, 2 or 2.0?", "neither: they are equal (2 = 2, 2.0 = 2)"),
    ],
)
def test_a_comparison_names_the_answer_with_both_values(question: str, answer: str) -> None:
    assert calculate(question).text == answer


@pytest.mark.parametrize(
    ("question", "error"),
    [
        ("Is 5 miles longer than 8?", "only one of them has a unit"),
        ("Is 5 miles longer than 8 kg?", "cannot convert mi (length) to kg (mass)"),
        ("Which is heavier, a kilo of feathers or a kilo of steel?", "no arithmetic found"),
    ],
)
def test_a_comparison_it_cannot_make_is_refused(question: str, error: str) -> None:
    with pytest.raises(CalculatorError, match=re.escape(error)):
        calculate(question)


def test_the_alternatives_of_a_comparison_stay_in_its_clause() -> None:
    assert clauses("Which is bigger, 2^30 or 10^9?") == ["Which is bigger, 2^30 or 10^9"]


@pytest.mark.usefixtures("agentnet_home")
def test_which_is_bigger_is_answered_by_the_calculator() -> None:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", "Which is bigger, 2^30 or 10^9?"], capture_output=True,
                          text=True, timeout=300, env=env, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["answer"] == "2^30 (2^30 = 1073741824, 10^9 = 1000000000)", result
