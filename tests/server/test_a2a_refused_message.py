"""A message to a finished A2A task is refused, and the refusal leaves nothing running in the server.

a2a-sdk 1.3 starts two queue dispatchers for the task before it refuses the message and never closes
them: the garbage collector destroyed them later, in the middle of some other request, and the server
logged "Task was destroyed but it is pending!" and an OpenTelemetry traceback (CI's load test caught it
in the log of a server that had answered such a message minutes before)."""

from __future__ import annotations

import gc
import logging
import time
import uuid
from typing import Any

import httpx
import pytest

pytest.importorskip("a2a.server", reason="a2a-sdk is the agentnet[a2a] extra (in .[dev])")

from agentnet.server.app import create_app
from agentnet.server.settings import ServerSettings


def send(url: str, task_id: str | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"messageId": uuid.uuid4().hex, "role": "ROLE_USER", "parts": [{"text": "hello"}]}
    if task_id:
        message["taskId"] = task_id
    body = {"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": {"message": message}}
    answer = httpx.post(f"{url}/a2a", json=body, headers={"A2A-Version": "1.0"}, timeout=60)
    assert answer.status_code == 200, answer.text
    reply: dict[str, Any] = answer.json()
    return reply


def test_a_message_to_a_finished_task_leaves_no_pending_task(run_app: Any, caplog: pytest.LogCaptureFixture) -> None:
    # No network: every task is rejected at once, which is a terminal state.
    server = run_app(create_app(None, ServerSettings()))
    finished = send(server.url)["result"]["task"]
    assert finished["status"]["state"] == "TASK_STATE_REJECTED", finished

    caplog.set_level(logging.ERROR)
    refused = send(server.url, finished["id"])
    assert "terminal state" in refused["error"]["message"], refused
    time.sleep(0.5)  # the SDK drops the task from its registry in a task of its own
    gc.collect()

    destroyed = [r.getMessage() for r in caplog.records if "destroyed but it is pending" in r.getMessage()]
    assert not destroyed, destroyed
    assert not [r for r in caplog.records if r.name.startswith("opentelemetry")], caplog.text
