"""The bounded-child helper itself: limits hold, timeouts kill the whole process group, results come back."""

from __future__ import annotations

import os
import sys
import time

from bounded import call_bounded, run_bounded

from agentnet.errors import ConfigError


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def refuse(message: str) -> None:
    raise ConfigError(message, code="refused_here")


def test_a_function_result_comes_back() -> None:
    outcome = call_bounded(allocate, 8, timeout_s=30, memory_mb=512)
    assert outcome.returncode == 0 and not outcome.timed_out, outcome.describe()
    assert outcome.value == 8 * 1024 * 1024 and outcome.raised is None


def test_an_error_comes_back_with_its_code() -> None:
    outcome = call_bounded(refuse, "no", timeout_s=30, memory_mb=512)
    assert (outcome.raised, outcome.error_message, outcome.error_code) == ("ConfigError", "no", "refused_here")


def test_memory_cap_stops_a_runaway_allocation() -> None:
    outcome = call_bounded(allocate, 4096, timeout_s=30, memory_mb=512)
    assert outcome.out_of_memory and outcome.value is None, outcome.describe()


def test_timeout_kills_the_command_and_its_children() -> None:
    # The shell starts a grandchild that would outlive a plain kill of the shell.
    script = "sleep 600 & echo $! ; wait"
    outcome = run_bounded(["sh", "-c", script], timeout_s=1.5, memory_mb=256)
    assert outcome.timed_out and outcome.elapsed_s < 30, outcome.describe()
    grandchild = int(outcome.stdout.split()[0])
    # SIGKILL is delivered asynchronously: on a loaded machine the grandchild can still be runnable for a
    # moment after the kill was sent (seen in a full local run at load ~10), so give it a few seconds.
    deadline = time.monotonic() + 5
    while not _gone(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(grandchild), f"process {grandchild} survived the timeout"


def _gone(pid: int) -> bool:
    """No such process, or a zombie awaiting its reaper (dead too); anything else is still running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1].startswith("Z")
    except FileNotFoundError:
        return True


def test_a_command_gets_its_exit_code_output_and_limits() -> None:
    probe = "import resource, sys; print(resource.getrlimit(resource.RLIMIT_AS)[0]); sys.exit(3)"
    outcome = run_bounded([sys.executable, "-c", probe], timeout_s=30, memory_mb=300)
    assert outcome.returncode == 3 and not outcome.timed_out, outcome.describe()
    assert int(outcome.stdout) == 300 * 1024 * 1024
