"""`agentnet serve` stopped by SIGTERM while chat completions are in flight (not runs: one model's
reply): each call stops at once and its client is told the server shut down (503 `shutting_down`, or
that error event on a stream that had begun), with no traceback in the log. Before, uvicorn waited its
graceful 5 s while the model went on, then cancelled the request: the client got a bare 500 "Internal
Server Error" and the log a CancelledError traceback; a stream was cut with no word. A real server
process, the embedded SmolLM2, real signals."""

from __future__ import annotations

import json
import re
import signal
import threading
import time
from typing import Any

import httpx
from processes import wait_until
from serve_helpers import Served

LONG = {
    "model": "smollm2",
    "max_tokens": 1500,
    "messages": [{"role": "user", "content": "Write a very long story about a dragon who bakes bread."}],
}


def queue_depth(served: Served) -> dict[str, float]:
    """Model calls running and waiting their turn in the server (all models), from /metrics."""
    text = httpx.get(f"{served.url}/metrics", headers=served.headers(), timeout=30).text
    found = re.findall(r'agentnet_queue_depth\{model="[^"]+",state="(\w+)"\} (\S+)', text)
    return {state: sum(float(value) for named, value in found if named == state) for state in ("running", "waiting")}


def test_sigterm_stops_the_calls_in_flight_and_says_why(serve: Any) -> None:
    served: Served = serve("calls")
    url = f"{served.url}/v1/chat/completions"
    whole: list[httpx.Response] = []
    streamed: list[Any] = []

    begun = threading.Event()

    def stream() -> None:
        with httpx.stream("POST", url, json={**LONG, "stream": True}, timeout=120) as response:
            streamed.append(response.status_code)
            for line in response.iter_lines():
                streamed.append(line)
                if line.startswith("data:"):
                    begun.set()

    answered_at: list[float] = []

    def ask_whole() -> None:
        whole.append(httpx.post(url, json=LONG, timeout=120))
        answered_at.append(time.monotonic())

    callers = [
        threading.Thread(target=stream),
        threading.Thread(target=ask_whole),
    ]
    # The stream first: it streams while the other waits its turn (one at a time). Each state is waited
    # for, not slept for: 2 s each was idle on a quick machine and could be too short on a loaded one.
    callers[0].start()
    assert begun.wait(120), served.log_text()[-3000:]
    callers[1].start()
    wait_until(lambda: queue_depth(served)["waiting"] >= 1, "the whole answer to wait its turn", timeout_s=60)
    began = time.monotonic()
    served.process.send_signal(signal.SIGTERM)
    served.process.wait(timeout=60)
    took = time.monotonic() - began
    for caller in callers:
        caller.join(timeout=60)
    log = served.log_text()
    # Timed where the server acts (the waiting call's 503), not to the process's exit, which also counts
    # the interpreter's teardown and coverage writing its data (seconds on a busy CI): not uvicorn's
    # graceful 5 s. The exit only has to come, not to outlast the long answer (minutes).
    assert answered_at and answered_at[0] - began < 4, (answered_at[0] - began, log[-3000:])
    assert took < 30, (took, log[-3000:])
    # The whole answer waited its turn: stopped there, answered 503.
    assert whole and whole[0].status_code == 503, (whole, log[-3000:])
    assert whole[0].json()["error"]["code"] == "shutting_down", whole[0].text
    # The stream had begun: it ends with the error as its last event, not as if its reply were complete.
    status, *lines = streamed
    events = [json.loads(line[5:]) for line in lines if line.startswith("data:") and "[DONE]" not in line]
    assert status == 200 and len(events) > 1 and events[-1]["error"]["code"] == "shutting_down", streamed
    assert "choices" in events[0], events[0]
    assert "Traceback" not in log and "Internal Server Error" not in log, log[-3000:]


def test_sigterm_ends_a_streamed_run_with_its_error_not_a_cut(serve: Any) -> None:
    """A streamed `agentnet` chat (a run as SSE) when the server stops: the run is saved interrupted and
    the stream ends with that error and [DONE]. sse-starlette cut every stream at the signal: its client
    got the plan, then nothing (no error, no [DONE]), as if the connection had dropped."""
    served: Served = serve("stream")
    body = {**LONG, "model": "agentnet", "stream": True}
    lines: list[str] = []

    def stream() -> None:
        with httpx.stream("POST", f"{served.url}/v1/chat/completions", json=body, timeout=120) as response:
            lines.extend(response.iter_lines())

    # Other runs first: the streamed one waits its turn, and is stopped as it starts, after those are
    # stopped and saved one after the other (longer than sse-starlette waited: it polls every 0.5 s).
    whole = {**LONG, "model": "agentnet"}
    others = [
        threading.Thread(target=lambda: httpx.post(f"{served.url}/v1/chat/completions", json=whole, timeout=120))
        for _ in range(3)
    ]
    # Each in the queue before the next is sent (the model's calls, running or waiting: /metrics), so the
    # order is sure; 1 s apart, then 4 s for the last, were idle on a quick machine.
    callers = [*others, threading.Thread(target=stream)]
    for queued, caller in enumerate(callers, 1):
        caller.start()
        wait_until(lambda n=queued: sum(queue_depth(served).values()) >= n, f"run {queued} in the queue", timeout_s=60)
    served.process.send_signal(signal.SIGTERM)
    served.process.wait(timeout=60)
    for caller in callers:
        caller.join(timeout=60)
    log = served.log_text()
    data = [line[5:].strip() for line in lines if line.startswith("data:")]
    assert data and data[-1] == "[DONE]", (lines[-5:], log[-3000:])
    error = json.loads(data[-2])["error"]
    assert error["code"] == "shutting_down", data[-2]  # as a model's stream ends then (it said "interrupted")
    # Its run named once: "run ID interrupted: run ID was interrupted: the server executing it shut down".
    assert error["message"].startswith("run ") and " interrupted: run " not in error["message"], error
    assert "Traceback" not in log, log[-3000:]


def test_sigterm_answers_a_whole_agentnet_chat_503_naming_its_run(serve: Any) -> None:
    """A whole (not streamed) `agentnet` chat when the server stops: its run is saved interrupted and
    the client is answered 503 `shutting_down`, as the server's other calls are then, the message naming
    the run and how to resume it. It was 502 `api_error`, "a model or peer failed"."""
    served: Served = serve("whole")
    answers: list[httpx.Response] = []
    body = {**LONG, "model": "agentnet"}
    caller = threading.Thread(
        target=lambda: answers.append(httpx.post(f"{served.url}/v1/chat/completions", json=body, timeout=120))
    )
    caller.start()
    time.sleep(4)  # planned, and into the model's reply
    served.process.send_signal(signal.SIGTERM)
    served.process.wait(timeout=60)
    caller.join(timeout=60)
    log = served.log_text()
    assert answers and answers[0].status_code == 503, (answers and answers[0].text, log[-3000:])
    error = answers[0].json()["error"]
    assert error["code"] == "shutting_down" and error["type"] == "server_error", error
    assert "the server executing it shut down" in error["message"] and "agentnet run --resume" in error["message"]
    assert "Traceback" not in log, log[-3000:]
