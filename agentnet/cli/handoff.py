"""``ask``, ``plan`` and ``run`` handed to a running ``agentnet daemon`` (``server/daemon_cli.py``), as the Ollama CLI
hands work to ``ollama serve``: the daemon has the engines imported and the models loaded.

The command, working directory, environment, piped stdin and terminal go over; its stdout, stderr
and exit code come back, so the output is the in-process command's. With no daemon running (or
``--no-daemon``, or ``AGENTNET_NO_DAEMON=1``) the command runs in this process as before. Only what
finding the daemon needs is imported here: this runs before every command, before the command
tree is imported (cli/launch.py). An ``ask`` is handed over only when the daemon is idle: the daemon
runs one whole command at a time, and an ``ask`` beside a running ``run`` is served by the daemon's
``ask`` request instead (ask_cmd.py), not queued behind it.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from agentnet.errors import RunError

HANDED = ("ask", "plan", "run")


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
    state = _daemon()
    if state is None:
        return None
    return _through(state, argv)


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


def _through(state: dict[str, Any], argv: list[str]) -> int | None:
    import base64
    import secrets

    from agentnet.server.daemon import connect, request

    conn = connect(state)
    if conn is None:
        return None  # a daemon that does not answer is no reason to fail: run here
    job = secrets.token_hex(8)
    piped = base64.b64encode(sys.stdin.buffer.read()).decode() if stdin_is_piped() else None
    env = {**os.environ, **_terminal_size()}
    fields: dict[str, Any] = {
        "job": job,
        "argv": argv,
        "cwd": str(Path.cwd()),
        "env": env,
        "stdin": piped,
        "tty": [sys.stdout.isatty(), sys.stderr.isatty()],
        "wait": argv[0] != "ask",
    }
    import signal

    def terminated(signum: int, frame: Any) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        with conn, conn.makefile("rb") as lines:
            conn.settimeout(None)
            conn.sendall(json.dumps({"token": state["token"], "op": "cli", **fields}).encode() + b"\n")
            while True:
                try:
                    return _relay(lines)
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


def _relay(lines: Any) -> int | None:
    from agentnet.server.daemon import error_of

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
            return None  # the daemon runs another command: this one runs here
        elif "error" in message:
            raise error_of(message["error"])
    raise RunError("the agentnet daemon stopped before the command finished", hint="run it again with --no-daemon")
