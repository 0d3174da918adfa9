"""A run driven outside the main thread (the daemon runs handed-off commands in a thread) stops as a
signal stops an in-process one: its steps at the cancel flag, then the interrupt raised in the driving
thread itself. ``tests/cli/test_daemon.py`` does this end to end through a real daemon and SIGTERM."""

from __future__ import annotations

import threading
from collections.abc import Callable

from agentnet.errors import RunError
from agentnet.executor.control import Terminated, cancel_on_sigint, stop_run_in_thread


def drive_in_thread(body: Callable[[threading.Event], None]) -> tuple[threading.Thread, list[BaseException]]:
    """``body`` (the run's steps) inside ``cancel_on_sigint`` in a new thread, once it is under way."""
    cancel, started, raised = threading.Event(), threading.Event(), []

    def drive() -> None:
        try:
            with cancel_on_sigint(cancel):
                started.set()
                body(cancel)
        except BaseException as exc:  # noqa: BLE001 - the test reads what the driver would see
            raised.append(exc)

    thread = threading.Thread(target=drive)
    thread.start()
    assert started.wait(10)
    return thread, raised


def test_steps_stop_at_the_flag_and_their_error_becomes_the_interrupt() -> None:
    def step(cancel: threading.Event) -> None:
        assert cancel.wait(10), "the flag was never set"
        raise RunError("step s1 was cancelled", code="cancelled")  # what a cancelled step raises

    thread, raised = drive_in_thread(step)
    assert thread.ident is not None and stop_run_in_thread(thread.ident, Terminated)
    thread.join(10)
    assert len(raised) == 1 and type(raised[0]) is Terminated  # exit 143, as SIGTERM in-process
    assert not stop_run_in_thread(thread.ident)  # forgotten once the run stopped


def test_a_run_that_ends_as_it_is_stopped_still_raises_the_interrupt() -> None:
    def step(cancel: threading.Event) -> None:
        cancel.wait(10)  # and then returns: the run succeeded as the stop came

    thread, raised = drive_in_thread(step)
    assert thread.ident is not None and stop_run_in_thread(thread.ident)
    thread.join(10)
    assert len(raised) == 1 and type(raised[0]) is KeyboardInterrupt


def test_a_thread_that_drives_no_run_is_not_stopped_here() -> None:
    assert not stop_run_in_thread(threading.get_ident())
    thread, raised = drive_in_thread(lambda cancel: None)
    thread.join(10)
    assert raised == []  # never asked to stop: the run ends as it ends
