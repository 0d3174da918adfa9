"""The executor (floor 4): plans and recipe graphs run on LangGraph.

Parallel where the plan allows, streaming step events, falling back to alternates, within
budgets, checkpointed and traced per run in the run database (``$AGENTNET_HOME/runs.sqlite``, or
PostgreSQL shared by many processes), each run owned by one process at a time.

The names below are loaded on first use (PEP 562): importing a submodule runs this file first, and
loading them all here made ``agentnet runs list`` (which reads the run database through ``run_db``)
import LangGraph and langchain_core too, about 0.6 s of CPU for nothing it runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentnet.executor.events import StepEvent
    from agentnet.executor.graph import FINISH, GraphBuilder, RunState
    from agentnet.executor.prompts import StepContext, data_block, defuse, plan_step_messages
    from agentnet.executor.resolver import NodeResolver, as_resolver
    from agentnet.executor.run_db import open_run_store, runs_db_path
    from agentnet.executor.runner import Executor, RunResult, new_run_id
    from agentnet.executor.steps import StepPolicy, StepSpec
    from agentnet.executor.store import RunStore

# Each exported name and the submodule that defines it.
_WHERE = {
    "StepEvent": "events",
    "FINISH": "graph",
    "GraphBuilder": "graph",
    "RunState": "graph",
    "StepContext": "prompts",
    "data_block": "prompts",
    "defuse": "prompts",
    "plan_step_messages": "prompts",
    "NodeResolver": "resolver",
    "as_resolver": "resolver",
    "open_run_store": "run_db",
    "runs_db_path": "run_db",
    "Executor": "runner",
    "RunResult": "runner",
    "new_run_id": "runner",
    "StepPolicy": "steps",
    "StepSpec": "steps",
    "RunStore": "store",
}

__all__ = [
    "FINISH",
    "Executor",
    "GraphBuilder",
    "NodeResolver",
    "RunResult",
    "RunState",
    "RunStore",
    "StepContext",
    "StepEvent",
    "StepPolicy",
    "StepSpec",
    "as_resolver",
    "data_block",
    "defuse",
    "new_run_id",
    "open_run_store",
    "plan_step_messages",
    "runs_db_path",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'agentnet.executor' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"agentnet.executor.{module}"), name)
    globals()[name] = value  # found once; later lookups do not come here
    return value
