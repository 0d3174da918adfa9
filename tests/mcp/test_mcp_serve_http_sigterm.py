"""`agentnet mcp serve --http` stopped by SIGTERM while a run is in flight: as `agentnet serve` and the
stdio mode, the run is stopped at once and saved `interrupted`, the client waiting for it gets its
answer (interrupted), the log names the run and how to resume it, and the process exits. Before,
uvicorn waited for the run to finish (a long story: minutes) before ending. A real process, the
embedded SmolLM2, a real signal, raw Streamable HTTP requests."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from listening import connections_to, silent_port
from mcpkit import AGENTNET
from processes import running_step, wait_until

pytestmark = pytest.mark.slow

TASK = "Write a very long story about a dragon who learns to bake bread, with many details."
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def post(url: str, body: dict[str, Any], session: str | None = None) -> httpx.Response:
    headers = {**HEADERS, **({"Mcp-Session-Id": session} if session else {})}
    return httpx.post(url, json={"jsonrpc": "2.0", **body}, headers=headers, timeout=120)


def post_seen(url: str, body: dict[str, Any], session: str, seen: threading.Event) -> httpx.Response:
    """``post``, setting ``seen`` once the server has taken the call (its answer's stream has begun)."""
    headers = {**HEADERS, "Mcp-Session-Id": session}
    with httpx.stream("POST", url, json={"jsonrpc": "2.0", **body}, headers=headers, timeout=120) as response:
        seen.set()
        response.read()
    return response


@contextmanager
def serving(
    agentnet_home: Path, log: Path, cwd: Path | None = None
) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """`agentnet mcp serve --http` with its stderr in ``log``: (the process, its /mcp URL, an initialised
    session id); killed on the way out if the test left it running."""
    with log.open("w") as errors:
        process = subprocess.Popen(
            [*AGENTNET, "mcp", "serve", "--http", "--port", "0"], stderr=errors, text=True, cwd=cwd,
            env={**os.environ, "AGENTNET_HOME": str(agentnet_home), "COLUMNS": "400"},
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (found := re.search(r"(http://\S+/mcp)", log.read_text())) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert found, log.read_text()
        url = found.group(1)
        hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}
        session = post(url, {"id": 1, "method": "initialize", "params": hello}).headers["mcp-session-id"]
        post(url, {"method": "notifications/initialized"}, session)
        yield process, url, session
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def answer_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC answer in a tool call's response (an SSE stream: progress, then the answer)."""
    for line in response.text.splitlines():
        if line.startswith("data:") and '"result"' in line:
            return dict(json.loads(line[5:]))
    raise AssertionError(response.text)


def test_sigterm_saves_the_run_in_flight_answers_the_client_and_exits(agentnet_home: Path, tmp_path: Path) -> None:
    log = tmp_path / "stderr.txt"
    with serving(agentnet_home, log) as (process, url, session):
        answers: list[httpx.Response] = []
        call = {"id": 2, "method": "tools/call", "params": {"name": "run", "arguments": {"task": TASK}}}
        waiting = threading.Thread(target=lambda: answers.append(post(url, call, session)))
        waiting.start()
        run_id = running_step(agentnet_home / "runs.sqlite", process)  # type: ignore[arg-type]
        time.sleep(1)  # into the model's reply
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        took = time.monotonic() - began
        waiting.join(timeout=30)
    said = log.read_text()
    assert took < 15, (took, said[-3000:])
    with sqlite3.connect(agentnet_home / "runs.sqlite", timeout=5) as conn:
        status, error = conn.execute("SELECT status, error FROM agentnet_runs WHERE id=?", (run_id,)).fetchone()
    assert status == "interrupted", said[-3000:]
    assert "the MCP tools cannot resume a run" in json.loads(error)["hint"], error  # `runs show` says so too
    assert answers, said[-3000:]
    result = answer_of(answers[0])["result"]["structuredContent"]
    assert result["run_id"] == run_id and result["status"] == "interrupted", result
    lines = [line for line in said.splitlines() if f"run {run_id} interrupted" in line]
    assert len(lines) == 1 and f"resume it: `agentnet run --resume {run_id}` with the same config" in lines[0], said
    assert "the MCP tools cannot resume a run" in lines[0], said
    assert "Traceback" not in said, said


def test_sigterm_stops_an_ask_in_flight_and_tells_its_client(agentnet_home: Path, tmp_path: Path) -> None:
    """An `ask` (one model's reply, not a run) in flight: it stops at the signal and its client is told
    the server shut down. Before, the server waited for the whole reply (13 s for a long story) and the
    client then got an empty response, no answer at all."""
    log = tmp_path / "stderr.txt"
    with serving(agentnet_home, log) as (process, url, session):
        answers: list[httpx.Response] = []
        call = {"id": 2, "method": "tools/call", "params": {"name": "ask", "arguments": {"prompt": TASK}}}
        waiting = threading.Thread(target=lambda: answers.append(post(url, call, session)))
        waiting.start()
        time.sleep(4)  # the model loaded and into its reply
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        took = time.monotonic() - began
        waiting.join(timeout=30)
    said = log.read_text()
    assert took < 5, (took, said[-3000:])
    assert answers, said[-3000:]
    result = answer_of(answers[0])["result"]
    assert result["isError"] and "the MCP server is shutting down" in result["content"][0]["text"], result
    assert "Traceback" not in said, said


QUEUED = {
    "plan": {"name": "plan", "arguments": {"task": "Write a haiku about bees, then translate it."}},
    "search_directory": {"name": "search_directory", "arguments": {"query": "translate"}},
    "ask": {"name": "ask", "arguments": {"prompt": "Say hello."}},
}


@pytest.mark.parametrize("tool", list(QUEUED))
def test_sigterm_stops_a_plan_in_flight_and_the_calls_behind_it(tool: str, agentnet_home: Path, tmp_path: Path) -> None:
    """A `plan` whose planner model never answers (a minute to its deadline), and a call waiting its turn
    behind it: the signal answers both clients that the server shut down, and the process exits. Before,
    the server waited for the planner's deadline (about 60 s) before ending; and a call queued behind a
    plan given up on kept waiting for the turn that plan's thread still held."""
    with silent_port() as port:
        (tmp_path / "agentnet.yaml").write_text(
            "models:\n  - id: hanging\n    adapter: litellm\n    model: openai/fake\n"
            f"    api_base: http://127.0.0.1:{port}/v1\n    params: {{retries: 0, deadline_s: 60}}\n"
            "planner: {model: hanging, consult: decompose}\n"
        )
        log = tmp_path / "stderr.txt"
        with serving(agentnet_home, log, cwd=tmp_path) as (process, url, session):
            answers: dict[int, httpx.Response] = {}

            def calling(number: int, call: dict[str, Any], seen: threading.Event) -> threading.Thread:
                body = {"id": number, "method": "tools/call", "params": call}
                thread = threading.Thread(target=lambda: answers.update({number: post_seen(url, body, session, seen)}))
                thread.start()
                return thread

            first = calling(2, QUEUED["plan"], threading.Event())
            # The plan holds the turn once its planner has called the silent model (not a fixed wait:
            # under load, the second call could take the turn first).
            wait_until(lambda: connections_to(port) > 0, "the planner to call its model", timeout_s=60)
            seen = threading.Event()
            waiting = calling(3, QUEUED[tool], seen)
            # The server has the call before the signal: it waits its turn behind the plan.
            assert seen.wait(60), log.read_text()[-3000:]
            began = time.monotonic()
            process.send_signal(signal.SIGTERM)
            status = process.wait(timeout=90)
            took = time.monotonic() - began
            for thread in (first, waiting):
                thread.join(timeout=30)
    said = log.read_text()
    assert status == 0 and took < 10, (status, took, said[-3000:])
    assert sorted(answers) == [2, 3], said[-3000:]
    for number in (2, 3):
        result = answer_of(answers[number])["result"]
        assert result["isError"] and "the MCP server is shutting down" in result["content"][0]["text"], result
    assert "Traceback" not in said, said
