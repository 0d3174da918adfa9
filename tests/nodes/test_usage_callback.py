"""LangChain's usage accounting (``get_usage_metadata_callback``, ``UsageMetadataCallbackHandler``) counts
a node's tokens by its ``response_metadata["model_name"]``, as it does every chat model's. A node's replies
had token counts but no model name, so the handler counted nothing: an app totalling its tokens read {}.
Real SmolLM2 GGUF."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_core.callbacks import get_usage_metadata_callback

from agentnet.nodes.registry import NodeRegistry


@pytest.fixture(scope="module")
def llm(smollm2_node: Any) -> Any:
    return NodeRegistry.from_files().node("smollm2")


def test_invoke_stream_and_ainvoke_are_counted_under_the_node_id(llm: Any) -> None:
    with get_usage_metadata_callback() as counted:
        first = llm.invoke("Say hi", max_tokens=4)
        streamed = None
        for chunk in llm.stream("Say hi", max_tokens=4):
            streamed = chunk if streamed is None else streamed + chunk
        third = asyncio.run(llm.ainvoke("Say hi", max_tokens=4))
    assert first.response_metadata["model_name"] == "smollm2"
    assert streamed is not None and streamed.response_metadata["model_name"] == "smollm2"
    replies = [first.usage_metadata, streamed.usage_metadata, third.usage_metadata]
    assert list(counted.usage_metadata) == ["smollm2"]
    total = counted.usage_metadata["smollm2"]
    assert total["output_tokens"] == sum(r["output_tokens"] for r in replies) > 0
    assert total["input_tokens"] == sum(r["input_tokens"] for r in replies) > 0
