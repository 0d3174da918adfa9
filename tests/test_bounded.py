"""The bounded-child helper itself: limits hold, timeouts kill the whole process group, results come back."""

from __future__ import annotations

import os
import sys

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
    try:
        os.kill(grandchild, 0)
    except ProcessLookupError:
        pass
    else:  # a zombie awaiting its reaper is dead too; anything else is still running
        with open(f"/proc/{grandchild}/stat") as stat:
            assert stat.read().split(") ", 1)[1].startswith("Z"), f"process {grandchild} survived the timeout"


def test_a_command_gets_its_exit_code_output_and_limits() -> None:
    probe = "import resource, sys; print(resource.getrlimit(resource.RLIMIT_AS)[0]); sys.exit(3)"
    outcome = run_bounded([sys.executable, "-c", probe], timeout_s=30, memory_mb=300)
    assert outcome.returncode == 3 and not outcome.timed_out, outcome.describe()
    assert int(outcome.stdout) == 300 * 1024 * 1024
