"""A private copy of an embedded directory folder, for opening it read-only without writing to it.

chromadb writes to the folder it opens even when it is only read (chromadb 1.5, measured: opening a
``PersistentClient`` rewrites ``chroma.sqlite3``, its ``acquire_write`` row; the first read of the
collection replays the write log into the HNSW index and rewrites its four ``.bin`` files, with other
bytes each time). A reader holds no writer lock (``lock.py``), so those rewrites raced the writer's
own: a read-only open of the real folder could overwrite the segment files a writer was writing. So a
read-only ``Directory`` opens a copy: ``chroma.sqlite3`` through SQLite's backup API (one consistent
state), the segment folders copied beside it, taken again when chroma's write stamp moved while
copying (a writer wrote meanwhile). The copy is removed when the directory closes.

A process killed before it closes (kill -9, a crash) cannot remove its copy, so each copy holds an
``fcntl`` lock on its ``owner.lock`` (the owner's pid written in it, for whoever looks) while it is
open; the kernel drops the lock when the owner dies. ``take`` removes the copies in the temporary
folder whose lock it can take: their owner is gone. A copy without that file (being created, or
another user's) is left alone.

Cost: a copy of the folder per read-only open, about 85 ms for 5,000 cards (a 29 MB folder; the open
itself 22 ms, the first search 320 ms). ``agentnet plan`` opens one only for a directory larger than
its shortlist or whose card manifest is stale.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from agentnet.directory.chroma import INDEX_NAME, MARKER_NAME, write_stamp

# Copies taken while a writer keeps writing: after this many, the last one is used (chroma replays
# its write log into the index when it opens, so a copy behind by a write is still readable).
TRIES = 3
PREFIX = "agentnet-directory-"
OWNER_NAME = "owner.lock"
# The lock on each copy this process holds (its open file), released when the copy is dropped.
_owned: dict[Path, int] = {}


def take(folder: Path, collection: str) -> Path:
    """A new temporary folder holding a consistent copy of ``folder``'s chroma files (remove it with
    ``drop``); an empty one when ``folder`` was never indexed. Copies left by dead processes go first."""
    sweep()
    copy = Path(tempfile.mkdtemp(prefix=PREFIX))
    try:
        _own(copy)
        for _ in range(TRIES):
            before = write_stamp(folder, collection)
            _copy(folder, copy)
            if before is not None and write_stamp(folder, collection) == before:
                break
    except BaseException:
        drop(copy)
        raise
    return copy


def drop(copy: Path) -> None:
    shutil.rmtree(copy, ignore_errors=True)
    fd = _owned.pop(copy, None)
    if fd is not None:
        os.close(fd)  # releases the lock (after the removal: no sweep sees a half-removed copy as dead)


def sweep() -> None:
    """Remove the copies in the temporary folder whose owner process is gone (their lock is free)."""
    for copy in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            fd = os.open(copy / OWNER_NAME, os.O_RDWR)
        except OSError:  # no owner file yet (being created), or not ours to read
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: its owner runs (this process's own copies included: one lock per open)
            os.close(fd)
            continue
        shutil.rmtree(copy, ignore_errors=True)
        os.close(fd)


def _own(copy: Path) -> None:
    # Locked under another name, then renamed (the lock stays with the file): a sweep never finds
    # the owner file unlocked between its creation and its lock.
    new = copy / f"{OWNER_NAME}.new"
    fd = os.open(new, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, str(os.getpid()).encode())
        new.rename(copy / OWNER_NAME)
    except BaseException:
        os.close(fd)
        raise
    _owned[copy] = fd


def _copy(folder: Path, copy: Path) -> None:
    for left in copy.iterdir():  # an earlier try's files
        if left.name == OWNER_NAME:
            continue
        shutil.rmtree(left) if left.is_dir() else left.unlink()
    index = folder / INDEX_NAME
    if not index.is_file():
        return
    # Read-only on the source: the backup reads one committed state and writes nothing there.
    source = sqlite3.connect(f"{index.absolute().as_uri()}?mode=ro", uri=True, timeout=10.0)
    target = sqlite3.connect(copy / INDEX_NAME)
    try:
        source.backup(target)
    except sqlite3.DatabaseError as exc:
        # As a writable open reports it (chroma.persistent_client): the folder named, nothing deleted.
        from agentnet.errors import DirectoryError

        raise DirectoryError(
            f"cannot open the directory at {folder}: {index.name} is damaged ({exc})",
            hint="the folder looks corrupt: restore it from a backup or move it away and re-import; "
            "nothing was deleted",
            code="directory_corrupt",
        ) from None
    finally:
        target.close()
        source.close()
    for entry in folder.iterdir():
        if entry.is_dir():  # a segment's files (the HNSW index)
            shutil.copytree(entry, copy / entry.name, dirs_exist_ok=True)
    marker = folder / MARKER_NAME
    if marker.is_file():
        shutil.copyfile(marker, copy / MARKER_NAME)
