"""`agentnet mcp serve` over stdio stopped by SIGTERM (a host or a service manager ending it, `kill`).

It died at once, with no log line: a run in flight stayed ``running`` until its lease ran out, and the
host got no answer for it. Now the first SIGTERM is logged and a thread of its own stops the runs
(saved ``interrupted``, one line each on how to resume them), waits for the calls in progress to
return their answers (``mcp_turns.py``), closes the network (its MCP servers stopped, the run database
closed; not while a call given up on still holds it), runs the exit handlers and ends the process
with status 0. A second signal ends it at once (128 + its number).
Ctrl-C (SIGINT) stops it the same way: it waited for the host to close stdin.

Why a thread, and why ``os._exit``: the event loop must keep running while the runs stop, since a
run's progress reports and its answer go out through it (waiting in the signal handler would hold
them: a deadlock); and the SDK's stdin reader is blocked in a read of the host's pipe that no signal
interrupts, and a normal interpreter exit waits for that thread until the host closes stdin.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from agentnet.server.shutdown import (
    STOP_WAIT_S,
    CallsInFlight,
    exit_now,
    install_handler,
    mcp_resume,
    stop_runs_now,
)

log = logging.getLogger("agentnet.mcp_serve")

# After the last call returned, how long its answer has to be written to the host (a line on a pipe).
ANSWER_GRACE_S = 0.3
# Once the calls answered, how long the stop waits for the network's turn (held only by a call given up on).
TURN_WAIT_S = 1.0


def exit_on_sigterm(network: Any, turn: threading.Lock, calls: CallsInFlight | None = None) -> Callable[[], None]:
    """From now on SIGTERM stops ``network``'s runs, the tool ``calls`` (``mcp_turns.py``) and the process,
    as above; ``turn`` is the lock the server's calls take turns with, waited for when there are no
    ``calls`` to wait for. Returns the undo. Signals reach only the main thread: elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous: dict[int, Any] = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    stopping = threading.Event()

    def handler(signum: int, frame: Any) -> None:
        if stopping.is_set():  # asked twice: no more waiting
            os._exit(128 + signum)
        stopping.set()
        name = signal.Signals(signum).name
        log.warning("agentnet mcp serve got %s: stopping (runs in flight are saved interrupted)", name)
        threading.Thread(
            target=_stop_and_exit, args=(network, turn, calls), name="agentnet-sigterm", daemon=True
        ).start()

    return install_handler(handler, previous)


def _stop_and_exit(network: Any, turn: threading.Lock, calls: CallsInFlight | None) -> None:
    status = 0
    try:
        if calls is not None:  # an ask in flight ends at once, answered that the server stops
            calls.stop()
        stop_runs_now(network, resume=mcp_resume)
        # The stopped calls answered; none starts after (each is refused once the calls are stopped).
        if calls is not None and calls.ended(STOP_WAIT_S):
            time.sleep(ANSWER_GRACE_S)
        # A plan or a directory search given up on (mcp_turns.py) keeps the turn, and the network busy,
        # until it ends by itself (a planner model's deadline: a minute): closing the network waited
        # for it. The exit handlers still stop the MCP servers the network uses.
        if turn.acquire(timeout=TURN_WAIT_S if calls is not None else STOP_WAIT_S):
            network.close()
        else:
            log.warning("a call that cannot be stopped (a plan, a directory search) is still running: not waited for")
    except BaseException:  # the process ends all the same; the log says why not cleanly
        log.exception("agentnet mcp serve did not stop cleanly")
        status = 1
    log.warning("agentnet mcp serve stopped")
    exit_now(status)  # the exit handlers first: the MCP hub's close, telemetry's last export
