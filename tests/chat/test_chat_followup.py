"""`agentnet chat` follow-ups that change one number of the turn before, through the real CLI (turns on
stdin, the bundled calculator answering): "What is 15% of 80?" then "and 20%?" was planned alone and
failed on four tools ("cannot start an expression with 'and'"); "and times 5?" and "and between 4?"
went to SmolLM2, which guessed 148 and 160. Each is now read as the earlier request with its number
replaced, said as "(read as: ...)", and answered by the calculator."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from test_chat_save_error import AGENTNET, chat

from agentnet.cli.followup import standalone


def test_follow_ups_are_read_against_the_turn_before(agentnet_home: Path) -> None:
    turns = ["What is 15% of 80?", "and 20%?", "and 25%?", "What is 3 dozen times 4?", "and times 5?",
             "Split a 120 dollar bill between 3 people", "and between 4?"]  # fmt: skip
    done = chat("\n".join(turns) + "\n")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    answers = [line for line in done.stdout.splitlines() if line.strip().isdigit() or line.startswith("you> ")]
    said = [line.removeprefix("you> ").strip() for line in answers if line.removeprefix("you> ").strip().isdigit()]
    assert said == ["12", "16", "20", "144", "180", "40", "30"], done.stdout
    assert "(read as: What is 25% of 80?)" in done.stdout and "(read as: Split a 120 dollar bill between 4 people)" in (
        done.stdout
    )
    [session] = (agentnet_home / "chats").glob("*.json")
    users = [m for m in json.loads(session.read_text())["messages"] if m["role"] == "user"]
    assert [m["content"] for m in users] == turns  # as typed; how each was read is kept beside it
    assert users[2]["read_as"] == "What is 25% of 80?"
    assert [m["meta"]["by"] for m in json.loads(session.read_text())["messages"] if m["role"] == "assistant"] == [
        "calculator"
    ] * 7


def test_what_is_not_such_a_follow_up_is_left_as_written() -> None:
    assert standalone("and Italy?", "What is the capital of France?") is None
    assert standalone("and 5?", "What is 3 times 4?") is None  # which of its numbers: not said
    assert standalone("and 20%?", "What is the capital of France?") is None
    assert standalone("and tell me more about 20% tips", "What is 15% of 80?") is None
    assert standalone("What about 25 percent?", "What is 15 percent of 80?") == "What is 25 percent of 80?"
    assert standalone("how about 30%", "Add a 15% tip to 42.50") == "Add a 30% tip to 42.50"


def test_a_chat_pinned_to_a_tool_reads_follow_ups_too(agentnet_home: Path) -> None:
    """`agentnet chat --model calculator`: the tool reads only the last message, and refused "and 20%?"."""
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "chat", "--model", "calculator"], input="What is 15% of 80?\nand 20%?\n",
                          capture_output=True, text=True, timeout=300, env=env, check=False)  # fmt: skip
    assert done.returncode == 0 and "error" not in done.stderr, done.stderr
    assert "(read as: What is 20% of 80?)" in done.stdout and "\n16\n" in done.stdout, done.stdout
