"""Nodes: every model or tool behind one interface (floor 2). Adapters import their engines lazily.

The public names are exported lazily, so ``from agentnet.nodes import NodeRegistry`` (what the CLI's
fast paths use) does not import LangChain or any engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ModelNode": "agentnet.nodes.base",
    "Reply": "agentnet.nodes.base",
    "Usage": "agentnet.nodes.base",
    "TokenStream": "agentnet.nodes.base",
    "CallOptions": "agentnet.nodes.base",
    "LlamaCppNode": "agentnet.nodes.llamacpp",
    "LiteLLMNode": "agentnet.nodes.litellm",
    "CallableNode": "agentnet.nodes.callable",
    "NodeRegistry": "agentnet.nodes.registry",
    "ModelPool": "agentnet.nodes.pool",
    "shared_pool": "agentnet.nodes.pool",
    "inspect_gguf": "agentnet.nodes.gguf",
}

__all__ = [
    "CallOptions",
    "CallableNode",
    "LiteLLMNode",
    "LlamaCppNode",
    "ModelNode",
    "ModelPool",
    "NodeRegistry",
    "Reply",
    "TokenStream",
    "Usage",
    "inspect_gguf",
    "shared_pool",
]

if TYPE_CHECKING:
    from agentnet.nodes.base import CallOptions, ModelNode, Reply, TokenStream, Usage
    from agentnet.nodes.callable import CallableNode
    from agentnet.nodes.gguf import inspect_gguf
    from agentnet.nodes.litellm import LiteLLMNode
    from agentnet.nodes.llamacpp import LlamaCppNode
    from agentnet.nodes.pool import ModelPool, shared_pool
    from agentnet.nodes.registry import NodeRegistry


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'agentnet.nodes' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
