"""``agentnet daemon start|stop|status``: keep models loaded between CLI calls (``agentnet/server/daemon.py``).

``ask`` sends its request to a running daemon, ``plan``, ``run`` and ``chat`` the whole command (``handoff.py``);
``--no-daemon`` opts out. With ``AGENTNET_DAEMON=auto`` the first of them starts one.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agentnet.cli.help_group import HelpGroup
from agentnet.errors import RunError
from agentnet.wording import plural

if TYPE_CHECKING:
    from agentnet.nodes.calls import Reply

daemon_app = typer.Typer(
    cls=HelpGroup,
    help="A warm background process that keeps models loaded for `ask`, `plan`, `run` and `chat`.",
    no_args_is_help=True,
)
START_TIMEOUT_S = 60.0
# The daemon's own stop waits up to 10 s for its commands and 10 s for its server thread (daemon.py).
STOP_TIMEOUT_S = 30.0


def register(app: typer.Typer) -> None:
    app.add_typer(daemon_app, name="daemon")


def running_daemon() -> dict[str, Any] | None:
    """The running daemon's state, starting one first when ``AGENTNET_DAEMON=auto``; else None."""
    from agentnet.server.daemon import DECLINED, read_state, serving_here

    if serving_here() or DECLINED:  # an `ask` handed over answers in the daemon; one it declined, here
        return None
    state = read_state()
    if state is None and os.environ.get("AGENTNET_DAEMON") == "auto":
        state = _start(idle_s=None)
    return state


def config_file(explicit: Path | None) -> str | None:
    """The project config this process would read, as an absolute path for the daemon."""
    from agentnet.home import PROJECT_CONFIG_NAME

    path = explicit if explicit is not None else Path.cwd() / PROJECT_CONFIG_NAME
    return str(path.resolve()) if path.is_file() or explicit is not None else None


def ask_daemon(
    state: dict[str, Any],
    config: str | None,
    model: str | None,
    messages: list[dict[str, str]],
    options: dict[str, Any],
) -> tuple[Iterator[str], Callable[[], Reply | None]]:
    """The answer's pieces as the daemon streams them, and its measured reply once they are read."""
    from agentnet.nodes.calls import Reply
    from agentnet.server.daemon import request

    final: list[Reply] = []

    def pieces() -> Iterator[str]:
        for message in request(state, "ask", config=config, model=model, messages=messages, options=options):
            if "text" in message:
                yield message["text"]
            elif message.get("reply") is not None:
                final.append(Reply.model_validate(message["reply"]))

    return pieces(), lambda: final[0] if final else None


def _start(idle_s: float | None) -> dict[str, Any]:
    """Start the daemon in the background and wait until it answers; its state."""
    from agentnet.home import home_path
    from agentnet.server.daemon import read_state

    args = [sys.executable, "-m", "agentnet.cli.app", "daemon", "run"]
    if idle_s is not None:
        args += ["--idle-timeout", str(idle_s)]
    log = str(home_path("daemon.log"))
    # Spawned in its own session, outliving this command; no Popen object, which would warn that
    # the child still runs when this process lets go of it.
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    pid = os.posix_spawn(sys.executable, args, dict(os.environ), file_actions=actions, setsid=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        state = read_state()
        if state is not None and state.get("pid") == pid:
            return state
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            break
        time.sleep(0.05)
    raise RunError(
        "the agentnet daemon did not start",
        hint=f"see {home_path('daemon.log')}; `agentnet daemon run` runs it in the foreground",
        code="daemon_start_failed",
    )


@daemon_app.command("start")
def start(
    idle_timeout: Annotated[
        float, typer.Option("--idle-timeout", help="Exit after this many seconds without a request (0: never).", min=0)
    ] = 1800.0,
) -> None:
    """Start the daemon in the background (`ask`, `plan`, `run` and `chat` then use it); nothing happens if one runs."""
    from agentnet.server.daemon import read_state

    state = read_state()
    if state is not None:
        typer.echo(f"agentnet daemon already running (pid {state['pid']}, port {state['port']})")
        return
    state = _start(idle_timeout)
    typer.echo(f"agentnet daemon started (pid {state['pid']}, port {state['port']})")


@daemon_app.command("run", hidden=True)
def run(
    ctx: typer.Context,
    idle_timeout: Annotated[float, typer.Option("--idle-timeout", min=0)] = 1800.0,
) -> None:
    """Run the daemon in the foreground (what `daemon start` runs in the background)."""
    from agentnet.cli.entry import run_guarded
    from agentnet.server.daemon import read_state, run_daemon

    state = read_state()
    if state is not None:
        raise RunError(f"an agentnet daemon already runs (pid {state['pid']})", hint="`agentnet daemon stop` first")
    # The command tree this process was started with runs the commands handed over (`plan`, `run`).
    tree = ctx.find_root().command

    def runner() -> None:
        run_guarded(lambda: tree.main(args=sys.argv[1:], prog_name="agentnet"))

    run_daemon(idle_timeout, runner)


@daemon_app.command("stop")
def stop() -> None:
    """Stop the daemon (SIGTERM): a run it executes for a command is saved interrupted and that command exits
    143 naming it (continue it with `agentnet run --resume ID`); then the daemon unloads its models and
    removes its state file."""
    import signal

    from agentnet.server.daemon import exited, read_state

    state = read_state()
    if state is None:
        typer.echo("no agentnet daemon is running")
        return
    pid = int(state["pid"])
    os.kill(pid, signal.SIGTERM)
    # Its state file goes first (no command is handed to a stopping daemon), the process once its commands
    # in flight are stopped and saved: "stopped" was said in between, and a `daemon start` right after ran
    # a second daemon beside it.
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline and not exited(pid, state.get("proc_start")):
        time.sleep(0.05)
    if not exited(pid, state.get("proc_start")):
        raise RunError(f"the agentnet daemon (pid {pid}) did not stop", hint=f"kill {pid}", code="daemon_stop_failed")
    typer.echo(f"agentnet daemon stopped (pid {pid})")


@daemon_app.command("status")
def status(as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False) -> None:
    """Whether the daemon runs: pid, port, uptime, requests served, models loaded (exit 1 if not running)."""
    from agentnet.server.daemon import read_state, request

    state = read_state()
    found = next(iter(request(state, "status")))["status"] if state is not None else None
    if as_json:
        typer.echo(json.dumps({"running": found is not None, **(found or {})}))
    elif found is None:
        typer.echo("no agentnet daemon is running (`agentnet daemon start`)")
    else:
        loaded = ", ".join(found["loaded"]) or "none yet"
        typer.echo(
            f"agentnet daemon running: pid {found['pid']}, port {found['port']}, up {found['uptime_s']:.0f} s,"
            f" {plural(found['served'], 'request')} served, models loaded: {loaded}"
        )
    if found is None:
        raise typer.Exit(1)
