"""``agentnet serve`` stopped with SIGTERM (a service manager, ``kill``) while runs are in flight: each
is saved ``interrupted`` and the log names it and how to resume it. Before, the process ended under
the runs, which stayed ``running`` until their lease ran out (15 s), with no log line; a client
waiting for its run got a 500 after uvicorn's graceful wait, and the log two tracebacks. A real
server process (the embedded SmolLM2), a real signal."""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import time
from typing import Any

import httpx
from processes import wait_until
from serve_helpers import Served


def story(run_id: str, about: str, wait: bool) -> dict[str, Any]:
    task = f"Write a very long story about {about}."
    plan = {"task": task, "steps": [{"id": "s1", "capability": "smollm2", "instruction": task, "max_tokens": 1500}]}
    return {"plan": plan, "run_id": run_id, "wait": wait}


def record(served: Served, run_id: str) -> tuple[str, dict[str, Any] | None]:
    with sqlite3.connect(served.home / "runs.sqlite", timeout=5) as conn:
        status, error = conn.execute("SELECT status, error FROM agentnet_runs WHERE id=?", (run_id,)).fetchone()
    return status, json.loads(error) if error else None


def test_sigterm_saves_the_runs_in_flight_interrupted_and_says_how_to_resume(serve: Any) -> None:
    served: Served = serve("term")
    started = httpx.post(f"{served.url}/v1/runs", json=story("term1", "a dragon", wait=False))
    assert started.status_code == 202, started.text

    def writing() -> bool:
        steps = httpx.get(f"{served.url}/v1/runs/term1", timeout=30).json().get("steps") or [{}]
        return steps[0].get("status") == "running"

    wait_until(writing, "the story's step to start", timeout_s=120)
    answers: list[httpx.Response] = []
    answered_at: list[float] = []
    second = story("term2", "a cat", wait=True)

    def wait_for_second() -> None:
        answers.append(httpx.post(f"{served.url}/v1/runs", json=second, timeout=120))
        answered_at.append(time.monotonic())

    waiting = threading.Thread(target=wait_for_second)  # queued behind term1: it starts as term1 stops
    waiting.start()
    time.sleep(1)  # into the model's reply
    began = time.monotonic()
    served.process.send_signal(signal.SIGTERM)
    served.process.wait(timeout=60)
    took = time.monotonic() - began
    waiting.join(timeout=60)
    log = served.log_text()
    for run_id in ("term1", "term2"):
        status, error = record(served, run_id)
        assert status == "interrupted", (run_id, status, error, log[-3000:])
        assert error is not None and "the server executing it shut down" in error["message"], error
        assert f"POST /v1/runs/{run_id}/resume" in (error["hint"] or ""), error
        said = [line for line in log.splitlines() if f"run {run_id} interrupted by the server's shutdown" in line]
        assert len(said) == 1 and f"(saved interrupted); resume it: POST /v1/runs/{run_id}/resume" in said[0], log
        assert f"agentnet run --resume {run_id}" in said[0], log[-3000:]
    # The waiting client got its run's end within uvicorn's graceful wait, not a cancelled request.
    assert answers and "the server executing it shut down" in answers[0].text, answers
    assert "Traceback" not in log and "graceful shutdown exceeded" not in log, log[-3000:]
    # The guarantee is timed where the server acts: the waiting client's answer within uvicorn's graceful
    # 5 s. The process's exit also counts the interpreter's teardown and coverage writing its data, which
    # on a busy CI (2 workers on 2 cores, every process traced) took 6.1 s with the answer in time: that
    # bound only says the server stops rather than serving the story to its end (minutes).
    assert answered_at and answered_at[0] - began < 5, (
        f"the waiting client was answered {answered_at[0] - began:.1f} s in"
    )
    assert took < 30, f"the server took {took:.1f} s to stop"


def test_a_network_served_in_a_thread_runs_again_once_its_server_stopped(run_app: Any) -> None:
    """A server's shutdown stops the runs of its network, and the ones that start meanwhile; an app that
    served its network in a thread and goes on using it gets its runs run again, not stopped at once."""
    from agentnet.network import Network
    from agentnet.server.app import create_app
    from agentnet.server.settings import ServerSettings

    with Network() as net:
        server = run_app(create_app(None, ServerSettings(), network=net))
        served = httpx.post(f"{server.url}/v1/runs", json={"task": "What is 6 times 7?"}, timeout=300)
        assert served.json()["answer"] == "42", served.text
        server.stop()
        assert net.run("What is 6 times 7?").answer == "42"
