"""A pipe or a device handed over as an input file, and endless piped stdin, end with a clear error.

`agentnet run --input /dev/zero` read until memory ran out (11 GB in 8 s), `--input FIFO` with no
program writing to it waited forever, and `cat /dev/zero | agentnet run ...` read stdin whole before
looking at its size, also when a daemon runs. Now a stream is read up to runs.max_artifact_bytes,
waiting at most artifacts.QUIET_S for each piece. Real CLI processes, real FIFOs and devices; each
CLI runs with its address space capped, so a regression fails the test instead of the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentnet.artifacts import read_file
from agentnet.errors import UserError

AGENTNET = str(Path(sys.executable).parent / "agentnet")
SMALL_LIMIT = "runs:\n  max_artifact_bytes: 1000000\n"


def capped() -> None:
    # Far above what the CLI needs (about 1 GB of address space), far below what an endless read reaches.
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def cli(*args: str, stdin: object = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AGENTNET, *args],
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=capped,
    )


@contextlib.contextmanager
def endless() -> Iterator[object]:
    """A pipe that never ends (cat /dev/zero), as a child's stdin."""
    zeros = subprocess.Popen(["cat", "/dev/zero"], stdout=subprocess.PIPE)
    try:
        yield zeros.stdout
    finally:
        zeros.kill()
        zeros.wait()
        zeros.stdout.close()


def test_a_fifo_no_program_writes_to_is_given_up(tmp_path: Path) -> None:
    fifo = tmp_path / "silent"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(UserError, match=r"sent nothing for 0\.5 s") as refused:
        read_file(fifo, quiet_s=0.5)
    assert time.monotonic() - started < 5
    assert refused.value.code == "input_silent" and "program that writes to it" in (refused.value.hint or "")


def test_a_fifo_a_program_writes_to_is_read_whole(tmp_path: Path) -> None:
    fifo = tmp_path / "notes"
    os.mkfifo(fifo)

    def write() -> None:
        time.sleep(0.3)  # the reader is waiting before the writer opens
        with fifo.open("w") as out:
            for _ in range(3):
                out.write("bees make honey\n")
                out.flush()
                time.sleep(0.2)

    writer = threading.Thread(target=write)
    writer.start()
    artifact, text = read_file(fifo, quiet_s=5)
    writer.join()
    assert text == "bees make honey\n" * 3 and artifact.size == 48


def test_binary_through_a_pipe_is_refused_with_the_way_round(tmp_path: Path) -> None:
    fifo = tmp_path / "photo.png"
    os.mkfifo(fifo)
    threading.Thread(target=lambda: fifo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))).start()
    with pytest.raises(UserError, match="pipe or a device") as refused:
        read_file(fifo, quiet_s=5)
    assert "save it to a file first" in (refused.value.hint or "")


def test_an_endless_device_as_input_stops_at_the_limit() -> None:
    Path("agentnet.yaml").write_text(SMALL_LIMIT)
    ran = cli("run", "--no-daemon", "count the words", "--input", "/dev/zero")
    assert ran.returncode == 2, ran.stderr[-2000:]
    assert "input file /dev/zero goes on past 1,000,000 bytes" in ran.stderr
    assert "runs.max_artifact_bytes" in ran.stderr and "Traceback" not in ran.stderr


def test_a_text_pipe_as_input_is_counted() -> None:
    ran = subprocess.run(
        ["bash", "-c", f'"{AGENTNET}" run --no-daemon "count the words" --json --input <(echo one two three)'],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert json.loads(ran.stdout.splitlines()[-1])["answer"] == "3 words"


def test_endless_stdin_stops_at_the_limit() -> None:
    Path("agentnet.yaml").write_text(SMALL_LIMIT)
    with endless() as zeros:
        ran = cli("run", "--no-daemon", "count the words", stdin=zeros)
    assert ran.returncode == 2, ran.stderr[-2000:]
    assert "stdin goes on past 1,000,000 bytes" in ran.stderr and "Traceback" not in ran.stderr


def test_an_endless_task_file_stops_at_the_limit() -> None:
    """`--task-file /dev/zero` was read whole (read_text): memory ran out."""
    ran = cli("run", "--no-daemon", "--task-file", "/dev/zero")
    assert ran.returncode == 2, ran.stderr[-2000:]
    assert "task file /dev/zero goes on past 268,435,456 bytes" in ran.stderr and "Traceback" not in ran.stderr
