"""Whole CLI commands (``ask``, ``plan``, ``run``) run inside ``agentnet daemon``, as if in the caller's process.

The daemon runs the same ``agentnet`` command code with the caller's argv, working directory,
environment, stdin and terminal, and streams what it writes to stdout and stderr back with its exit
code, so a handed-off command prints and exits exactly as the in-process one does; only the models
(and imports) are already warm. Those are process-wide, so the daemon runs one command at a time
(``JOB_LOCK``); an ``ask`` that finds it taken is turned down (``busy``) and its client asks with an
``ask`` request instead, served beside the running command.

Ctrl-C in the caller becomes an ``interrupt`` request: the command's thread gets the same
``KeyboardInterrupt`` the in-process command would (its run is stopped and kept for resuming).

``chat`` is interactive (``"interactive": true``): its stdin is what the caller types, sent as
``{"in": text}`` lines on the same connection after the daemon said ``{"started": true}``, and
``{"eof": true}`` for Ctrl-D (``TypedStdin``). A session holds the daemon for as long as it lasts, so
no command waits behind one: it is turned down as busy and runs in its caller's process.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import json
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Send = Callable[[dict[str, Any]], None]

JOB_LOCK = threading.Lock()
_running: dict[str, int] = {}  # job id -> the thread ident running it
_interactive = threading.Event()  # set while a chat session holds JOB_LOCK
# Every wait in a command's thread or for JOB_LOCK is cut into slices this long: an interrupt sent to a
# thread as an async exception lands only when it runs Python again (see interrupt()).
WAIT_SLICE_S = 0.1


class _Stream(io.TextIOBase):
    """The caller's stdout or stderr: every write goes back over the connection at once."""

    def __init__(self, key: str, send: Send, tty: bool, lost: Callable[[], None]) -> None:
        self.key, self.send, self.tty, self.lost = key, send, tty, lost
        self.gone = False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            # click probes a stream with write(b""): only a failure makes it treat this one as text.
            raise TypeError("write() takes str")
        if text and not self.gone:
            try:
                self.send({self.key: text})
            except OSError:
                # The caller went away (killed): the command stops as if interrupted, its run kept to resume.
                self.gone = True
                self.lost()
        return len(text)

    def isatty(self) -> bool:
        # Rich and click decide colours and live tables by this: as the caller's terminal says.
        return self.tty

    def writable(self) -> bool:
        return True


def _stdin(data: bytes | None) -> Any:
    """The caller's stdin: its piped bytes through a real pipe (commands check the fd is a pipe), else
    /dev/null, which like a terminal is not read as piped input."""
    if data is None:
        return open(os.devnull, encoding="utf-8")  # closed when the job ends
    read_fd, write_fd = os.pipe()

    def feed() -> None:
        with os.fdopen(write_fd, "wb") as out, contextlib.suppress(BrokenPipeError):  # not all read
            out.write(data)

    threading.Thread(target=feed, name="agentnet-daemon-stdin", daemon=True).start()
    return os.fdopen(read_fd, "r", encoding="utf-8")


class TypedStdin(io.TextIOBase):
    """A chat's stdin in the daemon: the lines its caller types, fed from the connection by ``feed_from``.

    ``input()`` reads it with ``readline``; the caller's terminal edits the line (cooked mode), as it
    does in-process, where no GNU readline is loaded either. Ctrl-D, or the caller going away, is the end of the stream:
    ``input()`` raises EOFError and the session ends as it does in-process.
    """

    def __init__(self) -> None:
        self._pieces: queue.Queue[str] = queue.Queue()
        self._closed = threading.Event()  # no more pieces will come
        self._buffer = ""

    def feed_from(self, lines: Any) -> None:
        """Read the caller's messages until it closes the connection (runs in its own thread; keeps
        reading after ``eof`` so the caller's last bytes never sit unread when the connection closes)."""
        try:
            for raw in lines:
                message = json.loads(raw)
                if isinstance(message, dict) and isinstance(message.get("in"), str):
                    self._pieces.put(message["in"])
                elif isinstance(message, dict) and message.get("eof"):
                    self._closed.set()
        except (OSError, ValueError):
            pass  # a connection reset or garbage: the caller is gone, which ends its input too
        finally:
            self._closed.set()

    def readline(self, size: int = -1, /) -> str:  # type: ignore[override]  # typeshed: _IOBase.readline -> bytes
        while "\n" not in self._buffer:
            try:
                self._buffer += self._pieces.get(timeout=WAIT_SLICE_S)
            except queue.Empty:
                if self._closed.is_set() and self._pieces.empty():
                    break
        line, newline, self._buffer = self._buffer.partition("\n")
        return line + newline

    def read(self, size: int | None = -1, /) -> str:
        return "".join(iter(self.readline, ""))

    def readable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return True  # the caller's stdin is its terminal


@contextmanager
def _as_caller(request: dict[str, Any], send: Send, typed: TypedStdin | None = None) -> Iterator[None]:
    """sys.argv, the environment, the working directory and the standard streams of the caller."""
    import base64

    from agentnet.cli import render

    saved = (list(sys.argv), dict(os.environ), Path.cwd(), sys.stdin, sys.stdout, sys.stderr)
    tty = request.get("tty") or [False, False]
    if typed is not None:
        stdin: Any = typed
    else:
        stdin = _stdin(base64.b64decode(request["stdin"]) if request.get("stdin") is not None else None)
    try:
        sys.argv = ["agentnet", *request["argv"]]
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.stdin = stdin
        job = str(request.get("job", ""))
        once = threading.Lock()

        def lost() -> None:
            # Once per caller: both streams (and a run's step threads) find it gone, and a second interrupt
            # would land in the middle of the command's handling of the first (saving its run, or the
            # daemon's own bookkeeping after it), as no signal in-process ever does.
            if once.acquire(blocking=False):
                interrupt(job)

        sys.stdout, sys.stderr = _Stream("out", send, bool(tty[0]), lost), _Stream("err", send, bool(tty[1]), lost)
        render.reset_consoles()  # built for this caller's terminal, not the previous one's
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.argv, environ, cwd, sys.stdin, sys.stdout, sys.stderr = saved
        os.environ.clear()
        os.environ.update(environ)
        os.chdir(cwd)
        render.reset_consoles()
        stdin.close()


def run_command(
    request: dict[str, Any], send: Send, run_in_process: Callable[[], None], typed: TypedStdin | None = None
) -> int | None:
    """Run one CLI command as the caller would have (``run_in_process`` runs ``sys.argv``); its exit code,
    or None (busy) when another command runs and the request does not wait (``wait: false``) or a chat
    session holds the daemon. ``typed``: an interactive command's stdin (its caller is told ``started``)."""
    if not _take(wait=request.get("wait", True) is not False):
        return None
    try:
        if typed is not None:
            _interactive.set()
            send({"started": True})  # the caller forwards its typing from now on, not before: if busy, it reads here
        return _run_locked(request, send, run_in_process, typed)
    finally:
        _interactive.clear()
        JOB_LOCK.release()


def _take(wait: bool) -> bool:
    if not wait:
        return JOB_LOCK.acquire(blocking=False)
    # A command waits for the one running, never behind a chat session, which lasts as long as its user likes.
    while not JOB_LOCK.acquire(timeout=WAIT_SLICE_S):
        if _interactive.is_set():
            return False
    return True


def _run_locked(
    request: dict[str, Any], send: Send, run_in_process: Callable[[], None], typed: TypedStdin | None
) -> int:
    job = str(request.get("job", ""))
    with _as_caller(request, send, typed):
        _running[job] = threading.get_ident()
        try:
            run_in_process()
        except SystemExit as exc:
            return _exit_code(exc)
        except BaseException:  # noqa: BLE001 - a bug: its traceback, as the interpreter prints it (redacted)
            from agentnet.cli.entry import print_bug

            print_bug()
            return 1
        finally:
            _running.pop(job, None)
    return 0


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    sys.stderr.write(f"{exc.code}\n")  # as the interpreter prints a SystemExit message
    return 1


def interrupt(job: str, terminate: bool = False) -> bool:
    """Stop the command running ``job`` as the caller's signal would in-process: KeyboardInterrupt for
    Ctrl-C, ``Terminated`` for SIGTERM (exit 143)."""
    from agentnet.executor.control import Terminated, stop_run_in_thread

    ident = _running.get(job)
    if ident is None:
        return False
    kind = Terminated if terminate else KeyboardInterrupt
    if stop_run_in_thread(ident, kind):
        return True  # a run: its steps stop at its flag and the thread raises ``kind`` (executor/control.py)
    # Planning, a chat's answer or prompt, printing: the thread runs Python or waits in short slices (a
    # model's next token, TypedStdin's next line), so the exception lands within one slice.
    return bool(ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(kind)))


def stop_all() -> None:
    """The daemon is stopping: every command running here stops as a SIGTERM to its caller would stop
    it (a run saved interrupted, its caller told how to resume it, exit 143). The interpreter's exit
    under a run had it saved failed ("cannot schedule new futures after shutdown")."""
    for job in list(_running):
        interrupt(job, terminate=True)
