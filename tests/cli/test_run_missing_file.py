"""`agentnet run` on a task that names a file that is not here, through the real CLI: the run ends with an
error naming the file and the fix. It ran SmolLM2 on the bare name, which made up a summary of a file
nobody had ("summarise missing.txt"), with only a note on stderr saying the file was missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def run(task: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, "run", "--json", task], capture_output=True, text=True, timeout=300, env=env,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip


@pytest.mark.usefixtures("agentnet_home")
def test_a_missing_file_the_task_names_ends_the_run_naming_it() -> None:
    done = run("summarise missing.txt")
    assert done.returncode == 2, done.stdout + done.stderr
    error = json.loads(done.stdout.strip().splitlines()[-1])["error"]
    assert error["code"] == "file_not_found"
    assert error["message"] == f"the task names missing.txt, but there is no such file in {Path.cwd()}"
    assert error["hint"] == "check the name, or pass the file with --input PATH"


@pytest.mark.usefixtures("agentnet_home")
def test_a_name_the_result_is_saved_under_need_not_exist() -> None:
    done = run("write a two-line poem about bees and save it as poem.txt")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["status"] == "succeeded"
    # Not told the file is missing (it was): told that a run writes no file, and how to keep the answer.
    assert "no such file" not in done.stderr, done.stderr
    assert "note: the task asks for poem.txt as output, but agentnet writes no files" in done.stderr, done.stderr
    assert "jq -r .answer > poem.txt" in done.stderr


@pytest.mark.usefixtures("agentnet_home")
def test_a_name_an_input_carries_is_no_missing_file() -> None:
    """`-i data/people.csv "... people.csv"`: the task names the file handed over, not one missing here."""
    Path("data").mkdir()
    Path("data/people.csv").write_text("name,age\nAnn,34\nBob,41\n")
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", "-i", "data/people.csv", "How many rows are in people.csv?"],
                          capture_output=True, text=True, timeout=300, env=env, stdin=subprocess.DEVNULL,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["answer"] == "2 rows"
