"""agentnet: networks of AI models — nodes, a capability directory, a planner and an executor.

The public API. Names load on first use (PEP 562), so ``import agentnet`` and the CLI's fast paths
never pay for LangChain, LangGraph, llama.cpp, litellm or chromadb until they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    # errors
    "AgentnetError": "agentnet.errors",
    "UserError": "agentnet.errors",
    "ConfigError": "agentnet.errors",
    "NotFoundError": "agentnet.errors",
    "ModelFileError": "agentnet.errors",
    "ContextOverflowError": "agentnet.errors",
    "PlanningError": "agentnet.errors",
    "RunError": "agentnet.errors",
    "ModelCallError": "agentnet.errors",
    "ContentPolicyError": "agentnet.errors",
    "DeadlineExceededError": "agentnet.errors",
    "OutputValidationError": "agentnet.errors",
    "BudgetExceededError": "agentnet.errors",
    "DirectoryError": "agentnet.errors",
    "RunBusyError": "agentnet.errors",
    "RunStoreError": "agentnet.errors",
    "ToolCallingUnsupportedError": "agentnet.errors",
    # cards and config
    "CapabilityCard": "agentnet.cards",
    "Skill": "agentnet.cards",
    "AgentnetConfig": "agentnet.config",
    "ModelSpec": "agentnet.config",
    "ModelParams": "agentnet.config",
    "load_config": "agentnet.config",
    # nodes
    "ModelNode": "agentnet.nodes.base",
    "Reply": "agentnet.nodes.base",
    "Usage": "agentnet.nodes.base",
    "LlamaCppNode": "agentnet.nodes.llamacpp",
    "LiteLLMNode": "agentnet.nodes.litellm",
    "CallableNode": "agentnet.nodes.callable",
    "NodeRegistry": "agentnet.nodes.registry",
    # directory
    "Directory": "agentnet.directory.store",
    "SearchFilters": "agentnet.directory.query",
    "Candidate": "agentnet.directory.query",
    # planner
    "Plan": "agentnet.planner.plan",
    "Step": "agentnet.planner.plan",
    "StepInput": "agentnet.planner.plan",
    "Planner": "agentnet.planner.planner",
    # executor
    "Executor": "agentnet.executor.runner",
    "RunResult": "agentnet.executor.runner",
    "GraphBuilder": "agentnet.executor.graph",
    # recipes and the facade
    "RecipeProgram": "agentnet.recipes.program",
    "Network": "agentnet.network",
    # plugins
    "hookimpl": "agentnet.plugins.hookspecs",
    "hookspec": "agentnet.plugins.hookspecs",
}

__all__ = [
    "AgentnetConfig",
    "AgentnetError",
    "BudgetExceededError",
    "CallableNode",
    "Candidate",
    "CapabilityCard",
    "ConfigError",
    "ContentPolicyError",
    "ContextOverflowError",
    "DeadlineExceededError",
    "Directory",
    "DirectoryError",
    "Executor",
    "GraphBuilder",
    "LiteLLMNode",
    "LlamaCppNode",
    "ModelCallError",
    "ModelFileError",
    "ModelNode",
    "ModelParams",
    "ModelSpec",
    "Network",
    "NodeRegistry",
    "NotFoundError",
    "OutputValidationError",
    "Plan",
    "Planner",
    "PlanningError",
    "RecipeProgram",
    "Reply",
    "RunBusyError",
    "RunError",
    "RunResult",
    "RunStoreError",
    "SearchFilters",
    "Skill",
    "Step",
    "StepInput",
    "ToolCallingUnsupportedError",
    "Usage",
    "UserError",
    "hookimpl",
    "hookspec",
    "load_config",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'agentnet' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:
    from agentnet.cards import CapabilityCard, Skill
    from agentnet.config import AgentnetConfig, ModelParams, ModelSpec, load_config
    from agentnet.directory.query import Candidate, SearchFilters
    from agentnet.directory.store import Directory
    from agentnet.errors import (
        AgentnetError,
        BudgetExceededError,
        ConfigError,
        ContentPolicyError,
        ContextOverflowError,
        DeadlineExceededError,
        DirectoryError,
        ModelCallError,
        ModelFileError,
        NotFoundError,
        OutputValidationError,
        PlanningError,
        RunBusyError,
        RunError,
        RunStoreError,
        ToolCallingUnsupportedError,
        UserError,
    )
    from agentnet.executor.graph import GraphBuilder
    from agentnet.executor.runner import Executor, RunResult
    from agentnet.network import Network
    from agentnet.nodes.base import ModelNode, Reply, Usage
    from agentnet.nodes.callable import CallableNode
    from agentnet.nodes.litellm import LiteLLMNode
    from agentnet.nodes.llamacpp import LlamaCppNode
    from agentnet.nodes.registry import NodeRegistry
    from agentnet.planner.plan import Plan, Step, StepInput
    from agentnet.planner.planner import Planner
    from agentnet.plugins.hookspecs import hookimpl, hookspec
    from agentnet.recipes.program import RecipeProgram
