"""The executor (floor 4): plans and recipe graphs run on LangGraph.

Parallel where the plan allows, streaming step events, falling back to alternates, within
budgets, checkpointed and traced per run in the run database (``$AGENTNET_HOME/runs.sqlite``, or
PostgreSQL shared by many processes), each run owned by one process at a time.
"""

from agentnet.executor.events import StepEvent
from agentnet.executor.graph import FINISH, GraphBuilder, RunState
from agentnet.executor.prompts import StepContext, data_block, defuse, plan_step_messages
from agentnet.executor.resolver import NodeResolver, as_resolver
from agentnet.executor.run_db import open_run_store, runs_db_path
from agentnet.executor.runner import Executor, RunResult, new_run_id
from agentnet.executor.steps import StepPolicy, StepSpec
from agentnet.executor.store import RunStore

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
