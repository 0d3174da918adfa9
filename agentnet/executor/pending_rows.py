"""A finished step's trace rows, held for a moment so they share the commit of the step's writes.

A step that succeeds writes its attempt and step rows; LangGraph then saves the step's writes
(``put_writes``) before anything else runs. Held here, the rows go into that same transaction (the
engine's saver takes them), so a step costs one commit less: the rows are durable exactly when
the writes that mark the step finished are, never apart from them. Whatever store write comes
next for the run (its next step's start, its status) takes any rows still held, and so does the
end of the run's execution, so nothing is ever left behind.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

Row = tuple[str, tuple[Any, ...]]
# Set while a saver writes a finished task's writes: the run's held rows, for the saver's cursor to
# execute in the same transaction.
HELD: ContextVar[list[Row] | None] = ContextVar("agentnet_held_rows", default=None)


class PendingRows:
    """Rows per run waiting for the next transaction that writes for that run."""

    def __init__(self) -> None:
        self._rows: dict[str, list[Row]] = {}
        self._lock = threading.Lock()

    def add(self, run_id: str, rows: list[Row]) -> None:
        with self._lock:
            self._rows.setdefault(run_id, []).extend(rows)

    def runs(self) -> list[str]:
        with self._lock:
            return list(self._rows)

    @contextmanager
    def taken(self, run_id: str) -> Iterator[list[Row]]:
        """The run's held rows, handed to one transaction; put back first in line if it fails. The
        transaction must commit inside this block, so a failed commit puts them back too."""
        with self._lock:
            rows = self._rows.pop(run_id, [])
        try:
            yield rows
        except BaseException:
            if rows:
                with self._lock:
                    self._rows[run_id] = rows + self._rows.get(run_id, [])
            raise


class WritesWithHeldRows:
    """A mixin for a LangGraph saver (first among its bases): ``put_writes`` takes the run's held
    rows and sets ``HELD`` for the saver's cursor, which executes them in the transaction of the
    writes. The saver class sets ``pending`` to its store's rows."""

    pending: PendingRows

    def put_writes(self, config: Any, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = "") -> None:
        with self.pending.taken(str(config["configurable"]["thread_id"])) as held:
            token = HELD.set(held)
            try:
                super().put_writes(config, writes, task_id, task_path)  # type: ignore[misc]
            finally:
                HELD.reset(token)
