"""Loading models never takes stdout/stderr away from the rest of the process (issue 13, item 1).

llama-cpp-python silences a load by pointing fds 1 and 2 at /dev/null and back; two models loading
at once raced on the restore and left the process writing into /dev/null (a recipe run printed
nothing and exited 0). Here two distinct GGUF files load side by side, round after round, in a real
subprocess while another thread writes to both fds: every line must arrive.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("fd_worker.py")
ROUNDS = 12


def _all_lines_arrived(text: str) -> None:
    lines = text.splitlines()
    stray = [line for line in lines if not line.startswith(("round ", "tick ", "ticks "))]
    assert not stray, stray[:20]
    rounds = [line for line in lines if line.startswith("round ")]
    assert rounds == [f"round {i} done" for i in range(ROUNDS)], rounds
    ticks = [int(line.split()[1]) for line in lines if line.startswith("tick ")]
    total = int(lines[-1].split()[1])
    assert lines[-1].startswith("ticks ") and total > 0
    # Every write made while models were loading and closing is there, in order.
    assert ticks == list(range(1, total + 1)), f"{total - len(ticks)} of {total} writes were lost"


@pytest.mark.slow
def test_parallel_loads_of_two_models_keep_stdout_and_stderr(smollm2_path: Path, tmp_path: Path) -> None:
    # Another path is another model to the pool (its key is the path), so both load at once.
    second = tmp_path / "second-model.gguf"
    second.symlink_to(smollm2_path)
    done = subprocess.run(
        [sys.executable, str(WORKER), str(smollm2_path), str(second), str(ROUNDS)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    _all_lines_arrived(done.stdout)
    _all_lines_arrived(done.stderr)
