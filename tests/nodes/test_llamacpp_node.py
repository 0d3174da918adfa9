"""The local node on the real SmolLM2 GGUF (one loaded model shared by the whole session)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, TypedDict

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from agentnet.config import embedded_default_spec
from agentnet.errors import ConfigError, ContextOverflowError, DeadlineExceededError
from agentnet.nodes.llamacpp import LlamaCppNode, count_prompt_tokens
from agentnet.nodes.pool import ModelPool

CITY_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
    "required": ["city", "country"],
    "additionalProperties": False,
}


def test_answers_a_simple_question(smollm2_node: Any) -> None:
    reply = smollm2_node.complete("What is the capital of France?")
    assert "Paris" in reply.text
    assert reply.usage.prompt_tokens > 10
    assert 0 < reply.usage.completion_tokens <= 512
    assert reply.latency_s > 0 and reply.first_token_s is not None
    assert reply.finish_reason == "stop"
    assert reply.node_id == "smollm2"


def test_streams_pieces_that_join_to_the_reply(smollm2_node: Any) -> None:
    stream = smollm2_node.stream_text("What is the capital of France?")
    pieces = list(stream)
    assert len(pieces) > 1
    assert stream.reply is not None
    assert "".join(pieces) == stream.reply.text
    assert stream.reply.usage.completion_tokens == len(pieces)


def test_prompt_token_count_matches_llama_cpp(smollm2_node: Any) -> None:
    loaded = smollm2_node.load()
    messages = [
        {"role": "system", "content": "You are a helpful assistant. Answer concisely."},
        {"role": "user", "content": "What is the capital of France?"},
    ]
    with loaded.lock:
        reported = loaded.llama.create_chat_completion(messages, max_tokens=1, seed=0)["usage"]["prompt_tokens"]
    assert count_prompt_tokens(loaded, messages, None) == reported


def test_max_tokens_is_respected(smollm2_node: Any) -> None:
    reply = smollm2_node.complete("Write a long story about a dragon.", max_tokens=5)
    assert reply.usage.completion_tokens == 5
    assert reply.finish_reason == "length"


def test_structured_output_follows_the_schema_by_grammar(smollm2_node: Any) -> None:
    reply = smollm2_node.complete("Which city is the capital of France? Answer in JSON.", schema=CITY_SCHEMA)
    assert isinstance(reply.data, dict)
    assert set(reply.data) == {"city", "country"}
    assert reply.attempts == 1  # the grammar makes the first attempt valid


def test_prompt_over_n_ctx_is_refused_before_llama_cpp(smollm2_node: Any) -> None:
    loaded = smollm2_node.load()
    calls_before = loaded.calls
    long_prompt = "the history of every city in Europe " * 600
    with pytest.raises(ContextOverflowError) as err:
        smollm2_node.complete(long_prompt)
    message = err.value.message
    assert "'smollm2'" in message and "2048" in message
    tokens = int(message.split(" is ")[1].split(" tokens")[0])
    assert tokens > 2048
    assert err.value.hint and "n_ctx" in err.value.hint
    # The model is still usable: nothing reached llama.cpp in a bad state.
    assert loaded.calls == calls_before + 1
    assert "Paris" in smollm2_node.complete("What is the capital of France?").text


def test_max_tokens_is_clamped_to_the_space_left(smollm2_path: Path) -> None:
    # A small context keeps the prompt cheap to evaluate on 2 cores.
    spec = embedded_default_spec()
    spec = spec.model_copy(update={"params": spec.params.model_copy(update={"n_ctx": 256})})
    pool = ModelPool()
    node = LlamaCppNode.from_spec(spec, pool=pool)
    try:
        prompt = "apple " * 200
        prompt_tokens = count_prompt_tokens(
            node.load(), node._prepare_messages([{"role": "user", "content": prompt}]), None
        )
        space = 256 - prompt_tokens
        assert 0 < space < 60
        reply = node.complete(prompt, max_tokens=1000, deadline_s=300)
        assert reply.usage.prompt_tokens == prompt_tokens
        assert 0 < reply.usage.completion_tokens <= space
    finally:
        pool.clear()


def test_deadline_fires_and_frees_the_model(smollm2_node: Any) -> None:
    started = time.perf_counter()
    with pytest.raises(DeadlineExceededError, match="smollm2"):
        smollm2_node.complete("Write a very long story about the sea.", max_tokens=400, deadline_s=0.3)
    assert time.perf_counter() - started < 2.0
    # The worker stops at the next token, releasing the model lock long before 400 tokens are generated
    # (the generous timeout only absorbs other processes' load on a shared CI machine).
    loaded = smollm2_node.load()
    assert loaded.lock.acquire(timeout=60)
    try:
        evaluated = loaded.llama.n_tokens  # prompt + tokens generated before the worker stopped
    finally:
        loaded.lock.release()
    assert evaluated < 150


async def test_async_call(smollm2_node: Any) -> None:
    reply = await smollm2_node.acomplete("What is the capital of France?")
    assert "Paris" in reply.text
    pieces = [piece async for piece in smollm2_node.astream_text("What is the capital of France?")]
    assert "Paris" in "".join(pieces)


def test_langchain_invoke_and_stream(smollm2_node: Any) -> None:
    message = smollm2_node.invoke(
        [
            SystemMessage("You are a helpful assistant. Answer concisely."),
            HumanMessage("What is the capital of France?"),
        ]
    )
    assert isinstance(message, AIMessage)
    assert "Paris" in message.content
    assert message.usage_metadata is not None and message.usage_metadata["output_tokens"] > 0
    chunks = list(smollm2_node.stream([HumanMessage("What is the capital of France?")]))
    assert "Paris" in "".join(str(chunk.content) for chunk in chunks)


def test_node_inside_a_langgraph_graph(smollm2_node: Any) -> None:
    from langgraph.graph import END, START, StateGraph

    class State(TypedDict):
        messages: list[BaseMessage]
        answer: str

    def ask_model(state: State) -> dict[str, Any]:
        reply = smollm2_node.invoke(state["messages"])
        return {"messages": [*state["messages"], reply], "answer": str(reply.content)}

    def shout(state: State) -> dict[str, Any]:
        return {"answer": state["answer"].upper()}

    graph = StateGraph(State)
    graph.add_node("ask", ask_model)
    graph.add_node("shout", shout)
    graph.add_edge(START, "ask")
    graph.add_edge("ask", "shout")
    graph.add_edge("shout", END)
    result = graph.compile().invoke({"messages": [HumanMessage("What is the capital of France?")], "answer": ""})
    assert "PARIS" in result["answer"]
    assert isinstance(result["messages"][-1], AIMessage)


def test_explicit_chat_format_uses_a_safe_upper_bound_for_the_prompt() -> None:
    spec = embedded_default_spec()
    spec = spec.model_copy(update={"params": spec.params.model_copy(update={"n_ctx": 512, "chat_format": "chatml"})})
    pool = ModelPool()
    node = LlamaCppNode.from_spec(spec, pool=pool)
    try:
        loaded = node.load()
        assert loaded.llama.chat_format == "chatml"
        messages = node._prepare_messages([{"role": "user", "content": "What is the capital of France?"}])
        bound = count_prompt_tokens(loaded, messages, "chatml")
        reply = node.complete("What is the capital of France?", max_tokens=16)
        assert reply.text.strip()
        # The bound is what the overflow check used: never below what llama.cpp really evaluated.
        assert reply.usage.prompt_tokens == bound
        with loaded.lock:
            real = loaded.llama.create_chat_completion(messages, max_tokens=1, seed=0)["usage"]["prompt_tokens"]
        assert bound >= real
    finally:
        pool.clear()


def test_misspelt_chat_format_is_refused_before_loading() -> None:
    spec = embedded_default_spec()
    spec = spec.model_copy(update={"params": spec.params.model_copy(update={"chat_format": "chatmlx"})})
    pool = ModelPool()
    with pytest.raises(ConfigError) as err:
        LlamaCppNode.from_spec(spec, pool=pool).complete("hi")
    assert "'chatmlx'" in err.value.message
    assert err.value.hint and "chatml" in err.value.hint
    assert pool.loads == 0
