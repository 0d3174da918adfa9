"""A process that loaded the GGUF exits cleanly while a call is still inside llama.cpp, and one that
is still loading it frees the model at exit.

A call abandoned at its deadline goes on generating on its daemon thread until it next looks at its
cancel token; a process that exited then crashed with SIGSEGV about one run in three (gdb:
``ggml_cpu_extra_compute_forward`` on an OpenMP worker of ``llama_decode`` while the main thread ran
the shared libraries' destructors in ``exit``). The pool's exit hook now stops such calls, waits for
them to leave llama.cpp and frees the models first.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("exit_worker.py")


def _exit(mode: str, seconds: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(WORKER), mode, str(seconds)], capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_exit_with_an_abandoned_call_still_in_llama_cpp_is_clean() -> None:
    # 12 runs: with the old exit path all 12 passing had a chance of about 0.65**12 (under 1 %).
    for run in range(12):
        done = _exit("abandoned", 0.1 + 0.07 * run)
        assert done.returncode == 0, (run, done.returncode, done.stderr[-2000:])
        assert done.stdout.strip() == "exiting" and "Exception ignored" not in done.stderr, done.stderr[-2000:]


@pytest.mark.slow
def test_exit_while_a_daemon_thread_reads_a_reply_is_clean_and_prompt() -> None:
    for run in range(3):
        started = time.monotonic()
        done = _exit("streaming", 0.2 * run)
        assert done.returncode == 0, (run, done.returncode, done.stderr[-2000:])
        assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr, done.stderr[-2000:]
        # The reply would run to 1,500 tokens; exit stops it at its next token instead.
        assert time.monotonic() - started < 30


def test_exit_while_a_model_is_still_loading_frees_it() -> None:
    """Before, the pool's exit hook saw no model (the load was not in it yet) and returned; the load then
    finished into the closed pool and the model stayed loaded past the hook, into the interpreter's
    teardown ("left loaded: 1" at every delay, 0 to 0.4 s). Now the hook waits for the load and frees it."""
    for seconds in (0.0, 0.1, 0.3):
        done = _exit("loading", seconds)
        assert done.returncode == 0, (seconds, done.returncode, done.stderr[-2000:])
        assert done.stdout.splitlines() == ["exiting", "left loaded: 0"], (seconds, done.stdout, done.stderr[-2000:])
        assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr[-2000:]
