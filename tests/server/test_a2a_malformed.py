"""Malformed A2A JSON-RPC requests to the real ``agentnet serve``: each gets its JSON-RPC error naming
what was wrong, the log one warning line per request and no traceback, and the server goes on."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from serve_helpers import Served

RPC = {"jsonrpc": "2.0", "id": 1}


@pytest.mark.parametrize(
    ("body", "code", "said"),
    [
        ("[]", -32600, "[] value is not accepted"),
        ('"text"', -32600, "should be an object"),
        ({**RPC, "method": "ListTasks", "params": {"pageSize": "x"}}, -32602, "Failed to parse pageSize"),
        ({**RPC, "method": "GetTask", "params": {"id": {"a": 1}}}, -32602, "id"),
        ({**RPC, "method": "SendMessage", "params": {"message": {"parts": "no"}}}, -32602, "parts"),
    ],
)
def test_a_malformed_request_is_its_error_and_one_log_line(
    gguf_server: Served, body: Any, code: int, said: str
) -> None:
    before = len(gguf_server.log_text())
    content = body if isinstance(body, str) else None
    answer = httpx.post(
        f"{gguf_server.url}/a2a",
        content=content,
        json=None if content is not None else body,
        headers={**gguf_server.headers(), "Content-Type": "application/json", "A2A-Version": "1.0"},
        timeout=60,
    )
    error = answer.json()["error"]
    assert error["code"] == code and said in str(error), error
    log = gguf_server.log_text()[before:]
    assert "Traceback" not in log and "Failed to" not in log.split("Request Error")[0], log
    assert sum("Request Error" in line for line in log.splitlines()) == 1, log
    assert httpx.get(f"{gguf_server.url}/healthz", timeout=10).status_code == 200
