"""Plugin code's prints sent to stderr (``plugin_output_aside``): stdout is a command's answer or its
--json document, and a plugin that printed while imported, in a hook or in a function it registered
put its text before `agentnet models list --json`'s JSON and into `ask`'s answer. Only the threads
running plugin code are redirected; what other threads print goes where it went."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import Any


class _Aside:
    """``sys.stdout`` while plugin code runs: what the threads running it print goes to stderr, what
    other threads print goes where it went (stdout is a command's answer or its --json document)."""

    def __init__(self, stdout: Any) -> None:
        self.stdout = stdout
        self.threads: dict[int, int] = {}  # thread id -> how deep in plugin code it is

    def write(self, text: str) -> int:
        return (sys.stderr if threading.get_ident() in self.threads else self.stdout).write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stdout, name)


_aside_lock = threading.Lock()


def _enter_aside(thread: int) -> _Aside | None:
    """Count ``thread`` in the ``_Aside`` on sys.stdout, putting one there first (None: no streams)."""
    with _aside_lock:
        current: Any = sys.stdout
        if isinstance(current, _Aside):
            aside = current
        elif current is None or sys.stderr is None:
            return None
        else:
            aside = _Aside(current)
            sys.stdout = aside
        aside.threads[thread] = aside.threads.get(thread, 0) + 1
        return aside


def _leave_aside(aside: _Aside, thread: int) -> None:
    """Uncount ``thread``; the last thread out puts the real stdout back."""
    with _aside_lock:
        aside.threads[thread] -= 1
        if not aside.threads[thread]:
            del aside.threads[thread]
        if not aside.threads and sys.stdout is aside:
            sys.stdout = aside.stdout


@contextlib.contextmanager
def plugin_output_aside() -> Iterator[None]:
    """Run plugin code (its import, a hook, a function it registered) with its prints sent to stderr: a
    plugin that printed put its text before `agentnet models list --json`'s JSON and into `ask`'s answer."""
    thread = threading.get_ident()
    aside = _enter_aside(thread)
    try:
        yield
    finally:
        if aside is not None:
            _leave_aside(aside, thread)
