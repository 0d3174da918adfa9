"""A file or folder the operating system refused (a read-only or full disk, no permission, a folder where
a file should be) as a ``UserError`` naming the path and the fix, instead of a traceback.

Why here, at the command's edge: agentnet writes under ``$AGENTNET_HOME`` (chats, runs, the directory's
lock, logs, config edits) from many modules, and a home that cannot be written fails in whichever of them
runs first. Only errors that name a path are turned into messages; any other ``OSError`` (a refused
connection) is left to the code that made the call.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from agentnet.errors import AgentnetError, RunError, UserError

_WHAT = {
    errno.EROFS: "is on a read-only file system",
    errno.EACCES: "is not accessible (permission denied)",
    errno.EPERM: "is not accessible (operation not permitted)",
    errno.ENOSPC: "cannot be written: the disk is full",
    errno.EDQUOT: "cannot be written: the disk quota is exceeded",
    errno.EISDIR: "is a folder, where a file was expected",
    errno.ENOTDIR: "has a file where a folder was expected",
    errno.ENOENT: "does not exist",
}

_FIX = {
    errno.ENOSPC: "free some disk space, then run the command again",
    errno.EDQUOT: "free some disk space, then run the command again",
    errno.EISDIR: "give the path of a file, not of a folder",
    errno.ENOTDIR: "check every part of the path: each one before the last must be a folder",
    errno.ENOENT: "check the path",
}


# A path that names the wrong thing is bad input (exit 2); a disk or folder that refuses is the machine's (exit 1).
_BAD_PATH = (errno.EISDIR, errno.ENOTDIR, errno.ENOENT)


def file_error(exc: OSError) -> AgentnetError | None:
    """The message for ``exc`` when it names a path (None otherwise: not a file's problem)."""
    if exc.filename is None:
        return None
    path = os.fsdecode(exc.filename)
    if len(path) > 300:
        # A name past the system's limit can be any text (a passage read as a path): its ends name it.
        path = f"{path[:120]}…{path[-60:]} ({len(path):,} characters)"
    number = exc.errno or 0
    what = _WHAT.get(number, f"cannot be used ({exc.strerror or exc})")
    kind = UserError if number in _BAD_PATH else RunError
    return kind(f"{path} {what}", hint=_fix(number, path), code="file_access")


def _fix(number: int, path: str) -> str:
    if number in _FIX:
        return _FIX[number]
    from agentnet.home import HOME_ENV, home_dir

    home = home_dir()
    if Path(path).is_relative_to(home):
        # The home holds every piece of agentnet's state: a folder of its own that can be written fixes all.
        return f"agentnet keeps its state in {home}: make it writable, or set {HOME_ENV} to a folder you can write"
    return "make that path writable (or readable), or give another one"
