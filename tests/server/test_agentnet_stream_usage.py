"""``stream_options: {"include_usage": true}`` on the ``agentnet`` model: the finishing chunk carries the
run's usage, as the one-model stream's does and as the answer given whole does. It was left out, and an
OpenAI client counting tokens read none for a streamed run.

A real server (create_app on uvicorn) with a real Network whose one model is a litellm node on a
loopback OpenAI-compatible upstream that reports 5 prompt and 3 completion tokens per call.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai_upstream import Upstream
from serve_helpers import ThreadedServer

from agentnet.config import load_config
from agentnet.network import Network
from agentnet.server.app import create_app
from agentnet.server.settings import ServerSettings

pytestmark = pytest.mark.filterwarnings("ignore:Accessing the 'model_(computed_)?fields' attribute")
TASK = "Write a haiku about bees"


@pytest.fixture
def network() -> Iterator[Network]:
    upstream = Upstream()
    Path("agentnet.yaml").write_text(
        f"models:\n  - id: poet\n    adapter: litellm\n    model: openai/poet\n    api_base: {upstream.api_base}\n"
        "    params: {retries: 0}\n    card: {description: 'Writes poems and haikus on any subject', skills: "
        "[{id: poems, description: Write a poem or haiku, tags: [poem, haiku, write]}]}\n"
    )
    network = Network(load_config())
    yield network
    network.close()
    upstream.close()


def streamed(server: ThreadedServer, body: dict[str, Any]) -> list[dict[str, Any]]:
    chunks = []
    with httpx.stream("POST", f"{server.url}/v1/chat/completions", json=body, timeout=300) as response:
        assert response.status_code == 200, response.read()
        for line in response.iter_lines():
            if line.startswith("data: {"):
                chunks.append(json.loads(line.removeprefix("data: ")))
    return chunks


def test_a_streamed_run_reports_its_usage_when_asked(run_app: Callable[..., ThreadedServer], network: Network) -> None:
    server = run_app(create_app(None, ServerSettings(), network=network))
    body = {"model": "agentnet", "messages": [{"role": "user", "content": TASK}], "stream": True}
    chunks = streamed(server, {**body, "stream_options": {"include_usage": True}})
    text = "".join(chunk["choices"][0]["delta"].get("content") or "" for chunk in chunks)
    assert text == "answer from poet", chunks
    last = chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop" and last["agentnet"]["status"] == "succeeded"
    assert last.get("usage") == {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}, last
    whole = httpx.post(f"{server.url}/v1/chat/completions", json={**body, "stream": False}, timeout=300)
    assert whole.json()["usage"] == last["usage"]
    # Not asked: no usage, as OpenAI streams it.
    assert "usage" not in streamed(server, body)[-1]
