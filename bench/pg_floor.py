"""The PostgreSQL floor for bench/executor.py, and what a durable step asks of the server.

- ``FloorChain``: the same chain shape (N steps in a line, then an answer node; each step adds a
  result of the size agentnet's has to one merged ``results`` dict) as a plain LangGraph graph on
  LangGraph's own ``PostgresSaver`` with ``durability="sync"``, on a ``psycopg_pool`` pool set up
  as LangGraph documents it. No agentnet code and no model call: its time per step is what the
  engine itself costs per step on that server, the floor of agentnet's durable PostgreSQL step.
- ``server_counts``: per step, the transactions the server committed (``pg_stat_database``
  ``xact_commit``, read-only ones included) and its WAL flushes (``pg_stat_wal`` ``wal_sync``,
  the WAL writer's included), from the difference between runs of N and of 2N steps, so what a
  run costs once (its claim, its status, its last read) drops out.
- Round trips the same way, counted on the client: every connection is traced (libpq's
  ``PQtrace``) and the messages that make the server answer are counted, a ``Sync`` (the end of
  an extended-protocol batch or a pipeline's sync point) or a simple ``Query``; each is one wait
  for the server, so this is the number of round trips at most (a pipeline that sends two syncs
  before reading waits once). ``print_counts`` prints all three for agentnet and the floor.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import operator
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypedDict


class _State(TypedDict, total=False):
    task: str
    inputs: dict[str, Any]
    results: Annotated[dict[str, Any], operator.or_]
    answer: str


def _result(step: str) -> dict[str, Any]:
    """What one agentnet step adds to the state (the same keys and sizes for a zero-latency node)."""
    attempt = {"node_id": "zero", "status": "ok", "latency_s": 0.0, "prompt_tokens": 5,
               "completion_tokens": 1, "cost": 0.0}  # fmt: skip
    return {"results": {step: {"status": "succeeded", "node_id": "zero", "text": "ok", "data": None,
                               "files": [], "prompt_tokens": 5, "completion_tokens": 1, "latency_s": 0.0,
                               "cost": 0.0, "attempts": [attempt], "runs": 1}}}  # fmt: skip


class FloorChain:
    """A chain of ``steps`` on LangGraph's ``PostgresSaver``; ``run()`` runs it once as a new thread."""

    def __init__(self, url: str, steps: int) -> None:
        from langgraph.checkpoint.postgres import PostgresSaver
        from langgraph.graph import END, START, StateGraph
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=8,
            kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
            open=True,
        )
        saver = PostgresSaver(self.pool)  # type: ignore[arg-type]
        saver.setup()
        graph = StateGraph(_State)
        names = [f"s{i}" for i in range(steps)]
        for name in names:
            graph.add_node(name, _Step(name))
        graph.add_node("answer", _answer)
        graph.add_edge(START, names[0])
        for before, after in itertools.pairwise(names):
            graph.add_edge(before, after)
        graph.add_edge(names[-1], "answer")
        graph.add_edge("answer", END)
        self.graph = graph.compile(checkpointer=saver)

    def run(self) -> None:
        config = {"configurable": {"thread_id": uuid.uuid4().hex[:12]}}
        self.graph.invoke({"task": "bench", "inputs": {}, "results": {}}, config, durability="sync")

    def close(self) -> None:
        self.pool.close()


class _Step:
    """A node as a callable object, as agentnet's are (LangGraph scans closures when compiling)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.__name__ = name

    def __call__(self, state: _State) -> dict[str, Any]:
        return _result(self.name)


def _answer(state: _State) -> dict[str, Any]:
    return {"answer": "ok"}


def _stats(url: str) -> tuple[int, int]:
    """(committed transactions of this database, WAL flushes of the server), once every process has
    sent its counters. A backend sends them when it exits (the callers close their connections
    first) or, idle, up to 10 s later; the WAL writer on its own schedule: they are read until three
    reads a second apart agree (15 s at most). The reads share one open transaction, which counts
    nothing until it ends: the same one commit in every call."""
    import psycopg

    with psycopg.connect(url) as conn:
        seen: list[tuple[int, int]] = []
        for _ in range(15):
            time.sleep(1.0)
            conn.execute("SELECT pg_stat_clear_snapshot()")
            row = conn.execute(
                "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),"
                " (SELECT wal_sync FROM pg_stat_wal)"
            ).fetchone()
            assert row is not None
            seen.append((int(row[0]), int(row[1])))
            if len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]:
                break
    return seen[-1]


class _Traces:
    """Traces the protocol messages of every psycopg connection made while ``on`` (one file each)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="pgtrace-"))
        self.traced: list[tuple[Any, Any]] = []

    @staticmethod
    def _trace(conn: Any, handle: Any) -> None:
        import psycopg

        conn.pgconn.trace(handle.fileno())
        conn.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)

    @contextlib.contextmanager
    def on(self) -> Iterator[None]:
        import psycopg

        original = psycopg.Connection.connect

        def connect(cls: Any, *args: Any, **kwargs: Any) -> Any:
            conn = original.__func__(cls, *args, **kwargs)  # type: ignore[attr-defined]
            handle = open(self.folder / f"{len(self.traced)}.trace", "w")  # noqa: SIM115 - closed in on()
            self.traced.append((conn, handle))
            self._trace(conn, handle)
            return conn

        psycopg.Connection.connect = classmethod(connect)  # type: ignore[method-assign,assignment]
        try:
            yield
        finally:
            psycopg.Connection.connect = original  # type: ignore[method-assign]
            for conn, handle in self.traced:
                if not conn.closed:
                    conn.pgconn.untrace()
                handle.close()
            shutil.rmtree(self.folder)

    def syncs(self) -> int:
        """The ``Sync`` and ``Query`` messages sent so far."""
        for conn, handle in self.traced:  # libpq buffers the trace; PQuntrace flushes it
            if not conn.closed:
                conn.pgconn.untrace()
                self._trace(conn, handle)
        found = 0
        for path in self.folder.glob("*.trace"):
            for line in path.read_text(errors="replace").splitlines():
                fields = line.split("\t")
                found += len(fields) > 2 and fields[0] == "F" and fields[2] in ("Sync", "Query")
        return found


def server_counts(url: str, runs: int, make_run: Callable[[int], tuple[Callable[[], None], Callable[[], None]]],
                  steps: int) -> dict[str, float]:  # fmt: skip
    """Per step: transactions committed, WAL flushes and round trips (at most) of ``make_run(n)``'s
    run (a function running one chain of n steps, and its close), from ``runs`` runs of ``steps``
    and of 2 x ``steps`` steps on fresh connections: what a run costs once (connecting, its claim,
    its status, its last read) drops out. Not timed: tracing slows the client."""
    per_length: dict[int, tuple[int, int, int]] = {}
    for length in (steps, 2 * steps):
        run, close = make_run(length)
        run()  # imports, tables, first compile; its connections close before the first count
        close()
        before = _stats(url)
        traces = _Traces()
        with traces.on():
            run, close = make_run(length)
            for _ in range(runs):
                run()
            trips = traces.syncs()  # before the connections close (a closed one's trace is not flushed)
            close()
        after = _stats(url)
        per_length[length] = (after[0] - before[0], after[1] - before[1], trips)
    short, long = per_length[steps], per_length[2 * steps]
    return {
        name: (long[i] - short[i]) / (runs * steps) for i, name in enumerate(("commits", "wal_flushes", "round_trips"))
    }


def print_counts(url: str, steps: int, runs: int, chain: Callable[[int], tuple[Any, Any, Any]]) -> None:
    """Per step, what agentnet's durable run (of ``chain(n)``'s node and plan) and the floor ask of
    the server."""
    from agentnet.config import RunsSettings
    from agentnet.executor import Executor, open_run_store

    def agentnet_run(length: int) -> tuple[Callable[[], None], Callable[[], None]]:
        node, plan, _ = chain(length)
        executor = Executor([node], store=open_run_store(RunsSettings(url=url)))
        return functools.partial(executor.run, plan), executor.close

    def floor_run(length: int) -> tuple[Callable[[], None], Callable[[], None]]:
        floor = FloorChain(url, length)
        return floor.run, floor.close

    print(f"    per step (runs of {steps} and {2 * steps} steps, {runs} each, the difference; untimed, traced):")
    for label, make in (("agentnet", agentnet_run), ("floor", floor_run)):
        found = server_counts(url, runs, make, steps)
        print(
            f"    {label:9s} transactions committed {found['commits']:.2f}, WAL flushes {found['wal_flushes']:.2f},"
            f" round trips (syncs sent) {found['round_trips']:.2f}"
        )
