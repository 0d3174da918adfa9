"""Several `agentnet serve` processes with one config (runs in PostgreSQL, the directory on one
`chroma run`), as behind a load balancer: a run started through one is read, followed, cancelled and
resumed through another; a server killed mid-run is taken over; the database restarts under a
running server; a database that is not there makes the server not ready, saying which one."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from openai_upstream import Upstream, models_yaml
from processes import wait_until
from serve_helpers import Served

PLAN = {
    "task": "two steps, the second one slow",
    "steps": [
        {"id": "s1", "capability": "fast", "instruction": "first"},
        {"id": "s2", "capability": "gated", "instruction": "second", "inputs": [{"kind": "step", "step": "s1"}]},
    ],
}


@pytest.fixture
def shared_config(upstream: Upstream, pg_url: str, chroma_server: str) -> Callable[..., str]:
    collection = f"shared_{uuid.uuid4().hex[:8]}"

    def config(lease_s: float = 3.0, runs_url: str = pg_url) -> str:
        return models_yaml(upstream, ("fast", "gated")) + (
            f"runs:\n  url: {runs_url}\n  lease_s: {lease_s}\n"
            f"directory:\n  url: {chroma_server}\n  collection: {collection}\n"
        )

    return config


def call(served: Served, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.request(method, f"{served.url}{path}", json=body, headers=served.headers(), timeout=120)


def events(served: Served, run_id: str) -> Iterator[dict[str, Any]]:
    with httpx.stream("GET", f"{served.url}/v1/runs/{run_id}/events", headers=served.headers(), timeout=120) as r:
        assert r.status_code == 200, r.read()
        for line in r.iter_lines():
            if line.startswith("data: ") and line != "data: [DONE]":
                yield json.loads(line.removeprefix("data: "))


def test_a_run_started_on_one_server_is_read_followed_cancelled_and_resumed_on_another(
    serve: Callable[..., Served], shared_config: Callable[..., str], upstream: Upstream
) -> None:
    a, b = serve("a", config=shared_config()), serve("b", config=shared_config())
    started = call(a, "POST", "/v1/runs", {"plan": PLAN, "run_id": "shared1", "wait": False})
    assert started.status_code == 202, started.text
    assert upstream.arrived["gated"].wait(60), "the slow step never reached the upstream"

    listed = call(b, "GET", "/v1/runs").json()["data"]
    assert [(r["id"], r["status"]) for r in listed] == [("shared1", "running")]
    trace = call(b, "GET", "/v1/runs/shared1").json()
    assert trace["lease"]["pid"] == a.process.pid
    assert {s["id"]: s["status"] for s in trace["steps"]} == {"s1": "succeeded", "s2": "running"}

    followed = events(b, "shared1")
    snapshot = next(followed)
    assert snapshot["event"] == "snapshot" and snapshot["run"]["status"] == "running"
    cancelled = call(b, "POST", "/v1/runs/shared1/cancel").json()
    assert cancelled["result"] == "requested"
    rest = list(followed)
    assert rest[-1]["event"] == "end" and rest[-1]["status"] == "interrupted", rest
    assert rest[-1]["error"]["code"] == "cancelled"

    upstream.open_gate("gated")
    resumed = call(b, "POST", "/v1/runs/shared1/resume")
    assert resumed.status_code == 200, resumed.text
    final = resumed.json()
    assert final["status"] == "succeeded" and final["answer"] == "answer from gated"
    assert {s["id"]: len(s["attempts"]) for s in final["steps"]} == {"s1": 1, "s2": 1}
    assert upstream.calls["fast"] == 1  # the finished step was not run again
    assert call(a, "GET", "/v1/runs/shared1").json()["status"] == "succeeded"

    # The user rates the run over HTTP: its plan becomes an example plan memory learns from.
    rated = call(a, "POST", "/v1/runs/shared1/rating", {"rating": "good"})
    assert rated.status_code == 200, rated.text
    assert (rated.json()["tools"], rated.json()["remembered"]) == (["fast", "gated"], 1)
    refused = call(a, "POST", "/v1/runs/shared1/rating", {"rating": "meh"})
    # Validation errors are OpenAI-shaped 400s across the server, naming the field.
    assert refused.status_code == 400 and refused.json()["error"]["param"] == "rating", refused.text
    assert call(a, "POST", "/v1/runs/unknown1/rating", {"rating": "bad"}).status_code == 404

    # After a rating the server refits plan memory for its directory in the background, before any plan
    # asks (here at once: one solved task is too few to cross-validate), so no request waits for it.
    def fits() -> list[tuple[str]]:
        with contextlib.closing(sqlite3.connect(a.home / "planner" / "memory.sqlite")) as db:
            return db.execute("select version from fits").fetchall()

    wait_until(lambda: fits() == [("1:1",)], "the server to refit plan memory after the rating", timeout_s=30)


def test_kill_9_of_the_server_running_a_run_then_another_takes_it_over(
    serve: Callable[..., Served], shared_config: Callable[..., str], upstream: Upstream
) -> None:
    # A lease long enough for B to ask before it runs out, however loaded the machine is: B asks within
    # a second of the kill (at load 13), and A renewed at most 2 s before it (lease.py), so 8 s are left.
    # Not longer: B then waits the lease out, idle.
    a, b = serve("a", config=shared_config(lease_s=10)), serve("b", config=shared_config(lease_s=10))
    assert call(a, "POST", "/v1/runs", {"plan": PLAN, "run_id": "crash1", "wait": False}).status_code == 202
    assert upstream.arrived["gated"].wait(60)
    assert call(b, "GET", "/v1/runs/crash1").json()["lease"]["pid"] == a.process.pid
    a.process.send_signal(signal.SIGKILL)
    a.process.wait(timeout=30)
    upstream.open_gate("gated")

    busy = call(b, "POST", "/v1/runs/crash1/resume")
    assert busy.status_code == 409, busy.text
    assert f"pid {a.process.pid} since" in busy.json()["error"]["message"]
    assert busy.json()["error"]["code"] == "run_busy"

    def taken_over() -> bool:
        nonlocal busy
        busy = call(b, "POST", "/v1/runs/crash1/resume")
        return busy.status_code != 409

    wait_until(taken_over, "the dead server's lease to expire", timeout_s=90)
    assert busy.status_code == 200, busy.text
    assert busy.json()["status"] == "succeeded"
    assert upstream.calls["fast"] == 1  # s1 finished before the kill: not run again


def test_a_follower_is_told_when_the_server_running_its_run_dies(
    serve: Callable[..., Served], shared_config: Callable[..., str], upstream: Upstream
) -> None:
    """Following a run through B while A, which ran it, was killed: the stream said nothing, only
    pings, for as long as nobody resumed the run."""
    a, b = serve("a", config=shared_config(lease_s=3)), serve("b", config=shared_config(lease_s=3))
    assert call(a, "POST", "/v1/runs", {"plan": PLAN, "run_id": "orphan1", "wait": False}).status_code == 202
    assert upstream.arrived["gated"].wait(60)
    followed = events(b, "orphan1")
    assert next(followed)["event"] == "snapshot"
    a.process.send_signal(signal.SIGKILL)
    a.process.wait(timeout=30)
    pool = ThreadPoolExecutor(1)  # before: no event ever came (the fixture's stop of B ends the stream)
    try:
        told = pool.submit(next, followed).result(timeout=60)
        assert (told["event"], told["status"], told["lease_expired"]) == ("status", "running", True), told
        assert told["lease"]["pid"] == a.process.pid
        upstream.open_gate("gated")
        assert call(b, "POST", "/v1/runs/orphan1/resume").json()["status"] == "succeeded"
        rest = pool.submit(list, followed).result(timeout=60)
    finally:
        pool.shutdown(wait=False)
    assert rest[-1]["event"] == "end" and rest[-1]["status"] == "succeeded", rest
    assert upstream.calls["fast"] == 1


def test_the_database_restarts_under_a_running_server_mid_run(
    serve: Callable[..., Served], shared_config: Callable[..., str], upstream: Upstream, postgres_server: Any
) -> None:
    a = serve("a", config=shared_config(lease_s=30))
    assert call(a, "POST", "/v1/runs", {"plan": PLAN, "run_id": "restart1", "wait": False}).status_code == 202
    assert upstream.arrived["gated"].wait(60)
    # Every pooled connection dies while the slow step waits for its model.
    postgres_server.restart()
    upstream.open_gate("gated")
    wait_until(lambda: call(a, "GET", "/v1/runs/restart1").json()["status"] != "running", "the run to end")
    assert call(a, "GET", "/v1/runs/restart1").json()["status"] == "succeeded"
    again = call(a, "POST", "/v1/runs", {"plan": PLAN, "run_id": "restart2"})
    assert again.status_code == 200 and again.json()["status"] == "succeeded", again.text
    assert call(a, "GET", "/readyz").json()["checks"]["runs"] == "ok"


def test_a_run_database_that_is_not_there_makes_the_server_not_ready_and_says_which(
    serve: Callable[..., Served], shared_config: Callable[..., str]
) -> None:
    from listening import refused_port

    with refused_port() as port:  # bound, never listening: refused while the test runs
        a = serve("a", config=shared_config(runs_url=f"postgresql://agentnet:s3cret@127.0.0.1:{port}/runs"))
        ready = call(a, "GET", "/readyz")
        assert ready.status_code == 503
        assert f"postgresql://***@127.0.0.1:{port}/runs" in ready.json()["checks"]["runs"]
        refused = call(a, "GET", "/v1/runs/abc")
    assert refused.status_code == 503 and "cannot use the run database" in refused.json()["error"]["message"]
    assert "s3cret" not in ready.text + refused.text + a.log_text()
