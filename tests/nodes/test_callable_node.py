"""Plain Python callables as nodes: tools and non-LLM models with their own cards."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import HumanMessage

from agentnet.cards import CapabilityCard, Skill
from agentnet.errors import ModelCallError, UserError
from agentnet.nodes.callable import CallableNode
from agentnet.nodes.registry import NodeRegistry


def sentiment(text: str) -> dict[str, Any]:
    positive = sum(word in text.lower() for word in ("good", "great", "love"))
    negative = sum(word in text.lower() for word in ("bad", "awful", "hate"))
    return {"label": "positive" if positive >= negative else "negative", "score": positive - negative}


CARD = CapabilityCard(
    id="sentiment",
    description="Classify the sentiment of an English text.",
    skills=[Skill(id="classify", name="Sentiment", tags=["classification"])],
    output_types=["json"],
)


def test_callable_returns_json_text_and_validated_data() -> None:
    node = CallableNode.build(sentiment, CARD)
    assert node.card.provider == "tool"
    reply = node.complete("I love this great phone")
    assert reply.text == '{"label": "positive", "score": 2}'
    schema = {"type": "object", "required": ["label"], "properties": {"label": {"enum": ["positive", "negative"]}}}
    assert node.complete("This is awful", schema=schema).data == {"label": "negative", "score": -1}


def test_json_input_is_parsed() -> None:
    node = CallableNode.build(lambda data: sum(data["numbers"]), CapabilityCard(id="adder"))
    assert node.complete('{"numbers": [1, 2, 39]}').text == "42"
    text_node = CallableNode.build(lambda text: text[::-1], CapabilityCard(id="reverse"))
    assert text_node.complete("abc").text == "cba"


def test_last_user_message_is_the_input() -> None:
    node = CallableNode.build(str.upper, CapabilityCard(id="upper"))
    messages = [("system", "ignored"), ("user", "first"), ("assistant", "x"), ("user", "second")]
    assert node.complete(messages).text == "SECOND"
    assert node.invoke([HumanMessage("via langchain")]).content == "VIA LANGCHAIN"


def test_tool_failure_is_a_run_error_naming_the_tool() -> None:
    def broken(_: str) -> str:
        raise ValueError("no such city")

    node = CallableNode.build(broken, CapabilityCard(id="geocoder"))
    with pytest.raises(ModelCallError, match="tool 'geocoder' failed: ValueError: no such city"):
        node.complete("Atlantis")


def test_unserialisable_result_is_explained() -> None:
    node = CallableNode.build(lambda _: object(), CapabilityCard(id="odd"))
    with pytest.raises(ModelCallError, match="not JSON-serialisable"):
        node.complete("x")


def test_registered_callable_is_on_the_network() -> None:
    registry = NodeRegistry()
    node = registry.register_callable(sentiment, CARD)
    assert registry.node("sentiment") is node
    assert "sentiment" in registry.ids()
    assert registry.card("sentiment").provider == "tool"
    assert {card.id for card in registry.cards()} >= {"smollm2", "sentiment"}
    with pytest.raises(UserError, match="already registered"):
        registry.register_callable(sentiment, CARD)
    with pytest.raises(UserError, match="not callable"):
        registry.register_callable("not a function", CapabilityCard(id="x"))  # type: ignore[arg-type]


def words(text: str) -> int:
    return len(text.split())


def test_a_function_without_roles_reads_the_text_the_request_carries() -> None:
    """Nothing handed over: a function that marks no roles gets the request's quoted text, else what
    follows its colon (the docs' text-stats plugin counted the request's own words too); a request
    carrying no text, and an input handed over, are read whole."""
    node = CallableNode.build(words, CapabilityCard(id="words"))
    untyped = CallableNode.build(lambda text: len(str(text).split()), CapabilityCard(id="untyped"))
    step = {"task": "Count the words in this text: the quick brown fox"}
    for counter in (node, untyped):
        assert counter.complete("Count the words in this text: the quick brown fox").text == "4"
        assert counter.complete("Count the words of 'to be or not to be'").text == "6"
        assert counter.complete("three little words").text == "3"
        assert counter.complete("x", tool_request={**step, "instruction": step["task"]}).text == "4"
        handed = {**step, "upstream": [["user", "Note: a b", None]]}
        assert counter.complete("x", tool_request=handed).text == "3"
