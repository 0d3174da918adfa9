"""A private copy of an embedded directory folder, for opening it read-only without writing to it.

chromadb writes to the folder it opens even when it is only read (chromadb 1.5, measured: opening a
``PersistentClient`` rewrites ``chroma.sqlite3``, its ``acquire_write`` row; the first read of the
collection replays the write log into the HNSW index and rewrites its four ``.bin`` files, with other
bytes each time). A reader holds no writer lock (``lock.py``), so those rewrites raced the writer's
own: a read-only open of the real folder could overwrite the segment files a writer was writing. So a
read-only ``Directory`` opens a copy: ``chroma.sqlite3`` through SQLite's backup API (one consistent
state), the segment folders copied beside it, taken again when chroma's write stamp moved while
copying (a writer wrote meanwhile). The copy is removed when the directory closes.

Cost: a copy of the folder per read-only open, about 85 ms for 5,000 cards (a 29 MB folder; the open
itself 22 ms, the first search 320 ms). ``agentnet plan`` opens one only for a directory larger than
its shortlist or whose card manifest is stale.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from agentnet.directory.chroma import INDEX_NAME, MARKER_NAME, write_stamp

# Copies taken while a writer keeps writing: after this many, the last one is used (chroma replays
# its write log into the index when it opens, so a copy behind by a write is still readable).
TRIES = 3


def take(folder: Path, collection: str) -> Path:
    """A new temporary folder holding a consistent copy of ``folder``'s chroma files (remove it with
    ``drop``); an empty one when ``folder`` was never indexed."""
    copy = Path(tempfile.mkdtemp(prefix="agentnet-directory-"))
    try:
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


def _copy(folder: Path, copy: Path) -> None:
    for left in copy.iterdir():  # an earlier try's files
        shutil.rmtree(left) if left.is_dir() else left.unlink()
    index = folder / INDEX_NAME
    if not index.is_file():
        return
    # Read-only on the source: the backup reads one committed state and writes nothing there.
    source = sqlite3.connect(f"{index.absolute().as_uri()}?mode=ro", uri=True, timeout=10.0)
    target = sqlite3.connect(copy / INDEX_NAME)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    for entry in folder.iterdir():
        if entry.is_dir():  # a segment's files (the HNSW index)
            shutil.copytree(entry, copy / entry.name, dirs_exist_ok=True)
    marker = folder / MARKER_NAME
    if marker.is_file():
        shutil.copyfile(marker, copy / MARKER_NAME)
