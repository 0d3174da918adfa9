"""Runs an MCP stdio server so that it cannot outlive the agentnet process that started it.

``python -I .../agentnet/mcp/launcher.py PARENT_PID -- COMMAND [ARGS...]``: the launcher asks Linux to
send it SIGTERM when its parent dies (``PR_SET_PDEATHSIG``; kill -9 of agentnet included), runs
the server as its child with the same stdout/stderr (MCP's output passes straight through) and,
on SIGTERM/SIGINT/SIGHUP, stops its whole process group: the server and anything it started. The
MCP SDK starts the launcher in a new process group, so that group is exactly this server's tree.

The server's stdin is a pipe the launcher feeds from its own, so the launcher sees the session end
(agentnet closes stdin): a server that has not exited ``STOP_GRACE_S`` later is stopped, SIGTERM then
SIGKILL, and the log says so. Without this, a server ignoring stdin EOF and SIGTERM held agentnet's
exit 4 s (the SDK waits 2 s after EOF, then 2 s after SIGTERM, and under load up to its 10 s bound).

Kept free of agentnet imports: it starts on every server start, run by its file (``transport.LAUNCHER``).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from types import FrameType

PR_SET_PDEATHSIG = 1
GRACE_S = 2.0
# After the session ends (stdin closed): how long the server may take to exit, then after SIGTERM.
STOP_GRACE_S = 0.5
# The line agentnet.mcp.session reads to say which server it had to kill.
KILLED = "agentnet: MCP server command did not exit within {:g} s of its session ending; killed it"


_ENDING = threading.Event()


def _stop_group(signum: int, frame: FrameType | None) -> None:
    if _ENDING.is_set():
        return  # the session ended: _stop_after_session stops the group
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


def _wait_gone(child: subprocess.Popen[bytes], seconds: float) -> bool:
    try:
        child.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return False
    return True


def _stop_after_session(child: subprocess.Popen[bytes], stopping: threading.Event) -> None:
    """Feed the server's stdin from ours; at EOF (agentnet ended the session) close it, and stop a
    server still running ``STOP_GRACE_S`` later: SIGTERM to the group, then SIGKILL."""
    assert child.stdin is not None
    target = child.stdin.fileno()
    try:
        while chunk := os.read(0, 65536):
            view = memoryview(chunk)
            while view:
                view = view[os.write(target, view) :]
    except OSError:
        pass  # the server closed its stdin or exited: nothing more to feed
    stopping.set()
    child.stdin.close()
    if _wait_gone(child, STOP_GRACE_S):
        return
    _ENDING.set()  # our own SIGTERM below reaches this process too: _stop_group lets it pass
    os.killpg(0, signal.SIGTERM)
    if _wait_gone(child, STOP_GRACE_S):
        return
    sys.stderr.write(KILLED.format(2 * STOP_GRACE_S) + "\n")
    sys.stderr.flush()
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
        sys.stderr.write("usage: python -I launcher.py PARENT_PID -- COMMAND [ARGS...]\n")
        return 2
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _stop_group)
    _watch_parent(int(argv[0]))
    try:
        child = subprocess.Popen(argv[2:], stdin=subprocess.PIPE, bufsize=0)
    except OSError as exc:
        sys.stderr.write(f"agentnet: cannot start MCP server {argv[2]!r}: {exc}\n")
        return 127
    stopping = threading.Event()
    threading.Thread(target=_stop_after_session, args=(child, stopping), daemon=True).start()
    code = child.wait()
    if stopping.is_set():
        return code  # agentnet ended the session: how the server ended is no start failure to explain
    # The session only sees its connection close: this line (after the server's own stderr) says how the
    # server ended (agentnet.mcp.startup reads it). Not reached when agentnet stops the server (_stop_group).
    ended = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
    sys.stderr.write(f"agentnet: MCP server command {ended}\n")
    sys.stderr.flush()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
