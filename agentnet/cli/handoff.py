"""``ask``, ``plan``, ``run`` and ``chat`` handed to a running ``agentnet daemon`` (``server/daemon_cli.py``), as the
Ollama CLI hands work to ``ollama serve``: the daemon has the engines imported and the models loaded.

The command, working directory, environment, piped stdin and terminal go over; its stdout, stderr
and exit code come back, so the output is the in-process command's. With no daemon running (or
``--no-daemon``, or ``AGENTNET_NO_DAEMON=1``) the command runs in this process as before. Only what
finding the daemon needs is imported here: this runs before every command, before the command
tree is imported (cli/launch.py). An ``ask`` is handed over only when the daemon is idle: the daemon
runs one whole command at a time, and an ``ask`` beside a running ``run`` is served by the daemon's
``ask`` request instead (ask_cmd.py), not queued behind it.

``chat`` is handed over when stdin is a terminal: a thread here reads the terminal (cooked mode,
so the terminal edits the line) and sends each line on; Ctrl-D sends the end of input. A chat holds
the daemon for the whole session, so a command arriving meanwhile, or a chat while the daemon runs
something else, runs in its own process. So does a command whose environment changes what a process
sets up once (``needs_own_process``: tracing, plugins), so that it gets what its environment says.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from agentnet.errors import RunError

HANDED = ("ask", "plan", "run", "chat")
NOT_QUEUED = ("ask", "chat")  # turned down as busy rather than queued behind another command
# plugins/manager.py's LOAD_ENV, named here so that finding the daemon does not import pluggy.
LOAD_PLUGINS_ENV = "AGENTNET_LOAD_PLUGINS"


def run_handed(argv: list[str]) -> int | None:
    """``hand_off`` with the CLI's error handling: a daemon that fails mid-command prints a message and
    exits as any error does."""
    from agentnet.cli.entry import run_guarded

    code: int | None = None

    def handed() -> None:
        nonlocal code
        code = hand_off(argv)

    run_guarded(handed, refresh=False)  # no command tree ran here: the plugin commands' cache is not ours
    return code


def hand_off(argv: list[str]) -> int | None:
    """The exit code of ``argv`` run by the daemon, or None: run it here."""
    if not argv or argv[0] not in HANDED or "--no-daemon" in argv or os.environ.get("AGENTNET_NO_DAEMON") == "1":
        return None
    if any(a in ("--help", "--install-completion", "--show-completion") for a in argv):
        return None
    if argv[0] == "ask" and stdin_is_piped():
        return None  # read once: if the daemon turned it down as busy, the ask here could not read it again
    if argv[0] == "chat" and not _stdin_is_terminal():
        return None  # `echo hi | agentnet chat`: its few lines are read here, as in-process
    if needs_own_process():
        return None
    state = _daemon()
    if state is None:
        return None
    return _through(state, argv)


def needs_own_process() -> bool:
    """Whether this command's environment changes what a process sets up once, so it runs in this one:
    OpenTelemetry variables (``OTEL_*``; the daemon sets its tracing up from the first command it runs,
    so a traced command handed over exported nothing, or to an earlier command's collector) or
    ``AGENTNET_LOAD_PLUGINS`` (the daemon loaded its plugins once: ``AGENTNET_LOAD_PLUGINS=``, which
    should run without them, still had them)."""
    return LOAD_PLUGINS_ENV in os.environ or any(
        name.startswith("OTEL_") and value for name, value in os.environ.items()
    )


def _daemon() -> dict[str, Any] | None:
    from agentnet.server.daemon import read_state

    if os.environ.get("AGENTNET_DAEMON") == "auto":  # may start one: the command tree's code does that
        from agentnet.cli.daemon_cmd import running_daemon

        return running_daemon()
    return read_state()


def stdin_is_piped() -> bool:
    """stdin is a pipe or a redirected file (never a terminal, nor /dev/null or another device)."""
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode) or stat.S_ISSOCK(mode)


def _stdin_is_terminal() -> bool:
    try:
        return os.isatty(sys.stdin.fileno())
    except (OSError, ValueError):
        return False


def _through(state: dict[str, Any], argv: list[str]) -> int | None:
    import base64
    import secrets

    from agentnet.server.daemon import REQUEST_LINE_BYTES, connect

    job = secrets.token_hex(8)
    # Never more than a request can carry (stdin goes as base64): `cat /dev/zero | agentnet run ...`
    # read whole never ended. More than that runs here, and reads the rest itself.
    data = _read_head(REQUEST_LINE_BYTES * 3 // 4 + 1) if stdin_is_piped() else None
    env = {**os.environ, **_terminal_size()}
    fields: dict[str, Any] = {
        "job": job,
        "argv": argv,
        "cwd": str(Path.cwd()),
        "env": env,
        "stdin": base64.b64encode(data).decode() if data is not None else None,
        "tty": [sys.stdout.isatty(), sys.stderr.isatty()],
        "wait": argv[0] not in NOT_QUEUED,
        "interactive": argv[0] == "chat",
    }
    # Longer than the daemon reads (a few MB piped in), the request was cut: the daemon closed the
    # connection, and this said "the agentnet daemon stopped before the command finished". Run here.
    too_long = len(json.dumps(fields)) + len(str(state.get("token", ""))) + 64 > REQUEST_LINE_BYTES
    conn = None if too_long else connect(state)
    if conn is None:  # nor is a daemon that does not answer a reason to fail
        if data is not None:
            _restore_stdin(data, rest=too_long)
        return None
    code = _converse(state, conn, fields)
    if code is None and data is not None:
        _restore_stdin(data)  # busy (a chat session holds the daemon): the command here reads it again
    return code


def _restore_stdin(data: bytes, *, rest: bool = False) -> None:
    """Piped stdin already read, put back on fd 0 (a regular file: commands read it as redirected input);
    with ``rest``, followed by what stdin still holds (a pipe fed by a thread: the command reads as
    much as it takes, nothing more is held here or written to disk)."""
    import tempfile

    if rest:
        _chain_stdin(data)
        return
    with tempfile.TemporaryFile() as copy:
        copy.write(data)
        copy.seek(0)
        os.dup2(copy.fileno(), 0)
    sys.stdin = open(0, encoding=sys.stdin.encoding, errors=sys.stdin.errors, closefd=False)  # noqa: SIM115


def _read_head(most: int) -> bytes:
    """Up to ``most`` bytes of stdin, read from fd 0 itself: a buffered read could take more from the
    pipe than it returns, and the rest would then miss those bytes."""
    chunks: list[bytes] = []
    size = 0
    while size < most and (chunk := os.read(0, min(most - size, 1 << 20))):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _chain_stdin(head: bytes) -> None:
    import contextlib
    import threading

    tail = os.dup(0)
    reader, writer = os.pipe()

    def feed() -> None:
        # Ends when stdin does, or when the command stops reading (its end closes: a broken pipe).
        with contextlib.suppress(OSError), os.fdopen(writer, "wb") as out, os.fdopen(tail, "rb") as source:
            out.write(head)
            while chunk := source.read(1 << 20):
                out.write(chunk)

    threading.Thread(target=feed, name="agentnet-stdin", daemon=True).start()
    os.dup2(reader, 0)
    os.close(reader)
    sys.stdin = open(0, encoding=sys.stdin.encoding, errors=sys.stdin.errors, closefd=False)  # noqa: SIM115


def _converse(state: dict[str, Any], conn: Any, fields: dict[str, Any]) -> int | None:
    """Send the command, relay its output (and for a chat, what is typed) until its exit code."""
    import signal

    from agentnet.server.daemon import request

    job = fields["job"]

    def terminated(signum: int, frame: Any) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        with conn, conn.makefile("rb") as lines:
            conn.settimeout(None)
            conn.sendall(json.dumps({"token": state["token"], "op": "cli", **fields}).encode() + b"\n")

            def started() -> None:
                import threading

                # Started with SIGINT and SIGTERM blocked (a thread inherits its creator's mask): POSIX may
                # hand a process's signal to any thread not blocking it, and only the main thread's wait
                # on the daemon is interrupted by one; taken by the reading thread, Ctrl-C at the prompt
                # would be noticed only at the daemon's next output.
                mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
                try:
                    threading.Thread(target=_forward_typing, args=(conn,), name="agentnet-typing", daemon=True).start()
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, mask)

            while True:
                try:
                    return _relay(lines, started)
                except KeyboardInterrupt as stop:
                    # The command stops as it would here (its run kept for resuming); its last words still come.
                    terminate = isinstance(stop, _Terminated)
                    next(iter(request(state, "interrupt", job=job, terminate=terminate)), None)
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Terminated(KeyboardInterrupt):
    """SIGTERM while the daemon runs the command: passed on, as the in-process command would get it."""


def _terminal_size() -> dict[str, str]:
    """This terminal's size as COLUMNS/LINES (unless set): the daemon has no terminal to measure, and
    Rich sizes its tables by the first of stdin, stdout and stderr that is one."""
    if "COLUMNS" in os.environ:
        return {}
    for fd in (0, 1, 2):
        try:
            size = os.get_terminal_size(fd)
        except OSError:
            continue
        return {"COLUMNS": str(size.columns), "LINES": str(size.lines)}
    return {}


def _forward_typing(conn: Any) -> None:
    """What is typed on this terminal, line by line as the terminal hands it over, to the daemon's chat;
    Ctrl-D (end of input) as ``eof``. Ends quietly when the connection does (the chat ended)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")  # a character split across reads
    try:
        while data := os.read(0, 4096):
            conn.sendall(json.dumps({"in": decoder.decode(data)}).encode() + b"\n")
        conn.sendall(b'{"eof": true}\n')
    except OSError:
        pass


def _relay(lines: Any, started: Any = None) -> int | None:
    from agentnet.server.daemon import DECLINED, error_of

    for line in lines:
        message = json.loads(line)
        if "out" in message:
            sys.stdout.write(message["out"])
            sys.stdout.flush()
        elif "err" in message:
            sys.stderr.write(message["err"])
            sys.stderr.flush()
        elif "exit" in message:
            return int(message["exit"])
        elif message.get("busy"):
            if message.get("plugins_changed"):
                DECLINED.append(True)  # this process's command runs without the daemon's warm models too
            return None  # the daemon runs another command (or has old plugins): this one runs here
        elif message.get("started") and started is not None:
            started()  # the chat is the daemon's now: what is typed goes there
        elif "error" in message:
            raise error_of(message["error"])
    raise RunError("the agentnet daemon stopped before the command finished", hint="run it again with --no-daemon")
