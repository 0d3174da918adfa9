"""Two processes that need the same fit of plan memory at once fit it once (planner/fitlock.py).

Real processes: `agentnet plan --learn` teaches memory and keeps its fit; a task remembered after makes
it stale, so the next plans must refit. One plan process (A) is held inside its fit (fit_worker.py);
a second (B, the plain CLI) started meanwhile says it waits for A and then uses the fit A kept, or,
when A dies, fits itself.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import stop_process, wait_until

DATA = Path(__file__).parent / "data"
WORKER = Path(__file__).parent / "fit_worker.py"
AGENTNET = str(Path(sys.executable).parent / "agentnet")
TOOLS = str(DATA / "tools_api_daily.json")
PLAN = ["plan", "What is the weather going to be in Rome tomorrow?", "--tools", TOOLS, "--json", "--no-model"]
FITTING = "fitting the planner to 11 solved tasks"


@pytest.fixture
def stale_memory(agentnet_home: Path) -> Path:
    """Memory with a fit kept on 10 tasks and an 11th remembered since: the next plan refits."""
    from agentnet.planner.memory import PlanMemory, Remembered

    learned = subprocess.run([AGENTNET, "plan", "--learn", str(DATA / "samples_api_daily.jsonl"), "--tools", TOOLS],
                             capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    assert "fitted the planner to 10 solved tasks" in learned.stderr, learned.stderr
    memory = PlanMemory()
    try:
        memory.remember_all([Remembered("Wake me at seven tomorrow.", ["set_alarm"])], source="rated")
    finally:
        memory.close()
    return agentnet_home / "planner"


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:  # a failed test must not leave a plan running
        if process.poll() is None:
            stop_process(process)
        process.communicate()


def start(command: list[str], log: Path, started: list[subprocess.Popen[str]]) -> subprocess.Popen[str]:
    # stderr to a file: read while the process runs, without a pipe that could fill.
    with log.open("w") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})  # fmt: skip
    started.append(process)
    return process


def waiting(tmp_path: Path, started: list[subprocess.Popen[str]]) -> tuple[subprocess.Popen[str], ...]:
    """A held inside its fit, then B (`agentnet plan` as a user runs it) saying it waits for A's fit:
    a wait of up to a minute is not silent."""
    held = start([sys.executable, str(WORKER), "hold", str(tmp_path), *PLAN], tmp_path / "hold.stderr", started)
    wait_until(lambda: (tmp_path / "fitting").exists() or held.poll() is not None, "A to start fitting", 300)
    assert (tmp_path / "fitting").exists(), (tmp_path / "hold.stderr").read_text()
    second = start([AGENTNET, *PLAN], tmp_path / "plain.stderr", started)
    said = f"waiting for process {held.pid}, which is fitting the planner for this directory\n"
    wait_until(lambda: said in (tmp_path / "plain.stderr").read_text() or second.poll() is not None, "B", 300)
    assert said in (tmp_path / "plain.stderr").read_text(), (tmp_path / "plain.stderr").read_text()
    return held, second


def test_a_second_process_waits_for_the_fit_and_reuses_it(
    stale_memory: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    from agentnet.planner.memory import PlanMemory

    held, second = waiting(tmp_path, processes)
    assert second.poll() is None  # still waiting: A's fit is not done
    (tmp_path / "release").touch()
    out_a, _ = held.communicate(timeout=300)
    out_b, _ = second.communicate(timeout=300)
    stderr_a, stderr_b = (tmp_path / "hold.stderr").read_text(), (tmp_path / "plain.stderr").read_text()
    assert held.returncode == 0 and second.returncode == 0, (stderr_a, stderr_b)
    assert FITTING in stderr_a and "fitting the planner to" not in stderr_b, stderr_b  # fitted once, by A
    assert json.loads(out_a)["steps"] == json.loads(out_b)["steps"]  # the same plan, with the same fit
    memory = PlanMemory()
    try:
        (fit,) = memory.stats()["fits"]
        assert fit["version"] == memory.version() and not fit["stale"] and fit["examples"] == 11, fit
    finally:
        memory.close()
    assert sorted(path.name for path in stale_memory.iterdir()) == ["memory.sqlite"]  # no lock file left


def test_a_waiter_fits_itself_when_the_fitting_process_dies(
    stale_memory: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    held, second = waiting(tmp_path, processes)
    held.send_signal(signal.SIGKILL)  # the kernel drops its lock
    out_b, _ = second.communicate(timeout=300)
    stderr_b = (tmp_path / "plain.stderr").read_text()
    assert second.returncode == 0 and FITTING in stderr_b and '"steps"' in out_b, stderr_b
