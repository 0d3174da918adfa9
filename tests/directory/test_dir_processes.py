"""Several processes on one embedded directory: one writer at a time; a kill -9 loses nothing acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dirkit import CountingEmbedder, agentnet_directory

from agentnet.directory.store import Directory
from agentnet.errors import DirectoryError

WORKER = Path(__file__).parent / "dir_worker.py"


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )


def _wait_line(process: subprocess.Popen[str], prefix: str, timeout_s: float = 120) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"worker exited: {process.wait()} {process.stderr.read() if process.stderr else ''}")
        if line.startswith(prefix):
            return line.strip()
    raise AssertionError(f"no {prefix!r} line within {timeout_s} s")


def _stop(process: subprocess.Popen[str]) -> str:
    """kill -9, then collect what the process printed before dying (closes the pipes)."""
    process.send_signal(signal.SIGKILL)
    out, _err = process.communicate(timeout=30)
    return out


def test_second_writer_gets_an_error_naming_path_and_pid(tmp_path: Path, embedder: CountingEmbedder) -> None:
    folder = tmp_path / "shared"
    holder = _start("hold", str(folder), "60")
    try:
        _wait_line(holder, "ready")
        with pytest.raises(DirectoryError) as info:
            Directory(path=folder, embedder=embedder, lock_timeout_s=0.3)
        assert str(folder) in info.value.message
        assert f"process {holder.pid}" in info.value.message
        assert info.value.code == "directory_locked"
        # Readers are not blocked.
        with Directory(path=folder, embedder=embedder, readonly=True) as reader:
            assert reader.count() == 0
    finally:
        _stop(holder)
    # The kernel dropped the dead holder's lock: writing works again.
    with Directory(path=folder, embedder=embedder, lock_timeout_s=5) as writer:
        assert writer.count() == 0


def test_cli_reads_a_directory_another_process_is_writing(agentnet_home: Path) -> None:
    import json

    from typer.testing import CliRunner

    from agentnet.cli.app import app

    holder = _start("hold", str(agentnet_home / "directory"), "60")
    try:
        _wait_line(holder, "ready")
        result = CliRunner().invoke(app, ["directory", "list", "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == []
        assert f"process {holder.pid}" in result.stderr and "without syncing" in result.stderr
    finally:
        _stop(holder)


def test_a_killed_readers_copy_is_removed_by_the_next_read_only_open(
    tmp_path: Path, embedder: CountingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only open reads a temporary copy of the folder (``snapshot``); a reader killed with
    SIGKILL never removes its own, so the next read-only open (any process) removes the dead one's."""
    import tempfile

    from agentnet.cards import CapabilityCard

    scratch = tmp_path / "tmp"  # the temporary folder of both processes: only this test's copies
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    folder = tmp_path / "shared"
    with Directory(path=folder, embedder=embedder) as writer:
        writer.register(CapabilityCard(id="tool-1", description="Converts files."))
    reader = subprocess.Popen(
        [sys.executable, str(WORKER), "read", str(folder), "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False", "TMPDIR": str(scratch)},
    )
    try:
        assert _wait_line(reader, "reading") == "reading 1"
        (dead,) = scratch.glob("agentnet-directory-*")
        assert (dead / "owner.lock").read_text() == str(reader.pid)
    finally:
        _stop(reader)
    assert dead.is_dir()  # killed: it could not remove its copy
    with Directory(path=folder, embedder=embedder, readonly=True) as mine:
        assert mine.count() == 1
        (alive,) = scratch.glob("agentnet-directory-*")
        assert alive != dead and not dead.exists()
        # A live reader's copy (this one) is never taken for a dead one's.
        with Directory(path=folder, embedder=embedder, readonly=True) as other:
            assert other.count() == 1 and alive.is_dir()
    assert list(scratch.iterdir()) == []


def test_second_writer_waits_for_a_short_writer(tmp_path: Path, embedder: CountingEmbedder) -> None:
    folder = tmp_path / "shared"
    holder = _start("hold", str(folder), "1")
    try:
        _wait_line(holder, "ready")
        start = time.monotonic()
        with Directory(path=folder, embedder=embedder, lock_timeout_s=60) as writer:
            # We only got in once the other writer had held the directory for its second.
            assert time.monotonic() - start > 0.5
            assert _wait_line(holder, "released", timeout_s=10) == "released"
            assert writer.count() == 0
    finally:
        _stop(holder)


def test_kill_during_import_keeps_exactly_the_acknowledged_batches(tmp_path: Path) -> None:
    folder, batch = tmp_path / "crash", 16
    worker = _start("import", str(folder), "5000", str(batch))
    acked = 0
    try:
        while acked < 3 * batch:
            acked = int(_wait_line(worker, "ack").split()[1])
    finally:
        rest = _stop(worker)
    for line in rest.splitlines():
        if line.startswith("ack"):
            acked = int(line.split()[1])
    assert acked < 5000, "the import finished before the kill; nothing was tested"
    with Directory(path=folder, embedder=CountingEmbedder()) as directory:
        count = directory.count()
        # Batches are atomic: the directory holds every acknowledged batch and at most the one in flight.
        assert count in {acked, acked + batch}
        cards = directory.cards()
        assert {c.id for c in cards} == {f"tool-{i}" for i in range(count)}
        # Each card arrived with its skill entry (no half-written card).
        assert directory._collection.count() == 2 * count
        assert directory.search("converts files", k=3)
        # The directory is writable again and can finish the import incrementally.
        before = directory.count()
        assert directory.register_many(cards) == 0
        assert directory.count() == before


def test_a_fresh_process_finds_every_record_another_process_wrote(tmp_path: Path, agentnet_home: Path) -> None:
    """``agentnet directory import`` writes and exits; this process, opening the directory afresh, finds
    every card: its row and its vectors."""
    import yaml

    total = 40
    cards = [
        {"id": f"tool-{i}", "description": f"Tool number {i} converts files of kind {i % 7}."} for i in range(total)
    ]
    source = tmp_path / "cards.yaml"
    source.write_text(yaml.safe_dump(cards))
    done = agentnet_directory("import", str(source))
    assert done.returncode == 0 and f"imported {total} cards" in done.stdout, done.stderr
    with Directory(path=agentnet_home / "directory", embedder=CountingEmbedder(), readonly=True) as directory:
        found = {card.id: card for card in directory.cards()}
        assert {f"tool-{i}" for i in range(total)} <= found.keys()
        assert found["tool-9"].description == "Tool number 9 converts files of kind 2."
        best = directory.search("Tool number 17 converts files of kind 3", k=1)
        assert best[0].card_id == "tool-17"  # the vectors came through, not only the rows
