"""Files named as a list ("summarise notes.txt and report.txt") are all objects of one step: cut off
as a clause of its own, "report.txt" matched the file reader best, which became the whole plan's
guess and failed on the text handed to it. The real CLI, the default directory (bundled tools and the
embedded SmolLM2), real files in the working directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")
FILES = {"notes.txt": "bees make honey", "report.txt": "the hive grew all summer long", "todo.md": "buy jars"}


def agentnet(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def plan(task: str) -> dict[str, Any]:
    done = agentnet("plan", "--no-model", task, "--json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture
def files(agentnet_home: Path) -> None:
    for name, text in FILES.items():
        Path(name).write_text(text + "\n", encoding="utf-8")


def read(step: dict[str, Any]) -> list[str]:
    return [item["value"] for item in step["inputs"] if item["kind"] == "user"]


@pytest.mark.usefixtures("files")
def test_one_step_reads_every_file_the_list_names() -> None:
    found = plan("summarise notes.txt and report.txt")
    assert [step["capability"] for step in found["steps"]] == ["smollm2"]
    assert read(found["steps"][0]) == ["notes.txt", "report.txt"]
    found = plan("translate notes.txt and the file report.txt into German")
    assert [step["capability"] for step in found["steps"]] == ["smollm2"]
    assert read(found["steps"][0]) == ["notes.txt", "report.txt"]


@pytest.mark.usefixtures("files")
def test_the_words_of_every_listed_file_are_counted() -> None:
    found = plan("count the words in notes.txt, report.txt and todo.md")
    assert [step["capability"] for step in found["steps"]] == ["text-statistics"]
    assert read(found["steps"][0]) == ["notes.txt", "report.txt", "todo.md"]
    done = agentnet("run", "count the words in notes.txt, report.txt and todo.md", "--json")
    assert done.returncode == 0, done.stderr
    words = sum(len(text.split()) for text in FILES.values())
    assert f"{words} words" in json.loads(done.stdout.splitlines()[-1])["answer"]
