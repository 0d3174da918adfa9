"""A program in a pseudo-terminal, as a user's terminal runs it: type into it, read what it prints."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

AGENTNET = Path(sys.executable).parent / "agentnet"
PROMPT = "you> "


class Terminal:
    """A child process on a pty: type into it, read what it prints."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the chat program
            # As a terminal starts a program: Ctrl-C and Ctrl-\ at their defaults. A test run started as
            # a background job (`pytest &` in a script) inherits them ignored, and so would the child.
            for signum in (signal.SIGINT, signal.SIGQUIT):
                signal.signal(signum, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, set())
            os.execve(str(AGENTNET), [str(AGENTNET), *args], env)
        self.seen = ""

    def read_until(self, token: str, timeout: float = 180.0) -> str:
        """Everything printed until ``token`` appears (consumed up to and including it)."""
        deadline = time.monotonic() + timeout
        while token not in self.seen:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {token!r}; screen so far:\n{self.seen[-3000:]}")
            ready, _, _ = select.select([self.fd], [], [], min(remaining, 0.5))
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the program ended while waiting for {token!r}:\n{self.seen[-3000:]}")
                self.seen += chunk.decode("utf-8", errors="replace").replace("\r\n", "\n")
        head, _, rest = self.seen.partition(token)
        self.seen = rest
        return head

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def turn(self, line: str, timeout: float = 180.0) -> str:
        self.send(line + "\n")
        return self.read_until(PROMPT, timeout)

    def wait(self, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            try:  # keep draining so the child never blocks on a full pty buffer
                if select.select([self.fd], [], [], 0.2)[0]:
                    self.seen += os.read(self.fd, 4096).decode("utf-8", errors="replace")
            except OSError:
                time.sleep(0.1)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("the chat did not exit")

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)
