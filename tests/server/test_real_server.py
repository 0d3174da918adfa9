"""The real ``agentnet serve`` (embedded SmolLM2 GGUF) called by the OpenAI client and by litellm."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr
from serve_helpers import TOKEN, Served

QUESTION = [{"role": "user", "content": "What is the capital of France?"}]


def test_models_and_agent_card(gguf_server: Served) -> None:
    models = httpx.get(f"{gguf_server.api_base}/models", headers=gguf_server.headers()).json()
    ids = [m["id"] for m in models["data"]]
    assert "smollm2" in ids and "agentnet" in ids
    card = httpx.get(f"{gguf_server.url}/.well-known/agent-card.json").json()
    assert card["capabilities"]["extensions"][0]["params"]["api_base"] == gguf_server.api_base
    assert card["capabilities"]["streaming"] is True
    skills = {s["id"]: s for s in card["skills"]}
    chat = skills["smollm2/chat"]
    assert chat["name"] == "General chat"
    assert chat["inputModes"] == ["text/plain"] and chat["outputModes"] == ["text/plain"]
    assert chat["examples"] == ["What is the capital of France?"]
    assert {"chat", "embedded"} <= set(chat["tags"])
    for skill in card["skills"]:
        assert {"id", "name", "description", "tags", "inputModes", "outputModes"} <= set(skill)
    assert "bearer" in card["securitySchemes"]


def test_openai_client_non_streaming(gguf_server: Served) -> None:
    openai = pytest.importorskip("openai")
    with openai.OpenAI(base_url=gguf_server.api_base, api_key=TOKEN, max_retries=0) as client:
        reply = client.chat.completions.create(model="smollm2", messages=QUESTION, max_tokens=24)
    assert "Paris" in reply.choices[0].message.content
    assert reply.usage.completion_tokens > 0
    assert reply.model == "smollm2"


def test_openai_client_streaming(gguf_server: Served) -> None:
    openai = pytest.importorskip("openai")
    pieces, finishes, usage = [], [], None
    with openai.OpenAI(base_url=gguf_server.api_base, api_key=TOKEN, max_retries=0) as client:
        stream = client.chat.completions.create(
            model="smollm2", messages=QUESTION, max_tokens=24, stream=True, stream_options={"include_usage": True}
        )
        for chunk in stream:
            if chunk.usage is not None:
                usage = chunk.usage
            for choice in chunk.choices:
                pieces.append(choice.delta.content or "")
                finishes.append(choice.finish_reason)
    assert len([p for p in pieces if p]) > 1  # really streamed, not one blob
    assert "Paris" in "".join(pieces)
    assert finishes[-1] in {"stop", "length"}
    assert usage is not None and usage.completion_tokens > 0


def test_openai_client_gets_openai_errors(gguf_server: Served) -> None:
    openai = pytest.importorskip("openai")
    with openai.OpenAI(base_url=gguf_server.api_base, api_key=TOKEN, max_retries=0) as client:
        with pytest.raises(openai.NotFoundError) as missing:
            client.chat.completions.create(model="no-such-model", messages=QUESTION)
        assert missing.value.code == "model_not_found"
    with (
        openai.OpenAI(base_url=gguf_server.api_base, api_key="wrong-token-wrong-token", max_retries=0) as bad,
        pytest.raises(openai.AuthenticationError),
    ):
        bad.chat.completions.create(model="smollm2", messages=QUESTION)


def test_litellm_reaches_the_server_as_an_openai_model(gguf_server: Served) -> None:
    from agentnet.nodes.litellm import import_litellm

    litellm = import_litellm()
    reply = litellm.completion(
        model="openai/smollm2",
        api_base=gguf_server.api_base,
        api_key=TOKEN,
        messages=QUESTION,
        max_tokens=24,
        max_retries=0,
    )
    assert "Paris" in reply.choices[0].message.content


def test_an_agentnet_litellm_node_can_use_the_server(gguf_server: Served) -> None:
    from agentnet.cards import CapabilityCard
    from agentnet.nodes.litellm import LiteLLMNode

    node = LiteLLMNode(
        node_id="remote-smollm2",
        card=CapabilityCard(id="remote-smollm2", locality="remote"),
        model="openai/smollm2",
        api_base=gguf_server.api_base,
        api_key=SecretStr(TOKEN),
    )
    reply = node.complete(QUESTION, max_tokens=24)
    assert "Paris" in reply.text
    assert reply.usage.completion_tokens > 0


@pytest.mark.parametrize("stream", [False, True])
def test_agentnet_run_stops_at_the_callers_deadline(gguf_server: Served, stream: bool) -> None:
    import time

    started = time.perf_counter()
    response = httpx.post(
        f"{gguf_server.api_base}/chat/completions",
        json={
            "model": "agentnet",
            "stream": stream,  # streamed too: the stream starts only after planning, so the status is real
            "messages": [{"role": "user", "content": "What is the capital of France?"}],
        },
        # 0.5 s is accepted at the door but never leaves the run its minimum (MIN_RUN_S) once planning
        # has taken any time at all, so the refusal does not depend on how fast this machine is.
        headers={**gguf_server.headers(), "X-Agentnet-Deadline": "0.5"},
        timeout=120,
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 504, response.text
    error = response.json()["error"]
    assert error["code"] == "deadline_exceeded" and error["type"] == "timeout_error"
    assert "deadline" in error["message"] or "max_seconds" in error["message"]
    # The planner model is skipped when the deadline leaves it no time, and nothing runs after it.
    assert elapsed < 30
