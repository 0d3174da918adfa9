"""An installed plugin's hook, called with a bounded wait: a hook that never returns (waiting for the
network, a lock, input on a terminal) held every command that loads plugins, named after 2 s but never
let go. The hook runs in a thread of its own; after ``hook_wait_s()`` agentnet goes on without it and
reports it, and what it registered is dropped (the thread is a daemon: it ends with the process).
A hook given up on may still return later: what it registers then is ignored (``given_up()`` tells
code a hook can reach, such as the server's route list, that it runs for one), and its return is
reported once. A plugin's route added late went into the running server.

Imports are not bounded: a module still importing in an abandoned thread holds its import lock, so
the next ``import`` of it (the plugin's own hooks, another plugin, the exit's clean-up) would hang on
it in its turn; and a module importing in a thread cannot install signal handlers. A slow import is
named while agentnet waits for it (``manager.SLOW_IMPORT_S``) and reported after.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable
from typing import Any

HOOK_WAIT_ENV = "AGENTNET_PLUGIN_HOOK_WAIT_S"
HOOK_WAIT_S = 60.0


class HookHung(Exception):
    """The hook did not return within the wait (its thread goes on until the process exits)."""


def hook_wait_s() -> float:
    """How long a hook of an installed plugin may take: ``AGENTNET_PLUGIN_HOOK_WAIT_S`` (read when a hook
    is called; a value that is no positive number is ignored), else 60 s."""
    try:
        wait = float(os.environ.get(HOOK_WAIT_ENV, ""))
    except ValueError:
        return HOOK_WAIT_S
    return wait if wait > 0 else HOOK_WAIT_S


# The threads of hooks agentnet gave up on (weak: one that ended and is no longer referenced goes).
_given_up: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
_given_up_lock = threading.Lock()


def given_up(thread: threading.Thread | None = None) -> bool:
    """Whether ``thread`` (by default the calling one) runs a hook agentnet gave up on: what it adds
    now is to be ignored."""
    return (thread or threading.current_thread()) in _given_up


def call_bounded(
    call: Callable[[], Any],
    wait_s: float,
    name: str,
    aside: Callable[[], Any],
    late: Callable[[], None] = lambda: None,
) -> Any:
    """``call()`` in a daemon thread (under the context manager ``aside()`` makes there), its result or its
    exception (``SystemExit`` too, as the hook raised it); ``HookHung`` after ``wait_s``, and then
    ``late()`` once the call ends, if it does. Ctrl-C while waiting stops the wait at once."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            with aside():
                box["value"] = call()
        except BaseException as exc:  # noqa: BLE001 — handed to the waiting thread, which decides
            box["error"] = exc
        finally:
            with _given_up_lock:
                box["done"] = True
                was_given_up = given_up()
        if was_given_up:
            late()

    thread = threading.Thread(target=run, name=f"agentnet-plugin-{name}", daemon=True)
    thread.start()
    thread.join(wait_s)
    with _given_up_lock:
        hung = "done" not in box
        if hung:
            _given_up.add(thread)
    if hung:
        raise HookHung(
            f"did not return within {wait_s:g} s ({HOOK_WAIT_ENV} sets the wait); agentnet goes on without "
            "what it registers, and its thread runs on until agentnet exits"
        )
    if "error" in box:
        raise box["error"]
    return box.get("value")
