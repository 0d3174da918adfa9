"""Issue 13 §9: `agentnet daemon` keeps the model loaded for `ask`; real processes, real signals.

One daemon per test run here (it loads the embedded GGUF once); the CLI calls are real processes.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from daemonkit import AGENTNET, cli, gone, state
from processes import running_step

from tests.terminal import PROMPT, Terminal

pytestmark = pytest.mark.slow


def same(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command through the daemon and in-process: the same stdout, stderr (timings aside) and exit code."""
    warm, cold = cli(*args, stdin=stdin), cli(*args, "--no-daemon", stdin=stdin)
    assert warm.returncode == cold.returncode, (args, warm.stderr, cold.stderr)
    ids = re.compile(r"\b[0-9a-f]{12}\b|\d+\.\d+ s\b")  # run ids and timings differ between any two runs
    assert ids.sub("#", warm.stdout) == ids.sub("#", cold.stdout), (args, warm.stdout, cold.stdout)
    assert ids.sub("#", warm.stderr) == ids.sub("#", cold.stderr), (args, warm.stderr, cold.stderr)
    return warm


def client_of(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """``agentnet ARGV`` as the console script runs it, with the modules its process loaded after stderr."""
    probe = (
        f"import sys\nsys.argv = ['agentnet', *{argv!r}]\nfrom agentnet.cli.launch import main\ntry:\n    main()\n"
        "finally:\n    sys.stderr.write('LOADED=' + ','.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    return subprocess.run([sys.executable, "-c", probe], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=300, check=False, env={**os.environ, "COLUMNS": "150"})  # fmt: skip


def handed_off_like_in_process(home: Path) -> None:
    """`plan` and `run` go to the running daemon and print and exit exactly as in-process (issue 13 §9)."""
    served = json.loads(cli("daemon", "status", "--json").stdout)["served"]
    planned = same(["plan", "Summarise this text: bees make honey from nectar."])
    assert planned.returncode == 0 and "```mermaid" in planned.stdout and "planned in" in planned.stderr
    assert same(["plan"]).returncode == 2  # a user error: exit 2 and the same message and hint
    assert same(["run", "--resume", "deadbeef0000", "--json"]).returncode == 2
    # Piped stdin reaches the handed-off run as it reaches an in-process one.
    ran = same(["run", "summarise this", "--json"], stdin="Bees make honey from the nectar of flowers.\n")
    assert ran.returncode == 0 and json.loads(ran.stdout.splitlines()[-1])["answer"].strip(), ran.stderr
    # Each of those went to the daemon once (the --no-daemon twins did not).
    assert json.loads(cli("daemon", "status", "--json").stdout)["served"] == served + 4
    trace = json.loads(cli("runs", "show", json.loads(ran.stdout.splitlines()[-1])["run_id"], "--json").stdout)
    assert "Bees make honey" in json.dumps(trace["steps"][0]["prompt"]), trace["steps"]

    # SIGTERM to a handed-off run stops it in the daemon as it would in-process: exit 143, saved, resumable.
    story = subprocess.Popen([AGENTNET, "run", "Tell me a very long story about a dragon and a knight."],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        run_id = running_step(home / "runs.sqlite", story)
        story.send_signal(signal.SIGTERM)
        _, stderr = story.communicate(timeout=120)
    finally:  # a client that did not stop fails this test, not the next one with its pipes
        if story.poll() is None:
            story.kill()
        story.communicate()
    assert story.returncode == 143, stderr
    assert f"interrupted: run {run_id} saved; continue with `agentnet run --resume {run_id}`" in " ".join(
        stderr.split()
    ), stderr
    shown = json.loads(cli("runs", "show", run_id, "--json").stdout)
    assert shown["status"] == "interrupted" and "SIGTERM" in shown["error"]["message"], shown["error"]


def served() -> int:
    return int(json.loads(cli("daemon", "status", "--json").stdout)["served"])


def served_becomes(count: int, timeout_s: float = 30) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if served() == count:
            return True
        time.sleep(0.2)
    return False


def chat_handed_over(home: Path) -> None:
    """`chat` in a terminal runs in the idle daemon whole: the typed lines go over, ^C and ^D act as
    in-process, the session is saved; nothing waits behind it, and a client that vanishes frees it."""
    before = served()
    term = Terminal("chat", "--model", "smollm2", "--max-tokens", "400")
    try:
        session = re.search(r"session (\w+)", term.read_until(PROMPT, timeout=60))
        assert session, term.seen
        answer = term.turn("What is the capital of France?")
        assert "paris" in answer.lower() and "[smollm2 · pinned · " in answer, answer
        assert "/route on|off" in term.turn("/help")
        # A command meanwhile is not queued behind the session: it runs in its own process, silently,
        # with the stdin it had piped (read to send it, put back when the daemon said busy).
        planned = cli("plan", "--no-model", "Summarise this", stdin="Bees make honey from nectar.\n", timeout=90)
        assert planned.returncode == 0 and "busy" not in planned.stderr, planned.stderr
        assert "user: stdin" in planned.stdout, planned.stdout
        second = Terminal("chat", "--model", "smollm2")  # so does another chat
        try:
            assert session.group(1) not in second.read_until(PROMPT, timeout=60)
            second.send("\x04")
            assert second.wait() == 0
        finally:
            second.close()
        term.send("Tell me a very long story about a dragon and a knight.\n")
        term.read_until("knight.", timeout=30)  # the echo of the line
        term.read_until(" ", timeout=60)  # the first streamed words
        term.send("\x03")
        assert "[cancelled]" in term.read_until(PROMPT, timeout=60)
        assert re.search(r"\[smollm2 · pinned · \d+\+[1-9]\d* tokens", term.turn("Name one colour, not grün."))
        term.send("\x03")  # at the prompt: a hint, and the session goes on
        assert "Ctrl-D or /exit ends the session" in term.read_until(PROMPT, timeout=30)
        term.send("\x04")
        assert term.wait() == 0
    finally:
        term.close()
    chat = json.loads((home / "chats" / f"{session.group(1)}.json").read_text())
    assert [m["role"] for m in chat["messages"]] == ["user", "assistant", "user", "assistant"]
    assert chat["messages"][2]["content"] == "Name one colour, not grün."  # typed text arrives as typed
    assert served() == before + 1  # the chat was the daemon's; the plan beside it was not

    # Resumed through the daemon, then its client killed mid-answer: the answer's next writes fail, which
    # stops it (not its 1000 tokens), its stdin ends, the session ends as saved and the daemon is free.
    term = Terminal("chat", "--continue", "--max-tokens", "1000")
    try:
        banner = term.read_until(PROMPT, timeout=60)
        assert session.group(1) in banner and "4 earlier messages" in banner, banner
        term.send("Tell me a very long story about a dragon and a knight.\n")
        term.read_until("knight.", timeout=30)
        term.read_until(" ", timeout=60)
    finally:
        term.close()  # SIGKILL
    assert served_becomes(before + 2, timeout_s=10), "a chat whose client was killed still holds the daemon"
    assert len(json.loads((home / "chats" / f"{session.group(1)}.json").read_text())["messages"]) == 4
    assert cli("plan", "--no-model", "Summarise this text: bees.").returncode == 0
    assert served() == before + 3


def test_daemon_serves_ask_warm_and_cleans_up_on_signals(daemon_home: Path) -> None:
    assert cli("daemon", "status").returncode == 1
    started = cli("daemon", "start")
    assert started.returncode == 0, started.stderr
    first = state(daemon_home)
    assert first is not None and f"pid {first['pid']}" in started.stdout
    assert (daemon_home / "daemon.json").stat().st_mode & 0o077 == 0  # its token is the user's only

    answers = [cli("ask", "What is the capital of France?", "--max-tokens", "8") for _ in range(2)]
    answers.append(client_of(["ask", "What is the capital of France?", "--max-tokens", "8"]))
    for answer in answers:
        assert answer.returncode == 0, answer.stderr
        assert answer.stdout.strip() and "[smollm2:" in answer.stderr
    # A warm ask's client hands the command over before importing the command tree (typer, pydantic).
    loaded = answers[-1].stderr.split("LOADED=")[1].split(",")
    assert "typer" not in loaded and "pydantic" not in loaded, loaded
    report = json.loads(cli("daemon", "status", "--json").stdout)
    # The answers came from the daemon, which loaded the model once and keeps it.
    assert report["running"] and report["served"] == 3 and report["pid"] == first["pid"]
    assert report["loaded"] == ["SmolLM2-135M-Instruct.Q4_1.gguf"]
    assert cli("ask", "hi", "--max-tokens", "4", "--no-daemon").returncode == 0
    assert json.loads(cli("daemon", "status", "--json").stdout)["served"] == 3
    chat_handed_over(daemon_home)
    handed_off_like_in_process(daemon_home)

    # SIGTERM (what `daemon stop` sends): the process exits and its state file goes with it.
    stopped = cli("daemon", "stop")
    assert stopped.returncode == 0 and gone(first["pid"]) and state(daemon_home) is None, stopped.stderr

    # SIGKILL leaves a stale file: nothing uses it, and a new daemon starts over it.
    assert cli("daemon", "start", "--idle-timeout", "0").returncode == 0
    killed = state(daemon_home)
    assert killed is not None
    os.kill(int(killed["pid"]), signal.SIGKILL)
    assert gone(killed["pid"])
    assert cli("daemon", "status").returncode == 1
    # A stale daemon.json is no daemon: plan runs in this process.
    assert cli("plan", "--no-model", "Summarise this text: bees.").returncode == 0
    assert cli("daemon", "start", "--idle-timeout", "1").returncode == 0
    # An idle daemon exits on its own and cleans up.
    idle = state(daemon_home)
    assert idle is not None and idle["pid"] != killed["pid"]
    assert gone(idle["pid"]) and state(daemon_home) is None
