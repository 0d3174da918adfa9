"""`agentnet mcp serve` leaves as soon as its host closes its stdin.

An MCP host (the SDK's stdio client) closes the server's stdin and gives it 2 s to exit, then SIGTERM,
SIGKILL, and after 2 s more abandons it: a server still running is a leaked process (seen after the
empty-prompt test in a loaded CI run). The server spent its exit garbage-collecting everything it held
(0.5-0.6 CPU s, ~1 s idle, several on a loaded machine). Measured in CPU seconds, which load does not
stretch. Real server process, driven with raw JSON-RPC lines so the test holds the process itself."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from mcpkit import AGENTNET
from processes import cpu_seconds


def exchange(process: subprocess.Popen[str], message: dict[str, Any]) -> dict[str, Any] | None:
    """Send one JSON-RPC message; for a request (it has an id), its answer."""
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps({"jsonrpc": "2.0", **message}) + "\n")
    process.stdin.flush()
    while "id" in message:
        answer = json.loads(process.stdout.readline())
        if answer.get("id") == message["id"]:
            return dict(answer)
    return None


@pytest.mark.parametrize("prompt", ["", "What is the capital of France?"])
def test_mcp_serve_exits_at_once_when_its_host_closes_stdin(agentnet_home: Path, prompt: str) -> None:
    process = subprocess.Popen(
        [*AGENTNET, "mcp", "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, env={**os.environ, "AGENTNET_HOME": str(agentnet_home)},
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    try:
        client = {"name": "test", "version": "1"}
        hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": client}
        assert exchange(process, {"id": 1, "method": "initialize", "params": hello}) is not None
        exchange(process, {"method": "notifications/initialized"})
        call = {"name": "ask", "arguments": {"prompt": prompt}}
        asked = exchange(process, {"id": 2, "method": "tools/call", "params": call})
        assert asked is not None and "result" in asked, asked
        before = cpu_seconds(process.pid)
        process.stdin.close()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if process.returncode is None:
            process.kill()
            process.wait()
        process.stdout.close()
    assert process.returncode == 0
    spent = usage.ru_utime + usage.ru_stime - before
    assert spent < 0.3, f"{spent:.2f} CPU s from the host closing stdin to the exit"
