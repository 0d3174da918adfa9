"""A question about a table file handed over with --input, through the real CLI on the default network: the
file's format (CSV) asks for the collaborator that declares it reads CSV. The questions named no file and
scored every specialist under the bars, so the plan went to SmolLM2, which guessed ("no specialist
matched")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")
PEOPLE = "name,age,city\nAnn,34,Lyon\nBob,27,Rome\nCy,45,Lyon\n"


def ran(*args: str) -> dict[str, Any]:
    """The JSON result of `agentnet run --json ARGS` on the default network (real CLI, no daemon)."""
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", *args], capture_output=True, text=True, timeout=300, env=env,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("How many people live in Lyon?", "2 rows where city == Lyon"),
        ("Who lives in Lyon?", "Ann and Cy (2 rows where city == Lyon)"),
        ("What is the average age?", "35.3333333333 (mean of age)"),
    ],
)
def test_a_question_about_a_handed_csv_is_the_table_querys(question: str, answer: str) -> None:
    Path("people.csv").write_text(PEOPLE)
    result = ran("-i", "people.csv", question)
    assert result["status"] == "succeeded", result
    assert result["answer"] == answer  # the table query's wording: SmolLM2 made up a count
