"""Run hostile-input checks in a child process held to time and memory limits.

A regression in a guard (a size cap, an alias cap, a loop bound) must fail its test in seconds,
not hang CI or grow the test process to the machine's memory. ``run_bounded`` runs a command,
``call_bounded`` a function (by import path), each in a fresh process whose address space is
capped with ``resource.setrlimit`` before anything else runs and which is killed, with any
children, at the timeout.

    outcome = call_bounded(parse_yaml, bomb, "r.yaml", timeout_s=20, memory_mb=512)
    assert outcome.raised == "ConfigError" and outcome.error_code == "yaml_too_many_aliases"

The limits are set in the child itself (not by ``preexec_fn``, which is unsafe in a test process
that runs server threads), and survive ``exec``, so a CLI command inherits them.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MEMORY_MB = 2048

# Sets the limits (a write past the file-size limit fails with EFBIG: Python ignores SIGXFSZ, and
# so does whatever it execs), then either execs a command (argv after "--") or calls a pickled function.
_BOOTSTRAP = """
import os, pickle, resource, sys
memory = int(sys.argv[1])
if memory > 0:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
cpu = int(sys.argv[2])
if cpu > 0:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
file_size = int(sys.argv[3])
if file_size > 0:
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
if sys.argv[4] == "--":
    os.execvp(sys.argv[5], sys.argv[5:])
with open(sys.argv[4], "rb") as handle:
    module, qualname, args, kwargs = pickle.load(handle)
import importlib
target = importlib.import_module(module)
for part in qualname.split("."):
    target = getattr(target, part)
try:
    outcome = ("returned", target(*args, **kwargs), None, None, None)
except BaseException as exc:
    outcome = ("raised", None, type(exc).__name__, str(getattr(exc, "message", exc)), getattr(exc, "code", None))
try:
    blob = pickle.dumps(outcome)
except Exception as exc:
    blob = pickle.dumps(("returned", repr(outcome[1]), None, f"result not picklable: {exc}", None))
with open(sys.argv[4] + ".out", "wb") as handle:
    handle.write(blob)
"""


@dataclass
class Bounded:
    """What a bounded child did. ``timed_out`` means it was killed at the timeout."""

    returncode: int
    stdout: str
    stderr: str
    elapsed_s: float
    timed_out: bool
    # For ``call_bounded``: the function's return value, or the name/message/code of what it raised.
    value: Any = None
    raised: str | None = None
    error_message: str | None = None
    error_code: str | None = None

    @property
    def out_of_memory(self) -> bool:
        return self.raised == "MemoryError" or "MemoryError" in self.stderr

    def describe(self) -> str:
        """A summary for assertion messages."""
        state = "timed out" if self.timed_out else f"exit {self.returncode}"
        raised = f", raised {self.raised}: {self.error_message}" if self.raised else ""
        tail = f"stdout: {self.stdout[-2000:]}\nstderr: {self.stderr[-3000:]}"
        return f"{state} after {self.elapsed_s:.1f} s{raised}\n{tail}"


def _child_env(env: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(os.environ if env is None else env)
    # The child imports what this process imports (test helper modules included).
    paths = [p for p in sys.path if p]
    if merged.get("PYTHONPATH"):
        paths.append(merged["PYTHONPATH"])
    merged["PYTHONPATH"] = os.pathsep.join(paths)
    return merged


def _run(argv: list[str], timeout_s: float, cwd: Path | str | None, env: dict[str, str], stdin: str | None) -> Bounded:
    started = time.monotonic()
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the timeout kills its children too
    )
    timed_out = False
    try:
        stdout, stderr = process.communicate(stdin, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
    return Bounded(process.returncode, stdout, stderr, time.monotonic() - started, timed_out)


def _limits(timeout_s: float, memory_mb: int, file_size_bytes: int) -> list[str]:
    # CPU time is a backstop for a child spinning after its parent died; wall time is the real limit.
    return [str(memory_mb * 1024 * 1024), str(int(timeout_s) + 5), str(file_size_bytes)]


def run_bounded(
    command: Sequence[str],
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mb: int = DEFAULT_MEMORY_MB,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    file_size_bytes: int = 0,
) -> Bounded:
    """Run ``command`` (argv; looked up on PATH) with an address-space cap and a wall-clock timeout;
    ``file_size_bytes`` > 0 also caps how large a file it may write (a full disk, without root's
    ways around one)."""
    argv = [sys.executable, "-c", _BOOTSTRAP, *_limits(timeout_s, memory_mb, file_size_bytes), "--", *command]
    return _run(argv, timeout_s, cwd, _child_env(env), stdin)


def call_bounded(
    function: Callable[..., Any],
    *args: Any,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mb: int = DEFAULT_MEMORY_MB,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    file_size_bytes: int = 0,
    **kwargs: Any,
) -> Bounded:
    """Call ``function(*args, **kwargs)`` in a bounded child; it must be importable by module and name."""
    with tempfile.TemporaryDirectory(prefix="bounded-") as scratch:
        request = Path(scratch) / "call.pickle"
        request.write_bytes(pickle.dumps((function.__module__, function.__qualname__, args, kwargs)))
        argv = [sys.executable, "-c", _BOOTSTRAP, *_limits(timeout_s, memory_mb, file_size_bytes), str(request)]
        outcome = _run(argv, timeout_s, cwd, _child_env(env), None)
        result = Path(f"{request}.out")
        if result.exists():
            _, value, raised, message, code = pickle.loads(result.read_bytes())
            outcome.value, outcome.raised, outcome.error_message, outcome.error_code = value, raised, message, code
    return outcome


def call_within(timeout_s: float, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` in this process for arguments a child cannot take (a loaded
    source, a lock); a call still running after ``timeout_s`` fails the test at once. For pure code
    whose regression is a loop without end: the stuck thread spins on until the process ends, but
    the failure comes in seconds instead of a hung run."""
    import threading

    import pytest

    box: list[tuple[bool, Any]] = []

    def work() -> None:
        try:
            box.append((True, function(*args, **kwargs)))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread below
            box.append((False, exc))

    worker = threading.Thread(target=work, name=f"within-{timeout_s:g}s", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        pytest.fail(f"{getattr(function, '__name__', function)} did not return within {timeout_s:g} s")
    ok, value = box[0]
    if not ok:
        raise value
    return value
