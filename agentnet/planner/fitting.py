"""When plan memory is fitted: now, on the planning thread, or off it in the background.

A fit of a few hundred solved tasks takes a minute (``planner.learning``). A command that plans once
(``agentnet plan``, ``run``) waits for it (``wait=True``): it has nothing else to do, and keeps the fit for
the next command. A long-running process (``agentnet serve``, the daemon, chat) never makes a plan wait
(``wait=False``): it plans with the kept fit even when memory changed since (memory grew by a tenth at
most, or that fit would have been redone), or zero-shot while there is none or tasks were forgotten since
(forgetting restores the zero-shot planner for what was forgotten), says so in the plan's notes, and
fits in a background thread; the plans after it read the new fit from memory's file.

One fit at a time per memory file and directory: a background fit is not started again while one runs,
and a plan that waits waits for the running one first and then reads its fit, not fitting it twice; so
does a process that finds another process fitting it (``planner.fitlock``: a lock file beside memory's). A
background fit that fails is logged, without keys, and the previous fit stays in use; it is not retried
until memory changes (it would fail again, a minute each time), and the plans' notes say so. Its thread is a
daemon thread, stopped when the process exits (``stop_fits``, at exit): a fit cut short writes nothing
(it is written whole, once done).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard
from agentnet.planner import fitlock, learning
from agentnet.planner.memory import PlanMemory, forgotten, stale
from agentnet.planner.similarity import Scorer
from agentnet.planner.tuning import PlannerTuning, Trust
from agentnet.redact import redact_text

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger("agentnet.planner")
# Not agentnet-*: chat waits for those (model calls) before it exits; a fit is not worth waiting for.
THREAD_NAME = "planner-fit"

_GUARD = threading.Lock()
_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_RUNNING: dict[tuple[str, str], threading.Thread] = {}
_FAILED: dict[tuple[str, str], str] = {}  # the memory version a background fit failed at
_STOP = threading.Event()
_AT_EXIT: list[bool] = []


@dataclass
class Fitted:
    """The trust a plan uses (None: no memory), and a note when it is not memory's current fit."""

    trust: Trust | None
    note: str | None = None


def fitted(
    memory: PlanMemory,
    scorer: Scorer,
    cards: list[CapabilityCard],
    settings: PlannerTuning,
    *,
    wait: bool = True,
    on_fit: Callable[[int], None] | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Fitted:
    """Memory's fit for this directory: refitted now when it is stale (``wait``), else the kept one (or
    zero-shot's) while a background thread refits it. ``on_fit`` hears the count of a fit about to run,
    ``on_wait`` the pid of another process whose fit this one waits for (``planner.fitlock``)."""
    if wait:
        current = _current(memory, cards)
        if current is not None:  # nothing to fit: no lock taken, no lock file written
            return Fitted(current)
        key = _key(memory, cards)
        with _lock(key), _across_processes(memory, key, on_wait):
            return Fitted(learning.trust_for(memory, scorer, cards, settings, on_fit))
    version = memory.version()
    kept = learning.kept(memory, cards)
    if kept is not None and not stale(kept[0], version):
        return Fitted(kept[1])
    if version.startswith("0:"):
        return Fitted(Trust())
    count = learning.fit_size(memory, cards)
    if count < learning.MIN_EXAMPLES:  # too few to cross-validate: such a fit takes no time
        return Fitted(learning.trust_for(memory, scorer, cards, settings))
    running = start(memory, cards, settings, version)
    if kept is not None and not forgotten(kept[0], version):
        trust = kept[1]
        refit = f"a refit on {count} is running" if running else f"refitting it on {count} failed ({_RETRIED})"
        return Fitted(trust, f"planned with memory's fit of {trust.examples} solved tasks; {refit}")
    if running:
        return Fitted(Trust(), f"zero-shot: the planner is still fitting memory ({count} solved tasks)")
    return Fitted(Trust(), f"zero-shot: fitting memory ({count} solved tasks) failed ({_RETRIED})")


_RETRIED = "see the log; retried when memory changes"


def start(memory: PlanMemory, cards: list[CapabilityCard], settings: PlannerTuning, version: str) -> bool:
    """Refit memory (at ``version``) for this directory in a background thread, unless one is running;
    True when one runs. Not again at a version whose fit failed: it would fail again, a minute each time."""
    key = _key(memory, cards)
    with _GUARD:
        if key in _RUNNING:
            return True
        if _STOP.is_set() or _FAILED.get(key) == version:
            return False
        if not _AT_EXIT:
            atexit.register(stop_fits)
            _AT_EXIT.append(True)
        thread = threading.Thread(target=_refit, args=(key, memory, cards, settings, version), name=THREAD_NAME,
                                  daemon=True)  # fmt: skip
        _RUNNING[key] = thread
    thread.start()
    return True


def wait_for_fits(timeout_s: float | None = None) -> bool:
    """Wait for the background fits running now; True when none is left."""
    with _GUARD:
        running = list(_RUNNING.values())
    for thread in running:
        thread.join(timeout_s)
    return not any(thread.is_alive() for thread in running)


def stop_fits(timeout_s: float = 5.0) -> bool:
    """Stop the background fits at their next embedding and wait for them (at most ``timeout_s``); no
    fit starts after. Run at exit: a daemon thread inside onnxruntime when the interpreter finalises
    aborts the process ("terminate called without an active exception"). True when none is left."""
    _STOP.set()
    return wait_for_fits(timeout_s)


class _Stopped(Exception):
    """The process is ending: a background fit stops."""


def _go_on() -> None:
    if _STOP.is_set():
        raise _Stopped


class _StoppableScorer(Scorer):
    """The scorer of a background fit: it stops before each embedding once the process is ending."""

    def components(
        self, parts: list[str], cards: list[CapabilityCard], exclude: int | None = None
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        _go_on()
        return super().components(parts, cards, exclude)


class _StoppableMemory(PlanMemory):
    """Memory's file as a background fit reads it: it stops before each embedding once the process is ending."""

    def similar(self, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        _go_on()
        return super().similar(*args, **kwargs)


def _refit(
    key: tuple[str, str], memory: PlanMemory, cards: list[CapabilityCard], settings: PlannerTuning, version: str
) -> None:
    own: PlanMemory | None = None
    try:
        # Its own connection to memory's file: the planner that asked closes its own when it is done (a
        # server's after each request). A memory held in this process only has no file to reopen.
        own = memory if memory.path == ":memory:" else _StoppableMemory(memory.path, memory.max_tasks)
        fitted(own, _StoppableScorer(settings, own), cards, settings, wait=True)
        _FAILED.pop(key, None)
    except _Stopped:
        log.debug("fitting plan memory %s stopped: the process is ending", memory.path)
    except Exception as exc:  # noqa: BLE001 - a background fit has no caller to raise to; the kept fit stays in use
        _FAILED[key] = version
        log.warning(
            "fitting plan memory %s for directory %s failed; plans keep the previous fit: %s: %s",
            memory.path, key[1], type(exc).__name__, redact_text(str(exc))[:500],
        )  # fmt: skip
    finally:
        if own is not None and own is not memory:
            own.close()
        with _GUARD:
            _RUNNING.pop(key, None)


def _key(memory: PlanMemory, cards: list[CapabilityCard]) -> tuple[str, str]:
    # Memories held in this process only are each their own.
    path = f":memory:{id(memory)}" if memory.path == ":memory:" else memory.path
    return path, learning.fingerprint(cards)


def _current(memory: PlanMemory, cards: list[CapabilityCard]) -> Trust | None:
    """Memory's kept fit for this directory when it is current (zero-shot's for no memory), else None:
    ``learning.trust_for``'s answer when it has nothing to fit."""
    version = memory.version()
    if version.startswith("0:"):
        return Trust()
    kept = learning.kept(memory, cards)
    return kept[1] if kept is not None and not stale(kept[0], version) else None


def _across_processes(
    memory: PlanMemory, key: tuple[str, str], on_wait: Callable[[str], None] | None
) -> contextlib.AbstractContextManager[None]:
    # Memories held in this process only have no file another process could fit.
    if memory.path == ":memory:":
        return contextlib.nullcontext()
    return fitlock.held(memory.path, key[1], _go_on, on_wait)


def _lock(key: tuple[str, str]) -> threading.Lock:
    with _GUARD:
        return _LOCKS.setdefault(key, threading.Lock())
