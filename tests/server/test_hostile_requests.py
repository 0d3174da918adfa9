"""Hostile requests to a real ``agentnet serve`` (the embedded GGUF behind a token): refused with a 4xx
and a message, never a 5xx, and nothing of them ends up as a traceback in the server's log."""

from __future__ import annotations

from typing import Any

import httpx
from serve_helpers import Served


def nested(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(depth):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def test_deep_response_format_is_400_on_every_route(gguf_server: Served) -> None:
    before = len(gguf_server.log_text())
    fmt = {"type": "json_schema", "json_schema": {"name": "out", "schema": nested(120)}}
    for model in ("smollm2", "agentnet"):
        for stream in (False, True):
            body = {"model": model, "messages": [{"role": "user", "content": "hi"}], "response_format": fmt}
            response = httpx.post(
                f"{gguf_server.api_base}/chat/completions",
                json={**body, "stream": stream},
                headers=gguf_server.headers(),
                timeout=60,
            )
            assert response.status_code == 400, (model, stream, response.text[:300])
            error = response.json()["error"]
            assert error["code"] == "invalid_schema" and error["param"] == "response_format"
            assert "nested more than 64 levels" in error["message"]
    log = gguf_server.log_text()[before:]
    assert "Traceback" not in log and "RecursionError" not in log, log[-3000:]
