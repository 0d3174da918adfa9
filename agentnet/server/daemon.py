"""``agentnet daemon``: a warm background process that keeps models loaded for the CLI.

Like ``ollama serve`` for the ``ollama`` CLI: ``agentnet ask`` hands its request to a running daemon
over loopback instead of loading the model again, so repeated calls pay the model load once; ``plan``,
``run`` and ``chat`` hand over the whole command (``daemon_cli.py``), imports and models already warm.

Protocol: one TCP connection on 127.0.0.1 per request, JSON lines. The client sends
``{"token", "op", ...}``; the daemon answers ``ask`` with ``{"text": piece}`` lines then
``{"reply": {...}}``, ``cli`` with ``{"out": text}`` / ``{"err": text}`` lines then ``{"exit": code}``
(or ``{"busy": true}``), or ``{"error": {...}}``; an interactive ``cli`` (``chat``) also gets
``{"started": true}`` and then reads ``{"in": text}`` / ``{"eof": true}`` lines from its caller.
The port and a random token are in ``$AGENTNET_HOME/daemon.json`` (mode 0600): only processes that
can read the user's agentnet home can use the daemon.

The daemon answers with the environment it was started with (keys, ``AGENTNET_HOME``); the config is
the client's (its ``--config`` or ``./agentnet.yaml``, sent as a path). It exits on SIGTERM/SIGINT or
after ``idle_s`` without a request, and removes ``daemon.json`` on the way out.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from agentnet.errors import AgentnetError, RunError
from agentnet.home import home_path

STATE_FILE = "daemon.json"
TYPING_GRACE_S = 5.0
REQUEST_LINE_S = 10.0
# The longest request line read (a command with its environment and piped stdin, base64): a client with
# more runs the command itself (cli/handoff.py), since a cut line is no request.
REQUEST_LINE_BYTES = 1 << 22
DEFAULT_IDLE_S = 1800.0
# How long a stopping daemon waits for the commands it stopped to save their runs and answer their callers.
STOP_WAIT_S = 10.0
_serving = threading.Event()  # set in the daemon's own process: its commands never hand work to it


def serving_here() -> bool:
    return _serving.is_set()


def state_path() -> Path:
    return home_path(STATE_FILE)


def read_state() -> dict[str, Any] | None:
    """The running daemon's pid, port and token, or None (no file, or a daemon that is gone)."""
    try:
        state = json.loads(state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or not _alive(int(state.get("pid", 0))):
        return None
    # A daemon killed without cleaning up (kill -9, a reboot) leaves its pid, which another process may
    # have taken since: that one is not the daemon, and `daemon stop` must not signal it.
    recorded = state.get("proc_start")
    if recorded is not None and process_start(int(state["pid"])) not in (None, recorded):
        return None
    return state


def process_start(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks since boot, /proc/PID/stat field 22); None where there
    is no /proc (then a pid is trusted as before) or no such process."""
    try:
        return int(_stat(pid)[19])
    except (OSError, IndexError, ValueError):
        return None


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat's fields from the third (the state) on; OSError where there is none."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    # The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.rsplit(")", 1)[1].split()


def exited(pid: int, started: int | None) -> bool:
    """Whether the daemon that was ``pid`` (started at ``started``, ``process_start``) has exited: no such
    process, a zombie its parent has not reaped yet (a container without an init reaps none), or
    another process that took the pid since."""
    if not _alive(pid):
        return True
    try:
        fields = _stat(pid)
    except OSError:
        return False  # no /proc: the pid is trusted, as read_state does
    return fields[0] == "Z" or (started is not None and process_start(pid) != started)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- the daemon ------------------------------------------------------------------------------


class _Handler(socketserver.StreamRequestHandler):
    server: Daemon
    typed_lines: threading.Thread | None = None  # a chat's: reads what its caller types

    def setup(self) -> None:
        super().setup()
        # This connection's own: a caller that stops reading stalls its own output, never another's.
        self.send_lock = threading.Lock()

    def handle(self) -> None:
        # The request line comes at once (the client sends it on connecting); a connection that sends
        # none, or half of one, is closed after REQUEST_LINE_S. Each held a thread for good: 600 silent
        # connections, which anyone on the machine may open without the token, made 600 threads.
        self.connection.settimeout(REQUEST_LINE_S)
        try:
            request = json.loads(self.rfile.readline(REQUEST_LINE_BYTES) or b"{}")
        except (ValueError, OSError):
            return
        self.connection.settimeout(None)  # then a command may run, and a chat wait for its caller, for long
        if not isinstance(request, dict) or not secrets.compare_digest(
            str(request.get("token", "")), self.server.token
        ):
            self._send({"error": {"code": "daemon_refused", "message": "wrong daemon token", "type": "RunError"}})
            return
        self.server.touch()
        try:
            with self.server.busy():
                self._serve(request)
        except AgentnetError as exc:
            self._send({"error": exc.to_dict()})
        except Exception as exc:  # noqa: BLE001 - the client shows it; the daemon keeps serving
            self._send({"error": RunError(f"the daemon failed: {type(exc).__name__}: {exc}").to_dict()})
        finally:
            self.server.touch()

    def _serve(self, request: dict[str, Any]) -> None:
        if request.get("op") == "status":
            self._send({"status": self.server.status()})
        elif request.get("op") == "ask":
            self._ask(request)
        elif request.get("op") == "cli":
            self._cli(request)
        elif request.get("op") == "interrupt":
            from agentnet.server.daemon_cli import interrupt

            self._send({"interrupted": interrupt(str(request.get("job")), bool(request.get("terminate")))})
        else:
            self._send({"error": {"code": "daemon_op", "message": f"unknown op {request.get('op')!r}"}})

    def _ask(self, request: dict[str, Any]) -> None:
        from agentnet.federation.peers import attach_peer_of
        from agentnet.nodes.registry import NodeRegistry

        if _plugins_changed():
            raise RunError(
                "the agentnet daemon loaded other plugins than are installed now",
                hint="restart it (`agentnet daemon stop`, then `agentnet daemon start`), or `agentnet ask --no-daemon`",
                code="daemon_plugins_changed",
            )

        config = request.get("config")
        registry = NodeRegistry.from_files(Path(config) if config else None)
        attach_peer_of(registry, request.get("model"))
        node = registry.node(request.get("model"))
        stream = node.stream_text(request["messages"], **(request.get("options") or {}))
        for piece in stream:
            self._send({"text": piece})
        reply = stream.reply
        self.server.served += 1
        dumped = reply.model_dump(mode="json", exclude={"files", "data"}) if reply is not None else None
        self._send({"reply": dumped})

    def _cli(self, request: dict[str, Any]) -> None:
        from agentnet.server.daemon_cli import TypedStdin, run_command

        if self.server.runner is None:
            raise RunError("this daemon runs no CLI commands", hint="run the command with --no-daemon")
        if _plugins_changed():
            # It would answer with the plugins it loaded: `ask -m NEW-PLUGIN-NODE` was "no model or tool is
            # registered", which `models list` (run here) contradicted. The caller runs it, without a daemon.
            self._send({"err": PLUGINS_CHANGED})
            self._send({"busy": True, "plugins_changed": True})
            return
        typed = None
        if request.get("interactive"):  # `chat`: what its caller types comes on this connection
            typed = TypedStdin()
            # Not named agentnet-*: chat waits for those (model workers) before it returns.
            self.typed_lines = threading.Thread(
                target=typed.feed_from, args=(self.rfile,), name="daemon-typed", daemon=True
            )
            self.typed_lines.start()
        code = run_command(request, self._send, self.server.runner, typed)
        if code is None:
            self._send({"busy": True})
            return
        self.server.served += 1
        with contextlib.suppress(OSError):  # a caller that went away (killed, terminal closed) hears nothing
            self._send({"exit": code})

    def finish(self) -> None:
        typing = self.typed_lines
        if typing is not None:
            # The caller closes the connection once it has the exit code; until then its last keystrokes
            # are read, never left unread (closing on unread bytes resets the connection, and the caller
            # could lose the exit code). One that does not close is cut off.
            typing.join(TYPING_GRACE_S)
            if typing.is_alive():
                with contextlib.suppress(OSError):
                    self.request.shutdown(socket.SHUT_RDWR)
        super().finish()

    def _send(self, message: dict[str, Any]) -> None:
        # A handed-off command writes from several threads (its steps' progress): one line at a time.
        with self.send_lock:
            self.wfile.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
            self.wfile.flush()


# The client's: holds True once the daemon turned this process's command down for having loaded other
# plugins than are installed now (`ask`, run here, then asked it for its warm model: its old plugins answered).
DECLINED: list[bool] = []
PLUGINS_CHANGED = (
    "agentnet daemon: the installed plugins changed since it loaded them, so this command runs here; "
    "restart the daemon to use them there (`agentnet daemon stop`, then `agentnet daemon start`)\n"
)


def _plugins_changed() -> bool:
    from agentnet.plugins.manager import plugins_changed

    return plugins_changed()


class Daemon(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, idle_s: float = DEFAULT_IDLE_S, runner: Callable[[], None] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.token = secrets.token_hex(16)
        self.idle_s = idle_s
        self.started = time.time()
        self.last = time.monotonic()
        self.served = 0
        # Runs the CLI on sys.argv (given by `agentnet daemon run`: the server does not import the CLI).
        self.runner = runner
        self._commands = 0  # requests being handled (a CLI command's, an ask's...)
        self._commands_done = threading.Condition()

    def touch(self) -> None:
        self.last = time.monotonic()

    def idle_for(self) -> float:
        """Seconds since the last request ended; 0 while one is served (a run longer than the idle
        timeout was stopped under its caller by the daemon's idle exit)."""
        with self._commands_done:
            return 0.0 if self._commands else time.monotonic() - self.last

    @contextlib.contextmanager
    def busy(self) -> Iterator[None]:
        """Around a request's handling, a command's exit code sent included (``stop_commands`` waits for it)."""
        with self._commands_done:
            self._commands += 1
        try:
            yield
        finally:
            with self._commands_done:
                self.last = time.monotonic()  # idle from now, not from when the request came
                self._commands -= 1
                self._commands_done.notify_all()

    def stop_commands(self, wait_s: float = STOP_WAIT_S) -> None:
        """Stop the commands running here (``daemon_cli.stop_all``) and wait until their callers have their
        exit codes, ``wait_s`` at most."""
        from agentnet.server.daemon_cli import stop_all

        stop_all()
        with self._commands_done:
            self._commands_done.wait_for(lambda: self._commands == 0, timeout=wait_s)

    def status(self) -> dict[str, Any]:
        from agentnet.nodes.pool import shared_pool

        return {
            "pid": os.getpid(),
            "port": self.server_address[1],
            "uptime_s": round(time.time() - self.started, 1),
            "served": self.served,
            "loaded": [Path(model.key.path).name for model in shared_pool().loaded()],
        }

    def publish(self) -> None:
        """Write daemon.json (0600) once the socket listens, so clients find a working daemon."""
        state = {"pid": os.getpid(), "port": self.server_address[1], "token": self.token, "started": self.started,
                 "proc_start": process_start(os.getpid())}  # fmt: skip
        path = state_path()
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(state, out)
        partial.replace(path)

    def unpublish(self) -> None:
        """Remove daemon.json if it is still this daemon's."""
        path = state_path()
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()
        except (OSError, ValueError):
            pass


def run_daemon(idle_s: float = DEFAULT_IDLE_S, runner: Callable[[], None] | None = None) -> None:
    """Serve until SIGTERM/SIGINT or ``idle_s`` seconds without a request; clean up on the way out."""
    # Its working directory is the agentnet home: a client's ./agentnet.yaml arrives as a path.
    os.chdir(home_path())
    server = Daemon(idle_s, runner)
    _serving.set()
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    serving.start()
    server.publish()
    try:
        while not stop.wait(1.0):
            if idle_s > 0 and server.idle_for() > idle_s:
                break
    finally:
        server.unpublish()
        server.stop_commands()
        server.shutdown()
        server.server_close()
        serving.join(timeout=10)


# --- the client ------------------------------------------------------------------------------


def connect(state: dict[str, Any], timeout_s: float = 5.0) -> socket.socket | None:
    """A connection to the daemon ``state`` describes, or None when it does not answer."""
    try:
        return socket.create_connection(("127.0.0.1", int(state["port"])), timeout=timeout_s)
    except OSError:
        return None


def request(state: dict[str, Any], op: str, **fields: Any) -> Any:
    """Send one request; yields the daemon's messages (dicts) as they arrive. Raises the daemon's errors."""
    conn = connect(state)
    if conn is None:
        raise RunError(
            f"the agentnet daemon (pid {state.get('pid')}) does not answer on port {state.get('port')}",
            hint="`agentnet daemon stop`, then `agentnet daemon start`",
            code="daemon_unreachable",
        )
    with conn, conn.makefile("rb") as lines:
        conn.settimeout(None)
        conn.sendall(json.dumps({"token": state["token"], "op": op, **fields}).encode() + b"\n")
        for line in lines:
            message = json.loads(line)
            if "error" in message:
                raise error_of(message["error"])
            yield message


def error_of(data: dict[str, Any]) -> AgentnetError:
    from agentnet import errors

    kind = getattr(errors, str(data.get("type")), None)
    cls = kind if isinstance(kind, type) and issubclass(kind, AgentnetError) else RunError
    return cls(str(data.get("message")), hint=data.get("hint"), code=data.get("code"))
