"""Files the task names reach an MCP tool that reads files by name: a real MCP server (files_server.py,
stdio) whose ``path`` parameter carries no agentnet role, the real CLI, the default directory. Its
parameter named and described as a file's path takes the handed files' names (it used to get them
only if the planner model guessed one from the task); a tool taking one name runs once per file,
and one taking a list of names gets them all."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
from mcpkit import agentnet

SERVER = Path(__file__).resolve().parent / "files_server.py"
TEXTS = {"a.txt": "alpha beta gamma\n", "b.txt": "one two three four five\n"}


def checksums(*flags: str) -> tuple[str, list[str]]:
    """The answer to a request naming both files, and the tools its step called."""
    assert agentnet("init").returncode == 0
    for name, text in TEXTS.items():
        Path(name).write_text(text, encoding="utf-8")
    added = agentnet("mcp", "add", "files", "--", sys.executable, str(SERVER), *flags)
    assert added.returncode == 0, added.stderr
    done = agentnet("run", "what are the sha256 checksums of a.txt and b.txt", "--json")
    assert done.returncode == 0, done.stderr + done.stdout
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "succeeded", result
    trace = json.loads(agentnet("runs", "show", result["run_id"], "--json").stdout)
    return result["answer"], [a["node_id"] for step in trace["steps"] for a in step["attempts"]]


def digest(name: str) -> str:
    return f"{name} {hashlib.sha256(TEXTS[name].encode()).hexdigest()}"


@pytest.mark.usefixtures("agentnet_home")
def test_a_tool_taking_one_file_runs_once_for_each_file_named() -> None:
    answer, called = checksums()
    assert called == ["files.sha256_checksum"], called
    assert answer == f"a.txt:\n{digest('a.txt')}\n\nb.txt:\n{digest('b.txt')}", answer


@pytest.mark.usefixtures("agentnet_home")
def test_a_tool_taking_a_list_of_files_gets_every_name() -> None:
    answer, called = checksums("--list")
    assert called == ["files.sha256_checksums"], called
    assert answer == f"{digest('a.txt')}\n{digest('b.txt')}", answer
