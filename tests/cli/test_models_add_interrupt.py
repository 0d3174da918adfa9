"""Ctrl-C in the middle of `agentnet models add URL` (a real SIGINT to the real process): exit 130, and
nothing is left behind: no `.part` file of hundreds of MB in $AGENTNET_HOME/models, no config entry.
A loopback server sends the real embedded GGUF slowly, so the signal lands mid-download."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentnet.config import embedded_gguf_path
from tests.listening import http_serving

AGENTNET = str(Path(sys.executable).parent / "agentnet")


@pytest.fixture
def slow_server() -> Iterator[str]:
    body = embedded_gguf_path().read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for start in range(0, len(body), 256 * 1024):
                    self.wfile.write(body[start : start + 256 * 1024])
                    time.sleep(0.2)
            except OSError:
                pass  # the client went away: what this test does

        def log_message(self, *args: object) -> None:
            pass

    with http_serving(Handler) as url:
        yield url + "/slow-chat.gguf"


def _as_from_a_terminal() -> None:
    """A terminal's Ctrl-C reaches a process whose SIGINT is the default and not blocked. What the test
    process may have inherited from a library run earlier in the same worker (an ignored or blocked
    SIGINT survives exec) would make the CLI deaf to it, whatever the CLI does."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def test_ctrl_c_mid_download_leaves_no_part_file_and_no_entry(slow_server: str, agentnet_home: Path) -> None:
    # PYTHONFAULTHANDLER: if the process has not ended long after the signal, SIGABRT makes it print
    # every thread's stack, so a failure says where it hung (once seen in CI under load, not locally).
    env = {**os.environ, "COLUMNS": "200", "PYTHONFAULTHANDLER": "1"}
    process = subprocess.Popen(
        [AGENTNET, "models", "add", slow_server, "--id", "slow"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        preexec_fn=_as_from_a_terminal,
    )
    models = agentnet_home / "models"
    deadline = time.monotonic() + 120
    # Signal once the download is under way: the part file exists and has grown.
    while time.monotonic() < deadline:
        parts = list(models.glob("*.part")) if models.exists() else []
        if parts and parts[0].stat().st_size > 512 * 1024:
            break
        time.sleep(0.05)
    else:
        process.kill()
        pytest.fail(f"the download never started: {process.communicate()}")
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        _, err = process.communicate(timeout=30)
        pytest.fail(f"still running 180 s after SIGINT; its threads:\n{err[-6000:]}")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert not list(models.glob("*")), list(models.glob("*"))
    config = agentnet_home / "config.yaml"
    assert not config.exists() or "slow" not in config.read_text()
