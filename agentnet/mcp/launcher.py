"""Runs an MCP stdio server so that it cannot outlive the agentnet process that started it.

``python -m agentnet.mcp.launcher PARENT_PID -- COMMAND [ARGS...]``: the launcher asks Linux to
send it SIGTERM when its parent dies (``PR_SET_PDEATHSIG``; kill -9 of agentnet included), runs
the server as its child with the same stdin/stdout/stderr (the MCP pipes pass straight through) and,
on SIGTERM/SIGINT/SIGHUP, stops its whole process group: the server and anything it started. The
MCP SDK starts the launcher in a new process group, so that group is exactly this server's tree.

Kept free of agentnet imports: it starts on every server start.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from types import FrameType

PR_SET_PDEATHSIG = 1
GRACE_S = 2.0


def _stop_group(signum: int, frame: FrameType | None) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    os.killpg(0, signal.SIGTERM)
    ends = time.monotonic() + GRACE_S
    while time.monotonic() < ends:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            os._exit(128 + signum)
        if pid == 0:
            time.sleep(0.02)
    os.killpg(0, signal.SIGKILL)


def _watch_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    # The parent may have died before prctl took effect: then nobody would signal us.
    if os.getppid() != parent:
        os._exit(1)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--" or not argv[0].isdigit():
        sys.stderr.write("usage: python -m agentnet.mcp.launcher PARENT_PID -- COMMAND [ARGS...]\n")
        return 2
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _stop_group)
    _watch_parent(int(argv[0]))
    try:
        child = subprocess.Popen(argv[2:])
    except OSError as exc:
        sys.stderr.write(f"agentnet: cannot start MCP server {argv[2]!r}: {exc}\n")
        return 127
    code = child.wait()
    # The session only sees its connection close: this line (after the server's own stderr) says how the
    # server ended (agentnet.mcp.startup reads it). Not reached when agentnet stops the server (_stop_group).
    ended = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
    sys.stderr.write(f"agentnet: MCP server command {ended}\n")
    sys.stderr.flush()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
