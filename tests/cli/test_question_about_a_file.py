"""`agentnet run` on a question about a text file it is handed (a file the task names, read from the working
directory), through the real CLI and real SmolLM2: the question is answered, not echoed. It planned the file
reader alone, and the "answer" to "Who owns the budget according to notes.txt?" was the whole file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")
NOTES = "The budget is owned by Alice. The deadline is May 3.\n"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=600, env=env,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip


def ran(task: str) -> tuple[str, list[str]]:
    """The run's answer and its plan's collaborators, in order."""
    done = cli("run", "--json", task)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    trace = json.loads(cli("runs", "show", result["run_id"], "--json").stdout)
    return result["answer"], [step["capability"] for step in trace["plan"]["steps"]]


@pytest.mark.slow
@pytest.mark.usefixtures("agentnet_home")
def test_a_question_about_a_named_file_is_answered_not_echoed() -> None:
    Path("notes.txt").write_text(NOTES)
    answer, steps = ran("Who owns the budget according to notes.txt?")
    assert steps[-1] != "read-file", steps
    assert answer.strip() != NOTES.strip() and "Alice" in answer, answer


@pytest.mark.slow
@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize("task", ["read notes.txt", "print notes.txt", "What is in notes.txt?"])
def test_reading_a_named_file_still_reads_it(task: str) -> None:
    Path("notes.txt").write_text(NOTES)
    answer, steps = ran(task)
    assert steps == ["read-file"]
    assert answer.strip() == NOTES.strip()
