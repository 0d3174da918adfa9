"""``bind_tools`` on a node, as an agent app tries it (LangGraph's create_react_agent calls it): a clear
error naming the node and where tools go on agentnet, not LangChain's NotImplementedError with no message.
Real SmolLM2 node, real LangGraph."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from langchain_core.tools import tool

from agentnet.errors import ToolCallingUnsupportedError, UserError
from agentnet.nodes.registry import NodeRegistry


@tool
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def test_bind_tools_says_where_tools_go(smollm2_node: Any) -> None:
    llm = NodeRegistry.from_files().node("smollm2")
    with pytest.raises(ToolCallingUnsupportedError) as refused:
        llm.bind_tools([add])
    error = refused.value
    assert "node 'smollm2' does not call tools itself" in error.message
    assert "register_callable" in str(error.hint) and "agentnet mcp add" in str(error.hint)
    assert "with_structured_output" in str(error.hint)
    assert error.code == "tool_calling_unsupported"
    # Caught both ways: agentnet's hierarchy, and what LangChain code that probes for tool calling catches.
    assert isinstance(error, UserError) and isinstance(error, NotImplementedError)


def test_an_agent_loop_built_on_a_node_gets_the_same_error(smollm2_node: Any) -> None:
    from langgraph.prebuilt import create_react_agent

    llm = NodeRegistry.from_files().node("smollm2")
    with warnings.catch_warnings(), pytest.raises(ToolCallingUnsupportedError, match="does not call tools"):
        warnings.simplefilter("ignore")  # create_react_agent's move to langchain.agents
        create_react_agent(llm, [add])
