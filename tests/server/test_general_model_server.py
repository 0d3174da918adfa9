"""The server's ``agentnet`` model answers ordinary requests (issue 13, item 2) and refuses, with a
400 naming the missing capability, only a task nothing on the network can do."""

from __future__ import annotations

import httpx
import pytest
from serve_helpers import Served

pytestmark = pytest.mark.slow


def _ask(server: Served, task: str) -> httpx.Response:
    return httpx.post(
        f"{server.api_base}/chat/completions",
        json={"model": "agentnet", "messages": [{"role": "user", "content": task}], "max_tokens": 48},
        headers=server.headers(),
        timeout=300,
    )


def test_agentnet_model_answers_an_ordinary_request_through_the_general_model(gguf_server: Served) -> None:
    reply = _ask(gguf_server, "Explain recursion to a child.")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["choices"][0]["message"]["content"].strip()
    assert [step["capability"] for step in body["agentnet"]["plan"]] == ["smollm2"]


def test_agentnet_model_refuses_only_what_no_node_can_do(gguf_server: Served) -> None:
    reply = _ask(gguf_server, "Draw a picture of a lighthouse")
    assert reply.status_code == 400
    assert "image output" in reply.json()["error"]["message"]
