"""One fit of plan memory per directory across processes: an ``fcntl`` lock file beside memory's file.

``planner.fitting`` lets one thread of a process fit a memory file for a directory at a time. Two
processes (``agentnet serve`` and ``agentnet plan --learn``, two CLI plans after ``runs rate``) would
still both fit it at once, a minute each with a few hundred solved tasks, and race to keep theirs. So the
fitting process holds ``<memory file>.fit-<directory>.lock`` (its pid in it, for the waiter's log line)
while it fits; another one waits for it and then finds its fit kept (``learning.trust_for``) instead of
fitting again; ``on_wait`` hears the holder's pid once, so a CLI plan can say why it waits (the
INFO log line reaches no one there: the CLI configures no logging). The kernel drops the lock of a
process that dies (even on kill -9): a waiter then takes it and fits itself, never waiting on a dead
holder. A waiter polls, so a process that is ending stops waiting (``go_on`` raises). The holder
removes the file before it lets go, so no file is left per directory ever fitted; a waiter that got
the lock of a removed file opens the path again.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger("agentnet.planner")
POLL_S = 0.1


@contextlib.contextmanager
def held(
    memory_path: str, directory: str, go_on: Callable[[], None], on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the fit lock of ``directory`` (a fingerprint of its cards) for memory's file ``memory_path``,
    waiting while another process holds it; ``go_on`` is called between waits (it raises to stop),
    ``on_wait`` once with the holder's pid ("?" when unknown) when this process has to wait."""
    path = Path(f"{memory_path}.fit-{directory}.lock")
    try:
        fd: int | None = _take(path, go_on, on_wait)
    except OSError as exc:
        # A folder this process cannot write in: keeping the fit fails anyway, with its own error.
        log.debug("no fit lock %s: %s", path, exc)
        fd = None
    try:
        yield
    finally:
        if fd is not None:
            _drop(path, fd)


def _take(path: Path, go_on: Callable[[], None], on_wait: Callable[[str], None] | None) -> int:
    told = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            told = _lock(fd, path, told, go_on, on_wait)
            if _same_file(fd, path):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # its holder removed it before letting go: the path's new file is the lock now
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def _lock(fd: int, path: Path, told: bool, go_on: Callable[[], None], on_wait: Callable[[str], None] | None) -> bool:
    """Lock ``fd``, waiting for its holder; whether the wait was told (once per fit)."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return told
        except BlockingIOError:
            pass
        if not told:
            holder = _holder(fd)
            log.info("waiting for process %s, which is fitting plan memory for this directory (%s)", holder, path)
            if on_wait is not None:
                on_wait(holder)
            told = True
        go_on()
        time.sleep(POLL_S)


def _same_file(fd: int, path: Path) -> bool:
    try:
        now = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)


def _drop(path: Path, fd: int) -> None:
    # Removed while still locked: a waiter that gets this file's lock sees it gone and opens the path again.
    with contextlib.suppress(OSError):
        path.unlink()
    os.close(fd)  # the lock goes with the last descriptor of the file


def _holder(fd: int) -> str:
    try:
        raw = os.pread(fd, 32, 0).decode("ascii", errors="replace").strip()
    except OSError:
        return "?"
    return raw if raw.isdigit() else "?"
