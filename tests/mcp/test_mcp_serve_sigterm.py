"""`agentnet mcp serve` (stdio) stopped by SIGTERM or Ctrl-C while a run is in flight: the run is
saved `interrupted` and its answer (interrupted, with how to resume it) still reaches the host, the
log says so, the MCP server the network uses is stopped and the process exits 0. Before, SIGTERM
killed it at once, silently, the run left `running` until its lease ran out and the host unanswered;
Ctrl-C let the run finish and then waited for the host to close stdin. A real process, the embedded
SmolLM2, the fixture MCP server over stdio, real signals, raw JSON-RPC lines."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from listening import connections_to, silent_port
from mcpkit import AGENTNET, FIXTURE_SERVER
from processes import running_step, wait_until
from test_mcp_processes import alive, descendants
from test_mcp_serve_exit import exchange

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the process tree is read from /proc"),
]

TASK = "Write a very long story about a dragon who learns to bake bread, with many details."


@contextmanager
def serving(agentnet_home: Path, log: Path, *args: str, cwd: Path | None = None) -> Iterator[subprocess.Popen[str]]:
    """`agentnet mcp serve ARGS` over stdio, its stderr in ``log``, once initialised; killed on the way
    out if the test left it running, its pipes closed."""
    with log.open("w") as errors:
        process = subprocess.Popen(
            [*AGENTNET, "mcp", "serve", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
            text=True, cwd=cwd, env={**os.environ, "AGENTNET_HOME": str(agentnet_home), "COLUMNS": "400"},
        )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    try:
        hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}
        assert exchange(process, {"id": 1, "method": "initialize", "params": hello}) is not None
        exchange(process, {"method": "notifications/initialized"})
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdin.close()
        process.stdout.close()


def call_tool(process: subprocess.Popen[str], name: str, arguments: dict[str, Any]) -> None:
    """Send tools/call ``name`` as request 2, not waiting for its answer (it comes after the signal)."""
    assert process.stdin is not None
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
    process.stdin.write(json.dumps(call) + "\n")
    process.stdin.flush()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_saves_the_run_in_flight_answers_the_host_and_exits_cleanly(
    agentnet_home: Path, tmp_path: Path, signum: signal.Signals
) -> None:
    config = tmp_path / "agentnet.yaml"
    config.write_text(
        f"mcp_servers:\n  - name: fx\n    command: {sys.executable}\n    args: [{str(FIXTURE_SERVER)!r}]\n"
    )
    log = tmp_path / "stderr.txt"
    with serving(agentnet_home, log, "-c", str(config)) as process:
        assert process.stdout is not None
        children = descendants(process.pid)
        assert any(str(FIXTURE_SERVER) in Path(f"/proc/{pid}/cmdline").read_text() for pid in children), children
        call_tool(process, "run", {"task": TASK})
        run_id = running_step(agentnet_home / "runs.sqlite", process)  # type: ignore[arg-type]
        time.sleep(1)  # into the model's reply
        began = time.monotonic()
        process.send_signal(signum)
        answer = json.loads(process.stdout.readline())
        assert process.wait(timeout=30) == 0, log.read_text()
        took = time.monotonic() - began
    assert took < 15, took
    assert answer["id"] == 2 and answer["result"]["structuredContent"]["status"] == "interrupted", answer
    assert answer["result"]["structuredContent"]["run_id"] == run_id
    # The answer's hint names what a host can do (the CLI) first: it named POST /v1/runs/ID/resume,
    # which only `agentnet serve` answers, and `agentnet run --resume` second.
    hint = answer["result"]["structuredContent"]["error"]["hint"]
    assert hint.startswith(f"`agentnet run --resume {run_id}` with the same config"), hint
    assert "the MCP tools cannot resume a run" in hint, hint
    with sqlite3.connect(agentnet_home / "runs.sqlite", timeout=5) as conn:
        status, error = conn.execute("SELECT status, error FROM agentnet_runs WHERE id=?", (run_id,)).fetchone()
    assert status == "interrupted"
    # The record (`agentnet runs show`) says the same: it said `agentnet serve`'s way first.
    assert json.loads(error)["hint"] == hint, error
    said = log.read_text()
    assert f"got {signum.name}: stopping" in said, said
    # What resumes it: no MCP tool does (POST /v1/runs/ID/resume, serve's wording, came first).
    said_run = [line for line in said.splitlines() if f"run {run_id} interrupted" in line]
    assert len(said_run) == 1 and f"resume it: `agentnet run --resume {run_id}`" in said_run[0], said
    assert "the MCP tools cannot resume a run" in said_run[0], said
    assert "agentnet mcp serve stopped" in said and "Traceback" not in said, said
    wait_until(lambda: not any(alive(pid) for pid in children), what="the MCP server to end", timeout_s=5)


def test_sigterm_stops_an_ask_in_flight_and_answers_the_host(agentnet_home: Path, tmp_path: Path) -> None:
    """An `ask` (one model's reply, not a run) in flight: it stops at the signal and the host is answered
    that the server shut down. Before, the stop waited up to 10 s for the reply, then exited without an
    answer to a longer one."""
    log = tmp_path / "stderr.txt"
    with serving(agentnet_home, log) as process:
        assert process.stdout is not None
        call_tool(process, "ask", {"prompt": TASK})
        time.sleep(4)  # the model loaded and into its reply
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        answer = json.loads(process.stdout.readline())
        assert process.wait(timeout=30) == 0, log.read_text()
        took = time.monotonic() - began
    said = log.read_text()
    assert took < 5, (took, said[-3000:])
    result = answer["result"]
    assert answer["id"] == 2 and result["isError"], answer
    assert "the MCP server is shutting down" in result["content"][0]["text"], answer
    assert "Traceback" not in said, said


def test_sigterm_answers_a_plan_in_flight_and_does_not_wait_for_its_thread(agentnet_home: Path, tmp_path: Path) -> None:
    """A `plan` whose planner model never answers (its deadline a minute away): the signal answers the
    host that the server shut down, and the process exits at once. Before, the host got no answer and
    the stop waited 10 s for the turn the plan's thread held (given up on, it holds it to its end)."""
    with silent_port() as port:
        (tmp_path / "agentnet.yaml").write_text(
            "models:\n  - id: hanging\n    adapter: litellm\n    model: openai/fake\n"
            f"    api_base: http://127.0.0.1:{port}/v1\n    params: {{retries: 0, deadline_s: 60}}\n"
            "planner: {model: hanging, consult: decompose}\n"
        )
        log = tmp_path / "stderr.txt"
        with serving(agentnet_home, log, cwd=tmp_path) as process:
            assert process.stdout is not None
            call_tool(process, "plan", {"task": "Write a haiku about bees, then translate it."})
            wait_until(lambda: connections_to(port) > 0, "the planner to call its model", timeout_s=60)
            began = time.monotonic()
            process.send_signal(signal.SIGTERM)
            answer = json.loads(process.stdout.readline())
            status = process.wait(timeout=60)
            took = time.monotonic() - began
    said = log.read_text()
    assert status == 0 and took < 5, (status, took, said[-3000:])
    result = answer["result"]
    assert answer["id"] == 2 and result["isError"], answer
    assert "the MCP server is shutting down" in result["content"][0]["text"], answer
    assert "Traceback" not in said, said
