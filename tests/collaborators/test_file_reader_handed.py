"""A file the task names is read by the CLI and handed over as its text, but a tool parameter that
takes a file's name gets the name: the bundled file reader was handed 'alpha beta gamma' for its path
('no file name in ...') and the run fell back to text-to-speech, which "answered" with a WAV. The real
CLI, the default directory (bundled tools, the embedded SmolLM2), real files; in-process and through a
real `agentnet daemon`, whose own working directory is not the caller's."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentnet.nodes.arguments import ToolRequest, ToolSchema, fill_arguments

AGENTNET = str(Path(sys.executable).parent / "agentnet")
TEXT = "alpha beta gamma\n"


def agentnet(*args: str, daemon: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "150"}
    env.pop("AGENTNET_NO_DAEMON", None)
    if not daemon:
        env["AGENTNET_NO_DAEMON"] = "1"
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def ran(task: str, *, daemon: bool = False) -> dict[str, Any]:
    done = agentnet("run", task, "--json", daemon=daemon)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def shown(run_id: str) -> dict[str, Any]:
    done = agentnet("runs", "show", run_id, "--json")
    assert done.returncode == 0, done.stderr
    trace: dict[str, Any] = json.loads(done.stdout)
    return trace


def read_by_the_reader(task: str, text: str, *, daemon: bool = False) -> None:
    """The run's answer is the file's text, from read-file itself at its first attempt (no fallback)."""
    result = ran(task, daemon=daemon)
    assert result["status"] == "succeeded" and result["answer"] == text and result["files"] == [], result
    steps = shown(result["run_id"])["steps"]
    assert [(s["capability"], s["node_id"], s["status"]) for s in steps] == [("read-file", "read-file", "succeeded")]
    assert [(a["node_id"], a["status"]) for a in steps[0]["attempts"]] == [("read-file", "ok")], steps[0]["attempts"]


@pytest.fixture
def files(agentnet_home: Path) -> Path:
    assert agentnet("init").returncode == 0
    Path("notes.txt").write_text(TEXT, encoding="utf-8")
    Path("docs").mkdir()
    Path("docs", "plan.txt").write_text("first water the bees\n", encoding="utf-8")
    return agentnet_home


@pytest.mark.usefixtures("files")
def test_the_file_reader_gets_the_name_of_the_file_the_task_names() -> None:
    read_by_the_reader("What is in the file notes.txt?", TEXT)
    read_by_the_reader("What is in the file docs/plan.txt?", "first water the bees\n")
    # A parameter that takes the text still gets the text: the word counter counts the file's words.
    counted = ran("count the words in notes.txt")
    assert "3 words" in counted["answer"], counted


@pytest.mark.usefixtures("files")
def test_two_files_named_are_both_read_each_under_its_name() -> None:
    """read-file takes one name: handed two files, it used to read the first and drop the other."""
    Path("todo.txt").write_text("feed the cat\n", encoding="utf-8")
    result = ran("read notes.txt and todo.txt")
    assert result["status"] == "succeeded", result
    assert result["answer"] == "notes.txt:\nalpha beta gamma\n\ntodo.txt:\nfeed the cat", result
    steps = shown(result["run_id"])["steps"]
    assert [(a["node_id"], a["status"]) for a in steps[0]["attempts"]] == [("read-file", "ok")], steps[0]["attempts"]


@pytest.mark.usefixtures("files")
def test_a_file_named_with_its_folder_is_handed_over() -> None:
    """ "notes/plan.txt" was no file name to the task reader (a name after a slash was taken for a link's
    path): nothing was handed over and the file reader answered alone; then, read but named plan.txt, the
    word counter counted the words of the name it was given as a value (2)."""
    Path("notes").mkdir()
    Path("notes/plan.txt").write_text("the plan is to ship on friday\n", encoding="utf-8")
    counted = ran("how many words are in notes/plan.txt")
    assert counted["answer"] == "7 words", counted
    both = ran("read notes.txt and notes/plan.txt")
    assert both["answer"] == "notes.txt:\nalpha beta gamma\n\nnotes/plan.txt:\nthe plan is to ship on friday", both


@pytest.mark.slow
def test_through_the_daemon_the_name_is_read_where_the_caller_is(files: Path) -> None:
    assert agentnet("daemon", "start").returncode == 0
    try:
        state = json.loads((files / "daemon.json").read_text(encoding="utf-8"))
        assert Path(f"/proc/{state['pid']}/cwd").resolve() != Path.cwd().resolve()  # the daemon is elsewhere
        served = json.loads(agentnet("daemon", "status", "--json").stdout)["served"]
        read_by_the_reader("What is in the file notes.txt?", TEXT, daemon=True)
        read_by_the_reader("What is in the file docs/plan.txt?", "first water the bees\n", daemon=True)
        assert json.loads(agentnet("daemon", "status", "--json").stdout)["served"] == served + 2
    finally:
        stopped = agentnet("daemon", "stop")
        left = files / "daemon.json"
        if stopped.returncode != 0 and left.exists():  # a failed stop must not leave a daemon behind
            with contextlib.suppress(ProcessLookupError, ValueError, KeyError):
                os.kill(int(json.loads(left.read_text(encoding="utf-8"))["pid"]), signal.SIGKILL)


READER = ToolSchema(
    "reader",
    "reads a file",
    {
        "type": "object",
        "properties": {
            "path": {"type": "string", "x-agentnet": "input"},
            "text": {"type": "string", "x-agentnet": "input"},
        },
        "required": ["path", "text"],
    },
)


def test_a_path_parameter_gets_the_name_and_a_text_parameter_the_text() -> None:
    request = ToolRequest.from_payload(
        {"task": "read notes.txt", "upstream": [("user", TEXT, None)], "files": ["docs/notes.txt"]}
    )
    assert fill_arguments(READER, request).arguments == {"path": "docs/notes.txt", "text": TEXT}
    # Text piped on stdin has no file name: both parameters get the text, as before.
    request = ToolRequest.from_payload({"task": "read this", "upstream": [("user", TEXT, None)]})
    assert fill_arguments(READER, request).arguments == {"path": TEXT, "text": TEXT}


def test_a_list_of_paths_gets_every_name_handed_over() -> None:
    tool = ToolSchema(
        "readers",
        "reads files",
        {"type": "object", "properties": {"paths": {"type": "array", "items": {"type": "string"},
                                                    "x-agentnet": "input"}}},
    )  # fmt: skip
    request = ToolRequest.from_payload(
        {"task": "read a.txt and b.txt", "upstream": [("user", "a", None), ("user", "b", None)],
         "files": ["a.txt", "b.txt"]}
    )  # fmt: skip
    assert fill_arguments(tool, request).arguments == {"paths": ["a.txt", "b.txt"]}


def test_words_of_several_files_are_counted_per_file_and_in_total(files: Path) -> None:
    """It answered "5 words", the two files' texts counted as one."""
    Path("a.txt").write_text("one two three\n", encoding="utf-8")
    Path("b.txt").write_text("four five\n", encoding="utf-8")
    result = ran("count the words in a.txt and b.txt")
    assert result["status"] == "succeeded", result
    assert result["answer"] == "a.txt:\n3 words\n\nb.txt:\n2 words\n\ntotal:\n5 words", result
    steps = shown(result["run_id"])["steps"]
    assert [(a["node_id"], a["status"]) for a in steps[0]["attempts"]] == [("text-statistics", "ok")]
    assert ran("count the words in a.txt")["answer"] == "3 words"
