"""A2A messages whose parts are not all text, to a real ``agentnet serve``: the task is the message's
text (the agent card's input mode is text/plain), and a file, a URL or data beside it was dropped
unsaid: a sign's photo with "How many words are written on this sign?" ran the question alone and
failed on every text tool; a URL part (file:///etc/passwd) with "read it" was answered by the chat
model. Now the task is rejected, naming the part and where an image goes, and nothing runs."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from serve_helpers import Served

pytest.importorskip("a2a.types", reason="a2a-sdk is the agentnet[a2a] extra (in .[dev])")

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(64)).decode()


def send(served: Served, parts: list[dict[str, Any]]) -> dict[str, Any]:
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "SendMessage",
        "params": {"message": {"messageId": uuid.uuid4().hex, "role": "ROLE_USER", "parts": parts}},
    }
    answer = httpx.post(f"{served.url}/a2a", json=body, headers={"A2A-Version": "1.0"}, timeout=120)
    assert answer.status_code == 200, answer.text
    task: dict[str, Any] = answer.json()["result"]["task"]
    return task


def said(task: dict[str, Any]) -> str:
    return "".join(part.get("text", "") for part in task["status"]["message"]["parts"])


NOT_TEXT = [
    ({"raw": PNG, "mediaType": "image/png", "filename": "sign.png"}, "part 1 is a file (image/png, sign.png)"),
    ({"url": "file:///etc/passwd", "mediaType": "text/plain"}, "part 1 is a URL (text/plain)"),
    ({"data": {"rows": [1, 2]}}, "part 1 is structured data"),
]


def test_a_part_that_is_not_text_rejects_the_task_naming_it(serve: Callable[..., Served]) -> None:
    served = serve("a2a-parts")
    for part, named in NOT_TEXT:
        task = send(served, [part, {"text": "How many words are written on this sign?"}])
        assert task["status"]["state"] == "TASK_STATE_REJECTED", task
        assert said(task).startswith(named) and "reads text parts only" in said(task), said(task)
        assert "POST /v1/chat/completions" in said(task)
    runs = httpx.get(f"{served.api_base}/runs", timeout=30).json()["data"]
    assert runs == [], runs  # nothing ran
    # Text alone is still the task.
    done = send(served, [{"text": "what is 2+3"}])
    assert done["status"]["state"] == "TASK_STATE_COMPLETED", done
    assert done["artifacts"][0]["parts"][0]["text"] == "5"
