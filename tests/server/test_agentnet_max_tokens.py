"""`max_tokens` sent with the `agentnet` model bounds each step's reply, as it bounds one model's reply.
Before, it was dropped: {"model": "agentnet", "max_tokens": 8, "Write a short story about a cat"} came
back as a whole story (~100 tokens, 12 s of SmolLM2 on a loaded machine). The real `agentnet serve`
(embedded SmolLM2), real HTTP, the run's stored trace counting the tokens."""

from __future__ import annotations

import json

import httpx
from serve_helpers import Served

STORY = [{"role": "user", "content": "Write a short story about a cat."}]


def completion_tokens(served: Served, run_id: str) -> int:
    trace = httpx.get(f"{served.api_base}/runs/{run_id}", headers=served.headers(), timeout=30).json()
    return sum(int(step["completion_tokens"]) for step in trace["steps"])


def test_max_tokens_bounds_an_agentnet_run(gguf_server: Served) -> None:
    url = f"{gguf_server.api_base}/chat/completions"
    body = {"model": "agentnet", "messages": STORY, "max_tokens": 8}
    reply = httpx.post(url, json=body, headers=gguf_server.headers(), timeout=300)
    assert reply.status_code == 200, reply.text
    run_id = reply.json()["agentnet"]["run_id"]
    assert 0 < completion_tokens(gguf_server, run_id) <= 8
    # The reply's usage counts the run's model calls (it said 0 for every run before).
    usage = reply.json()["usage"]
    assert usage["completion_tokens"] == completion_tokens(gguf_server, run_id)
    assert usage["prompt_tokens"] > 0 and usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]

    # Streamed, the same; max_completion_tokens (OpenAI's newer name) too.
    body = {"model": "agentnet", "messages": STORY, "max_completion_tokens": 6, "stream": True}
    with httpx.stream("POST", url, json=body, headers=gguf_server.headers(), timeout=300) as streamed:
        assert streamed.status_code == 200
        chunks = [json.loads(line[6:]) for line in streamed.iter_lines() if line.startswith("data: {")]
    assert chunks[-1]["agentnet"]["status"] == "succeeded"
    assert 0 < completion_tokens(gguf_server, chunks[-1]["agentnet"]["run_id"]) <= 6
