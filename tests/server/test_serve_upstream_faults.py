"""Upstream faults behind a real ``agentnet serve``: the client gets the real cause, in OpenAI's shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fake_upstream import Upstream, content_refused, html_page
from serve_helpers import Served, start_serve


def remote_model(model_id: str, server: Upstream) -> str:
    return f"""\
  - id: {model_id}
    adapter: litellm
    model: openai/fake
    api_base: {server.api_base}
    params: {{retries: 2, retry_backoff_s: 0.05}}
"""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Served, Upstream, Upstream]]:
    refusing, html = Upstream(content_refused()), Upstream(html_page())
    config = "models:\n" + remote_model("refusing", refusing) + remote_model("webpage", html)
    server = start_serve(tmp_path / "serve", config=config)
    try:
        yield server, refusing, html
    finally:
        server.stop()
        refusing.close()
        html.close()


def test_refusals_and_html_pages_reach_the_client_as_what_they_are(
    served: tuple[Served, Upstream, Upstream],
) -> None:
    server, refusing, html = served
    chat = {"messages": [{"role": "user", "content": "hi"}]}
    refused = httpx.post(f"{server.api_base}/chat/completions", json={**chat, "model": "refusing"}, timeout=60)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["code"] == "content_policy_violation"
    assert len(refusing.requests) == 1

    page = httpx.post(f"{server.api_base}/chat/completions", json={**chat, "model": "webpage"}, timeout=60)
    assert page.status_code == 502, page.text
    error = page.json()["error"]
    assert error["code"] == "model_bad_response" and "HTML" in error["message"]
    assert "context" not in error["message"]
    assert len(html.requests) == 1
