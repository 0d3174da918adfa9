"""``agentnet chat`` driven as a real program in a pseudo-terminal, on the embedded SmolLM2."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.terminal import AGENTNET, PROMPT, Terminal

pytestmark = pytest.mark.slow


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()


def start(terminals: list[Terminal], *args: str) -> tuple[Terminal, str, str]:
    term = Terminal("chat", *args)
    terminals.append(term)
    banner = term.read_until(PROMPT, timeout=120)
    match = re.search(r"session (\w+)", banner)
    assert match, banner
    return term, match.group(1), banner


def test_pinned_session_commands_cancel_and_resume(terminals: list[Terminal], agentnet_home: Path) -> None:
    term, session, banner = start(terminals, "--model", "smollm2", "--max-tokens", "400")
    assert "pinned to smollm2" in banner

    answer = term.turn("What is the capital of France?")
    assert "paris" in answer.lower(), answer
    stats = re.search(r"\[smollm2 · pinned · (\d+)\+(\d+) tokens · ([\d.]+) s · \$([\d.]+)\]", answer)
    assert stats, answer
    assert int(stats.group(2)) > 0 and float(stats.group(3)) > 0

    assert "* smollm2" in term.turn("/models")
    helped = term.turn("/help")
    for command in ("/models", "/route on|off", "/plan", "/model ID", "/save FILE", "/clear", "/help", "/exit"):
        assert command in helped
    assert "no plan yet" in term.turn("/plan")
    assert "unknown command '/nope'" in term.turn("/nope")

    transcript = agentnet_home / "transcript.md"
    assert "saved 2 messages" in term.turn(f"/save {transcript}")
    saved = transcript.read_text()
    assert "What is the capital of France?" in saved and "**smollm2**" in saved

    # Ctrl-C while an answer streams: the answer stops, the session goes on.
    term.send("/model smollm2\n")
    term.read_until(PROMPT)
    term.send("Tell me a very long story about a dragon and a knight.\n")
    term.read_until("knight.", timeout=30)  # the echo of the line
    term.read_until(" ", timeout=60)  # the first streamed words
    term.send("\x03")
    cancelled = term.read_until(PROMPT, timeout=60)
    assert "[cancelled]" in cancelled, cancelled
    after = term.turn("Name one colour.")
    assert re.search(r"\[smollm2 · pinned · \d+\+[1-9]\d* tokens", after), after

    term.send("\x04")  # Ctrl-D
    assert term.wait() == 0
    data = json.loads((agentnet_home / "chats" / f"{session}.json").read_text())
    roles = [m["role"] for m in data["messages"]]
    assert roles == ["user", "assistant", "user", "assistant"]  # the cancelled turn is not kept
    assert data["messages"][1]["meta"]["by"] == "smollm2"

    # `ask --continue` follows up on the newest conversation, this chat; `chat --continue` picks it up again.
    asked = subprocess.run([str(AGENTNET), "ask", "--continue", "-q", "--max-tokens", "8", "And of Spain?"],
                           capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    resumed, same, banner = start(terminals, "--continue")
    assert same == session
    assert "6 earlier messages" in banner and "pinned to smollm2" in banner
    assert "conversation cleared" in resumed.turn("/clear")
    resumed.send("/exit\n")
    assert resumed.wait() == 0
    assert json.loads((agentnet_home / "chats" / f"{session}.json").read_text())["messages"] == []


def test_auto_mode_routes_each_turn_and_shows_the_plan(terminals: list[Terminal]) -> None:
    term, _, banner = start(terminals, "--max-tokens", "32")
    assert "auto-routing" in banner
    answer = term.turn("What is the capital of France?", timeout=300)
    assert "paris" in answer.lower(), answer
    assert re.search(r"\[smollm2 · routed: .+ · \d+\+\d+ tokens · [\d.]+ s · \$[\d.]+\]", answer), answer
    plan = term.turn("/plan")
    assert "plan for 'What is the capital of France?'" in plan and "smollm2" in plan
    assert "routing off" in term.turn("/route off")
    answer = term.turn("Say hello.")
    assert "[smollm2 · default model ·" in answer
    term.send("/exit\n")
    assert term.wait() == 0


def test_unknown_model_is_refused_before_the_session_starts() -> None:
    result = subprocess.run(
        [str(AGENTNET), "chat", "--model", "gpt-17"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "gpt-17" in result.stderr and "smollm2" in result.stderr
