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
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcpkit import AGENTNET
from processes import running_step

pytestmark = pytest.mark.slow

TASK = "Write a very long story about a dragon who learns to bake bread, with many details."
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def post(url: str, body: dict[str, Any], session: str | None = None) -> httpx.Response:
    headers = {**HEADERS, **({"Mcp-Session-Id": session} if session else {})}
    return httpx.post(url, json={"jsonrpc": "2.0", **body}, headers=headers, timeout=120)


def answer_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC answer in a tool call's response (an SSE stream: progress, then the answer)."""
    for line in response.text.splitlines():
        if line.startswith("data:") and '"result"' in line:
            return dict(json.loads(line[5:]))
    raise AssertionError(response.text)


def test_sigterm_saves_the_run_in_flight_answers_the_client_and_exits(agentnet_home: Path, tmp_path: Path) -> None:
    log = tmp_path / "stderr.txt"
    with log.open("w") as errors:
        process = subprocess.Popen(
            [*AGENTNET, "mcp", "serve", "--http", "--port", "0"], stderr=errors, text=True,
            env={**os.environ, "AGENTNET_HOME": str(agentnet_home), "COLUMNS": "400"},
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (found := re.search(r"(http://\S+/mcp)", log.read_text())) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert found, log.read_text()
        url = found.group(1)
        hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}
        started = post(url, {"id": 1, "method": "initialize", "params": hello})
        session = started.headers["mcp-session-id"]
        post(url, {"method": "notifications/initialized"}, session)
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
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
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
    with log.open("w") as errors:
        process = subprocess.Popen(
            [*AGENTNET, "mcp", "serve", "--http", "--port", "0"], stderr=errors, text=True,
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
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    said = log.read_text()
    assert took < 5, (took, said[-3000:])
    assert answers, said[-3000:]
    result = answer_of(answers[0])["result"]
    assert result["isError"] and "the MCP server is shutting down" in result["content"][0]["text"], result
    assert "Traceback" not in said, said
