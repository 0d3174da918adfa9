"""`agentnet serve` and `agentnet mcp serve --http` stopped by SIGTERM (a service manager, `kill`) end
with exit status 0 after their clean-up, the exit handlers run, as `agentnet mcp serve` over stdio
does. Before, uvicorn re-raised the signal it had caught once it had shut down, under the default
handler: the process was killed by it (status -15), and the exit handlers (a telemetry exporter's
last export, the MCP hub's close) never ran; a service manager saw a process killed by a signal.
Ctrl-C still ends them as an interrupted command (130). Real processes, real signals."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from listening import silent_port

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

# The CLI as its console script runs it, plus an exit handler that leaves a mark: whether exit
# handlers ran at all is what is checked (agentnet's own ones have no visible effect here).
LAUNCH = (
    "import atexit, sys\n"
    "mark = sys.argv.pop(1)\n"
    "atexit.register(lambda: open(mark, 'w').write('ran'))\n"
    "sys.argv[0] = 'agentnet'\n"
    "from agentnet.cli.launch import main\n"
    "main()\n"
)
COMMANDS = {
    "serve": (["serve", "--port", "0"], r"agentnet serving at (http://\S+?)/v1 ", "/healthz"),
    "mcp serve --http": (["mcp", "serve", "--http", "--port", "0"], r"agentnet MCP server at (http://\S+?)/mcp", ""),
}


# LAUNCH, noting in MARK.handler what handles SIGINT when the address line is written.
LAUNCH_SEEING = (
    "import signal, sys\n"
    "seen = sys.argv[1] + '.handler'\n"
    "class Seeing:\n"
    "    def __init__(self, inner): self.inner = inner\n"
    "    def __getattr__(self, name): return getattr(self.inner, name)\n"
    "    def write(self, text):\n"
    "        if ' at http' in text: open(seen, 'w').write(repr(signal.getsignal(signal.SIGINT)))\n"
    "        return self.inner.write(text)\n"
    "sys.stderr = Seeing(sys.stderr)\n"
) + LAUNCH


def _as_from_a_terminal() -> None:
    """Ctrl-C reaches a process started from a terminal at its default. A test run started as a
    background job (`.ci/run &` in a script) inherits SIGINT ignored, and so would the server: uvicorn
    re-raises the signal it caught under that, and the process ended 0, whatever agentnet does."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_the_server_after_its_clean_up(
    command: str, signum: signal.Signals, agentnet_home: Path, tmp_path: Path
) -> None:
    args, serving, probe = COMMANDS[command]
    mark, log = tmp_path / "exit-handlers-ran", tmp_path / "stderr.txt"
    with log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, str(mark), *args], stdout=subprocess.DEVNULL, stderr=errors,
            env={**os.environ, "AGENTNET_HOME": str(agentnet_home)}, preexec_fn=_as_from_a_terminal,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not (found := re.search(serving, log.read_text())):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        if probe:
            assert httpx.get(found.group(1) + probe, timeout=30).status_code == 200
        process.send_signal(signum)
        status = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    said = log.read_text()
    assert status == (0 if signum == signal.SIGTERM else 130), (status, said[-3000:])
    assert mark.read_text() == "ran", said[-3000:]
    assert "Traceback" not in said, said[-3000:]


def test_a_call_still_running_does_not_hold_the_exit(agentnet_home: Path, tmp_path: Path) -> None:
    """A model call that outlives the server's shutdown (a remote model that never answers, its deadline
    a minute away) is not waited for: the process ends at the shutdown's end, status 0, as the signal
    ended it at once before; the exit handlers still run."""
    mark, log = tmp_path / "exit-handlers-ran", tmp_path / "stderr.txt"
    with silent_port() as port:
        (tmp_path / "agentnet.yaml").write_text(
            "models:\n  - id: hanging\n    adapter: litellm\n    model: openai/fake\n"
            f"    api_base: http://127.0.0.1:{port}/v1\n    params: {{retries: 0, deadline_s: 60}}\n"
        )
        with log.open("w") as errors:
            process = subprocess.Popen(
                [sys.executable, "-c", LAUNCH, str(mark), "serve", "--port", "0"], cwd=tmp_path,
                stdout=subprocess.DEVNULL, stderr=errors, env={**os.environ, "AGENTNET_HOME": str(agentnet_home)},
            )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while not (found := re.search(COMMANDS["serve"][1], log.read_text())):
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.05)
            chat = {"model": "hanging", "messages": [{"role": "user", "content": "hi"}]}
            calling = threading.Thread(
                target=lambda: httpx.post(f"{found.group(1)}/v1/chat/completions", json=chat, timeout=90),
                daemon=True,
            )
            calling.start()
            time.sleep(2)  # the call is waiting for the silent model
            began = time.monotonic()
            process.send_signal(signal.SIGTERM)
            status = process.wait(timeout=90)
            took = time.monotonic() - began
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    said = log.read_text()
    assert status == 0 and took < 20, (status, took, said[-3000:])
    assert mark.read_text() == "ran", said[-3000:]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_sigterm_while_starting_ends_cleanly(command: str, agentnet_home: Path, tmp_path: Path) -> None:
    """SIGTERM after the port is bound but before the server serves (the models and the directory still
    loading, the MCP server being built): the process was killed by it (-15), its exit handlers
    skipped, where a moment later it ended with 0."""
    with socket.socket() as probe:  # a free port, so the test knows where the server binds
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mark, log = tmp_path / "exit-handlers-ran", tmp_path / "stderr.txt"
    with log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, str(mark), *COMMANDS[command][0][:-1], str(port)], stdout=subprocess.DEVNULL,
            stderr=errors, env={**os.environ, "AGENTNET_HOME": str(agentnet_home)},
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:  # bound (listen() comes first) is when the start-up's loading begins
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.02)
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    said = log.read_text()
    assert not re.search(COMMANDS[command][1], said), said[-3000:]  # the signal came during the start-up
    assert status == 0, (status, said[-3000:])
    assert mark.read_text() == "ran", said[-3000:]
    assert "Traceback" not in said, said[-3000:]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_ctrl_c_on_reading_the_address_ends_the_server(command: str, agentnet_home: Path, tmp_path: Path) -> None:
    """A script that sends Ctrl-C as soon as it reads the address line: `agentnet serve` wrote that line
    before uvicorn handled the signals, so the KeyboardInterrupt was raised wherever the interpreter was,
    and one swallowed in a weakref callback left the server running (1 of 3 times). Three rounds: each
    ends 130, its exit handlers run; and when the line is written, the server handles Ctrl-C already
    (Python's default handler raised the KeyboardInterrupt)."""
    args, serving, _ = COMMANDS[command]
    for round_ in range(3):
        mark, log = tmp_path / f"exit-handlers-ran-{round_}", tmp_path / f"stderr-{round_}.txt"
        with log.open("w") as errors:
            process = subprocess.Popen(
                [sys.executable, "-c", LAUNCH_SEEING, str(mark), *args], stdout=subprocess.DEVNULL, stderr=errors,
                env={**os.environ, "AGENTNET_HOME": str(agentnet_home)}, preexec_fn=_as_from_a_terminal,
            )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while not re.search(serving, log.read_text()):
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.005)
            handler = Path(f"{mark}.handler").read_text()
            assert "default_int_handler" not in handler, handler
            process.send_signal(signal.SIGINT)
            status = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        said = log.read_text()
        assert status == 130, (round_, status, said[-3000:])
        assert mark.read_text() == "ran", said[-3000:]
        assert "Traceback" not in said, said[-3000:]
