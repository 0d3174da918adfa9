"""One writer per embedded directory: an exclusive ``fcntl`` lock file next to the chroma files.

chromadb's PersistentClient keeps its vector index in memory and rewrites it on disk; two writing
processes would overwrite each other's segments. The first process that writes takes the lock
and keeps it until it closes the directory; a second writer waits up to ``timeout_s`` and then gets
a ``DirectoryError`` naming the folder and the pid holding the lock. The lock file carries the
holder's pid for that message; the kernel drops the lock when the holder dies (even on kill -9),
so a stale file never blocks anyone.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path

from agentnet.errors import DirectoryError

LOCK_NAME = "writer.lock"


class WriterLock:
    def __init__(self, folder: Path, timeout_s: float = 5.0) -> None:
        self.path = folder / LOCK_NAME
        self.folder = folder
        self.timeout_s = timeout_s
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_pid(fd)
                    os.close(fd)
                    who = f"process {holder}" if holder else "another process"
                    raise DirectoryError(
                        f"the directory {self.folder} is being written by {who}; "
                        f"waited {self.timeout_s:g} s for it to finish",
                        hint="wait for that process to finish (or stop it), or share one directory between "
                        "processes with a server: `chroma run` and `directory.url: http://host:port`",
                        code="directory_locked",
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _read_pid(fd: int) -> int | None:
    try:
        raw = os.pread(fd, 32, 0).decode("ascii", errors="replace").strip()
    except OSError:
        return None
    return int(raw) if raw.isdigit() else None
