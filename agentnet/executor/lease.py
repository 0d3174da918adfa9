"""Run leases: one process executes a run at a time, and another takes over when it dies.

Starting or resuming a run claims its lease in the run database (owner id, host, pid, since,
until). While the run executes, a heartbeat thread renews every lease its store holds; a lease not
renewed within ``lease_s`` (the owner was killed, frozen or cut off from the database) may be
claimed by another process, which resumes the run from its last checkpoint. An owner that finds its
lease taken, or cannot renew it in time, stops its run at once. Cancel requests made by other
processes travel the same way: a flag in the run's row that the heartbeat reads.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agentnet.errors import RunBusyError, RunError

# (renewed run ids, run ids whose cancel was requested) for the run ids given.
Renew = Callable[[list[str]], tuple[set[str], set[str]]]
# How to resume a run stopped by its process's shutdown, told by that process (run id -> the way).
Resume = Callable[[str], str]


@dataclass(frozen=True)
class Owner:
    """Who runs a run: a random id per store, plus where it lives (for people reading errors)."""

    id: str
    host: str
    pid: int

    @classmethod
    def here(cls) -> Owner:
        return cls(id=uuid.uuid4().hex, host=socket.gethostname(), pid=os.getpid())

    def to_json(self) -> str:
        return json.dumps({"id": self.id, "host": self.host, "pid": self.pid})

    @classmethod
    def from_json(cls, raw: str | None) -> Owner | None:
        if not raw:
            return None
        data = json.loads(raw)
        return cls(id=str(data["id"]), host=str(data["host"]), pid=int(data["pid"]))

    def is_dead_here(self) -> bool:
        """True when this owner is a process of this host that no longer exists."""
        if self.host != socket.gethostname():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False


def busy_error(run_id: str, holder: Owner, since: float | None, expires_in: float | None) -> RunBusyError:
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(since)) if since else "an unknown time"
    expiry = f" (its lease expires in {max(expires_in, 0):.0f} s unless renewed)" if expires_in is not None else ""
    return RunBusyError(
        f"run {run_id} is being run by {holder.host} pid {holder.pid} since {when}{expiry}",
        hint=f"follow it with `agentnet runs show {run_id}`; a run is executed by one process at a time. If that "
        "process is gone, resume once its lease has expired",
    )


@dataclass
class Lease:
    """A run this process owns while it executes; ``stop`` ends the run's execution here."""

    run_id: str
    cancel: threading.Event
    renewed: float = field(default_factory=time.monotonic)
    lost: str | None = None  # "cancelled" (asked to stop), "shutdown" (its process stops), "taken" or "unreachable"
    # When the last claim or renewal the database confirmed was sent (monotonic and wall clock).
    confirmed: Instant | None = None
    resume: Resume | None = None  # with "shutdown": how the stopping process says to resume it

    def stop(self, why: str, resume: Resume | None = None) -> None:
        if self.lost is None:
            self.lost, self.resume = why, resume
        self.cancel.set()

    def surely_ours(self, lease_s: float) -> bool:
        """Whether no other process can have taken the run yet, known without asking the database.

        A claim or renewal sent at time T sets the lease to end ``lease_s`` after T or later, on
        the database's clock, and nothing takes a lease before it ends. Half a lease from T is
        trusted: the other half covers a step saved a moment after this answer and a database
        clock that runs ahead. Elapsed time is the larger of the monotonic and the wall clock's,
        so a suspended machine (whose monotonic clock may stop) is not trusted either.
        """
        return self.lost is None and self.confirmed is not None and self.confirmed.elapsed() < lease_s / 2


@dataclass(frozen=True)
class Instant:
    """A moment on both clocks."""

    mono: float = field(default_factory=time.monotonic)
    wall: float = field(default_factory=time.time)

    def elapsed(self) -> float:
        return max(time.monotonic() - self.mono, time.time() - self.wall)


class Heartbeat:
    """Renews the leases of one store on a daemon thread (started with the first lease held)."""

    def __init__(self, renew: Renew, lease_s: float) -> None:
        self._renew = renew
        self.lease_s = lease_s
        # Several renewals fit in one lease, so one slow write never costs a lease; cancel requests
        # from other processes arrive within this interval.
        self.interval_s = min(lease_s / 3, 2.0)
        self._held: dict[str, Lease] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._stopping: str | None = None  # set by stop_all: every lease, held now or later, is stopped
        self._resume: Resume | None = None  # and how to resume them, as stop_all was told
        self.stopped: list[str] = []  # the runs stop_all stopped, then or when they started

    def hold(self, run_id: str, cancel: threading.Event, claimed: Instant | None = None) -> Lease:
        lease = Lease(run_id, cancel, confirmed=claimed)
        with self._lock:
            if self._stopping is not None:  # a run that waited its turn while its process began to stop
                lease.stop(self._stopping, self._resume)
                self.stopped.append(run_id)
            self._held[run_id] = lease
            if self._thread is None or not self._thread.is_alive():
                self._closed = False
                self._wake.clear()
                self._thread = threading.Thread(target=self._loop, name="agentnet-lease-heartbeat", daemon=True)
                self._thread.start()
        return lease

    def drop(self, run_id: str) -> None:
        with self._lock:
            self._held.pop(run_id, None)

    def held(self, run_id: str) -> Lease | None:
        return self._held.get(run_id)

    def held_ids(self) -> list[str]:
        with self._lock:
            return list(self._held)

    def stop_all(self, why: str, resume: Resume | None = None) -> list[str]:
        """Stop every run this store executes (``why`` becomes their leases' ``lost``, ``resume`` how to
        resume them), and any it starts from now on; the ids of those running now."""
        with self._lock:
            self._stopping, self._resume = why, resume
            leases = [lease for lease in self._held.values() if lease.run_id not in self.stopped]
            self.stopped += [lease.run_id for lease in leases]
        for lease in leases:
            lease.stop(why, resume)
        return [lease.run_id for lease in leases]

    def start_again(self) -> None:
        """Runs started from now on run (after ``stop_all``, once the stopped ones are saved)."""
        with self._lock:
            self._stopping, self._resume = None, None
            self.stopped = []

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._held.clear()
        self._wake.set()

    def _loop(self) -> None:
        while not self._wake.wait(self.interval_s):
            with self._lock:
                if self._closed:
                    return
                leases = dict(self._held)
            if leases:
                self.beat(leases)

    def beat(self, leases: dict[str, Lease]) -> None:
        sent = Instant()
        try:
            renewed, cancelled = self._renew(list(leases))
        except Exception:  # noqa: BLE001 - the database is unreachable for now; the lease decides below
            now = time.monotonic()
            for lease in leases.values():
                if now - lease.renewed > self.lease_s:
                    lease.stop("unreachable")
            return
        now = time.monotonic()
        for run_id, lease in leases.items():
            if run_id in cancelled:
                lease.stop("cancelled")
            elif run_id in renewed:
                lease.renewed, lease.confirmed = now, sent
            else:
                lease.stop("taken")


def lease_info(owner: Any, since: Any, until: Any, now: float) -> dict[str, Any] | None:
    """A run row's lease, as shown to people (``runs show``, ``GET /v1/runs/ID``)."""
    holder = Owner.from_json(owner)
    if holder is None:
        return None
    return {
        "host": holder.host,
        "pid": holder.pid,
        "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(since)) if since else None,
        "expires_in_s": round(float(until) - now, 1) if until is not None else None,
    }


def lease_lost(run_id: str) -> RunError:
    return RunError(
        f"run {run_id} was taken over by another process (this one stopped renewing its lease in time)",
        hint=f"see where it runs now with `agentnet runs show {run_id}`",
        code="lease_lost",
    )


def run_shut_down(run_id: str, resume: Resume | None = None) -> RunError:
    """A run stopped because the process executing it shuts down (``agentnet serve`` on SIGTERM); ``resume``
    says how to resume it as that process tells (``agentnet mcp serve``: no tool of its own resumes one)."""
    how = resume(run_id) if resume is not None else (
        f"resume: {run_id} (POST /v1/runs/{run_id}/resume on any server sharing the run database, or "
        f"`agentnet run --resume {run_id}`)"
    )  # fmt: skip
    return RunError(f"run {run_id} was interrupted: the server executing it shut down", hint=how, code="interrupted")


def run_cancelled(run_id: str) -> RunError:
    return RunError(f"run {run_id} was cancelled on request", hint=f"resume: {run_id}", code="cancelled")
