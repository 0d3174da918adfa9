"""`agentnet daemon stop` (SIGTERM to the daemon) while a handed-off `agentnet run` executes in it: the
run is stopped as a SIGTERM to its caller would stop it (saved interrupted, the caller told how to
resume it, exit 143). Before, the daemon's interpreter shut down under the run: it was saved `failed`
("RuntimeError: cannot schedule new futures after shutdown"), the caller got that traceback and a hint
to run it again with --no-daemon. Real processes, the embedded SmolLM2, a real signal."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from daemonkit import AGENTNET, cli, ended, gone, state
from processes import running_step

pytestmark = pytest.mark.slow


def test_stopping_the_daemon_saves_its_run_in_flight_interrupted(daemon_home: Path) -> None:
    started = cli("daemon", "start")
    assert started.returncode == 0, started.stderr
    daemon = state(daemon_home)
    assert daemon is not None
    story = subprocess.Popen([AGENTNET, "run", "Tell me a very long story about a dragon and a knight."],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "COLUMNS": "150"})  # fmt: skip
    try:
        run_id = running_step(daemon_home / "runs.sqlite", story)
        stopped = cli("daemon", "stop")
        assert stopped.returncode == 0, stopped.stderr
        # "stopped" once it has: it was said as its state file went, while it still saved the run (a
        # `daemon start` right after ran a second daemon beside it).
        assert ended(daemon["pid"]), stopped.stdout
        _, stderr = story.communicate(timeout=120)
    finally:
        if story.poll() is None:
            story.kill()
        story.communicate()
    assert gone(daemon["pid"]) and state(daemon_home) is None
    assert "Traceback" not in stderr and "--no-daemon" not in stderr, stderr
    assert story.returncode == 143, stderr
    assert f"continue with `agentnet run --resume {run_id}`" in " ".join(stderr.split()), stderr
    shown = json.loads(cli("runs", "show", run_id, "--json").stdout)
    assert shown["status"] == "interrupted", shown["error"]


def test_a_command_running_longer_than_the_idle_timeout_is_not_idle(daemon_home: Path) -> None:
    """The idle clock ran from the start of the last request: a run taking longer than --idle-timeout
    was stopped under its caller by the daemon's idle exit."""
    assert cli("daemon", "start", "--idle-timeout", "2").returncode == 0
    daemon = state(daemon_home)
    assert daemon is not None
    story = cli("run", "--json", "Tell me a very long story about a dragon and a knight.", timeout=300)
    assert story.returncode == 0, story.stderr
    assert json.loads(story.stdout.splitlines()[-1])["status"] == "succeeded", story.stdout
    assert gone(daemon["pid"], timeout=30)  # idle after it: it exits as before
