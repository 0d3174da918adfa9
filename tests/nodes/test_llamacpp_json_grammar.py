"""A schema's grammar on llama.cpp only lets the model write JSON: no raw control character in a
string (llama-cpp-python's own converter allowed them, so SmolLM2 broke lines inside strings and the
reply was not JSON). Real SmolLM2 GGUF, the requests that failed before."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentnet.nodes.llamacpp import json_grammar

CITY = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


@pytest.mark.parametrize("request_text", ["The capital of France is Paris.", "What is the capital of France?"])
def test_a_structured_reply_is_json_on_the_first_attempt(smollm2_node: Any, request_text: str) -> None:
    # Before: "Invalid control character at position 19" twice, then OutputValidationError.
    reply = smollm2_node.complete(request_text, schema=CITY)
    assert reply.attempts == 1
    assert isinstance(reply.data["city"], str) and reply.data["city"]
    assert not any(ord(c) < 0x20 for c in reply.data["city"])
    assert json.loads(reply.text) == reply.data


def test_the_grammar_has_no_raw_control_characters_in_strings() -> None:
    # The string rule of every converted schema, and of the fallback for a schema the converter
    # cannot take (any JSON object, validated against the schema afterwards).
    for schema in (CITY, {"type": "object", "properties": {"n": {"$ref": "https://example.com/elsewhere"}}}):
        grammar = json_grammar(schema)
        assert '[^"\\\\\\x7F\\x00-\\x1F]' in grammar._grammar, grammar._grammar
