"""The remote node through litellm: a real llama.cpp server on loopback, and fault servers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from agentnet.cards import CapabilityCard
from agentnet.config import ModelParams, ModelSpec
from agentnet.errors import ConfigError, DeadlineExceededError, ModelCallError
from agentnet.nodes.litellm import LiteLLMNode
from agentnet.nodes.registry import NodeRegistry

SYSTEM = "You are a helpful assistant. Answer concisely."
SENTINEL = "sk-agentnet-SENTINEL-4f1d9c-do-not-leak"
CITY_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
    "additionalProperties": False,
}


def remote(api_base: str, **params: Any) -> LiteLLMNode:
    spec = ModelSpec(
        id="remote-smollm2",
        adapter="litellm",
        model="openai/smollm2",
        api_base=api_base,
        params=ModelParams(system_prompt=SYSTEM, seed=0, **params),
    )
    return LiteLLMNode.from_spec(spec)


def test_sync_call(llama_server: str) -> None:
    reply = remote(llama_server).complete("What is the capital of France?")
    assert "Paris" in reply.text
    assert reply.usage.prompt_tokens > 10 and reply.usage.completion_tokens > 0
    assert reply.latency_s > 0
    assert reply.cost == 0.0  # loopback server, no card cost


async def test_async_call(llama_server: str) -> None:
    reply = await remote(llama_server).acomplete("What is the capital of France?")
    assert "Paris" in reply.text


def test_streaming(llama_server: str) -> None:
    stream = remote(llama_server).stream_text("What is the capital of France?")
    pieces = list(stream)
    assert len(pieces) > 1
    assert stream.reply is not None and "".join(pieces) == stream.reply.text
    assert "Paris" in stream.reply.text


def test_structured_output(llama_server: str) -> None:
    reply = remote(llama_server).complete("Which city is the capital of France? Reply in JSON.", schema=CITY_SCHEMA)
    assert isinstance(reply.data, dict) and isinstance(reply.data["city"], str)


def test_langchain_invoke(llama_server: str) -> None:
    message = remote(llama_server).invoke([SystemMessage(SYSTEM), HumanMessage("What is the capital of France?")])
    assert "Paris" in message.content


def test_card_of_a_loopback_model_keeps_data_on_host(llama_server: str) -> None:
    card = remote(llama_server).card
    assert card.locality == "remote"
    assert card.data_leaves_host is False


def test_unreachable_server_is_retried_then_named(closed_port_url: str) -> None:
    node = remote(closed_port_url, retries=2, retry_backoff_s=0.05)
    with pytest.raises(ModelCallError) as err:
        node.complete("hi")
    message = err.value.message
    assert "'remote-smollm2'" in message and "openai/smollm2" in message
    assert closed_port_url in message
    assert "after 3 attempts" in message


def test_server_errors_are_retried_a_bounded_number_of_times(status_server: Callable[[int], Any]) -> None:
    server = status_server(503)
    node = remote(server.url, retries=2, retry_backoff_s=0.05)
    with pytest.raises(ModelCallError, match="after 3 attempts"):
        node.complete("hi")
    assert len(server.requests) == 3


@pytest.mark.parametrize(("status", "requests"), [(429, 3), (408, 3), (400, 1), (404, 1), (422, 1)])
def test_only_transient_statuses_are_retried(status_server: Callable[[int], Any], status: int, requests: int) -> None:
    server = status_server(status)
    node = remote(server.url, retries=2, retry_backoff_s=0.01)
    with pytest.raises(ModelCallError) as err:
        node.complete("hi")
    assert len(server.requests) == requests
    assert f"after {requests} attempt" in err.value.message


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_are_not_retried(status_server: Callable[[int], Any], status: int) -> None:
    server = status_server(status)
    node = remote(server.url, retries=3, retry_backoff_s=0.05)
    with pytest.raises(ModelCallError) as err:
        node.complete("hi")
    assert len(server.requests) == 1
    assert err.value.code == "model_auth_failed"
    assert f"HTTP {status}" in err.value.message and "not retried" in err.value.message
    assert err.value.hint and "OPENAI_API_KEY" in err.value.hint


def test_silent_server_hits_agentnets_deadline(silent_server: str) -> None:
    node = remote(silent_server, deadline_s=1.0, retries=0)
    started = time.perf_counter()
    with pytest.raises(DeadlineExceededError, match="remote-smollm2"):
        node.complete("hi")
    assert time.perf_counter() - started < 30  # the silent server never answers: without the deadline, a hang


def test_api_key_sentinel_never_leaks(
    status_server: Callable[[int], Any],
    closed_port_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL)
    caplog.set_level(logging.DEBUG)
    server = status_server(401)
    node = remote(server.url, retries=1)
    with pytest.raises(ModelCallError) as err:
        node.complete("hi")
    # The key really was sent: this test would catch a leak, not just the key's absence.
    assert server.authorization == [f"Bearer {SENTINEL}"]
    unreachable = remote(closed_port_url, retries=0)
    with pytest.raises(ModelCallError) as err2:
        unreachable.complete("hi")
    explicit = LiteLLMNode(node_id="x", card=CapabilityCard(id="x"), model="openai/x", api_key=SENTINEL)  # type: ignore[arg-type]
    seen = [
        str(err.value),
        repr(err.value),
        str(err.value.to_dict()),
        str(err2.value),
        repr(node),
        node.model_dump_json(),
        repr(explicit),
        str(explicit),
        explicit.model_dump_json(),
        str(explicit.model_dump()),
        caplog.text,
        *capfd.readouterr(),
    ]
    for text in seen:
        assert SENTINEL not in text


def test_key_from_dotenv_file_under_a_custom_variable(
    status_server: Callable[[int], Any], agentnet_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MY_PROVIDER_KEY", raising=False)
    (agentnet_home / ".env").write_text(f"MY_PROVIDER_KEY={SENTINEL}\n")
    server = status_server(401)
    spec = ModelSpec(
        id="custom", adapter="litellm", model="openai/x", api_base=server.url, api_key_env="MY_PROVIDER_KEY"
    )
    with pytest.raises(ModelCallError) as err:
        LiteLLMNode.from_spec(spec).complete("hi")
    assert server.authorization == [f"Bearer {SENTINEL}"]
    assert "MY_PROVIDER_KEY" in str(err.value.hint)
    # A project .env (the working directory's) wins over the home one.
    Path(".env").write_text("MY_PROVIDER_KEY=sk-project-key\n")
    with pytest.raises(ModelCallError):
        LiteLLMNode.from_spec(spec).complete("hi")
    assert server.authorization[-1] == "Bearer sk-project-key"


def test_missing_named_key_variable_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE_KEY", raising=False)
    spec = ModelSpec(id="needs-key", adapter="litellm", model="openai/gpt-4o-mini", api_key_env="NOT_SET_ANYWHERE_KEY")
    with pytest.raises(ConfigError, match="NOT_SET_ANYWHERE_KEY"):
        LiteLLMNode.from_spec(spec).complete("hi")


def test_registry_builds_remote_nodes_from_config(llama_server: str) -> None:
    from agentnet.config import AgentnetConfig

    config = AgentnetConfig(
        models=[ModelSpec(id="served", adapter="litellm", model="openai/smollm2", api_base=llama_server)]
    )
    node = NodeRegistry(config).node("served")
    assert isinstance(node, LiteLLMNode)
    assert node.complete("What is the capital of France?", max_tokens=16).text.strip()


def test_server_failing_mid_stream_is_an_error_not_an_empty_reply(llama_server: str) -> None:
    # llama.cpp's server starts the stream, then fails: the prompt exceeds its 2048-token context.
    node = remote(llama_server, retries=0)
    with pytest.raises(ModelCallError) as err:
        node.complete("the history of every city in Europe " * 600, max_tokens=8)
    assert err.value.code == "model_empty_stream"
    assert llama_server in err.value.message
    assert err.value.hint and "context window" in err.value.hint


def test_cost_comes_from_litellms_local_cost_map_when_the_card_has_none() -> None:
    from agentnet.nodes.litellm import litellm_cost_per_1k

    costs = litellm_cost_per_1k("openai/gpt-4o-mini")
    assert costs is not None and costs[0] > 0 and costs[1] > costs[0]
    assert litellm_cost_per_1k("openai/no-such-model-anywhere") is None
    node = LiteLLMNode.from_spec(ModelSpec(id="gpt", adapter="litellm", model="openai/gpt-4o-mini"))
    node._fill_cost_from_litellm()
    assert (node.card.cost_per_1k_input, node.card.cost_per_1k_output) == costs
    priced = LiteLLMNode.from_spec(
        ModelSpec(id="gpt", adapter="litellm", model="openai/gpt-4o-mini", card={"cost_per_1k_input": 9.0})
    )
    priced._fill_cost_from_litellm()
    assert priced.card.cost_per_1k_input == 9.0  # the card wins
