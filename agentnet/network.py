"""``Network``: the library entry point (floor 5) — models, directory, planner and executor together.

    from agentnet.network import Network

    net = Network.from_config()            # ./agentnet.yaml (or a path), plus the user config
    result = net.run("Summarise this: ...")
    print(result.answer, result.run_id)

    plan = net.plan("...")                 # inspect or edit the plan first
    graph = net.compile(plan)              # a compiled LangGraph graph for your own app

Parts are built on first use, so creating a ``Network`` is cheap; the directory is opened (and the
configured models' cards synced into it) only when a plan is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentnet.config import AgentnetConfig, BudgetSettings, load_config

if TYPE_CHECKING:
    from agentnet.directory.query import SearchFilters
    from agentnet.directory.store import Directory
    from agentnet.executor.runner import EventHandler, Executor, RunResult
    from agentnet.mcp.servers import McpServers
    from agentnet.nodes.base import ModelNode
    from agentnet.nodes.registry import NodeRegistry
    from agentnet.planner.plan import Plan
    from agentnet.planner.planner import Planner


class Network:
    def __init__(self, config: AgentnetConfig | None = None, *, registry: NodeRegistry | None = None) -> None:
        from agentnet.nodes.registry import NodeRegistry

        self.config = config if config is not None else load_config()
        if registry is None:
            from agentnet.federation.peers import attach_saved

            registry = NodeRegistry(self.config)
            # Peers saved with `agentnet peers add` are collaborators for library and CLI runs too.
            attach_saved(registry)
        self.registry = registry
        self._directory: Directory | None = None
        self.mcp = self._attach_mcp(registry)
        self._planner: Planner | None = None
        self._executor: Executor | None = None

    @classmethod
    def from_config(cls, path: str | Path | None = None) -> Network:
        """The network a config file describes (default: ``./agentnet.yaml`` over the user config)."""
        return cls(load_config(Path(path) if path is not None else None))

    def _attach_mcp(self, registry: NodeRegistry) -> McpServers | None:
        """Every tool of the MCP servers in use becomes a node ``<server>.<tool>`` (no server starts
        until a tool is called, unless its tools were never listed)."""
        from agentnet.mcp.servers import McpServers
        from agentnet.mcp.store import McpStore

        store = McpStore()
        if not self.config.mcp_servers and not store.path.is_file():
            return None
        servers = McpServers(self.config, store)
        planner_model = self.config.planner.model
        servers.attach(registry, filler=lambda: registry.node(planner_model), directory=lambda: self._directory)
        return servers

    # --- parts ------------------------------------------------------------------------------

    def node(self, node_id: str | None = None) -> ModelNode:
        """A model or tool by id (the default model when None); a LangChain chat model too."""
        return self.registry.node(node_id)

    @property
    def directory(self) -> Directory:
        """The capability directory, with the configured models' cards synced into it."""
        if self._directory is None:
            from agentnet.directory.sync import open_configured, sync_models

            directory = open_configured(self.config)
            try:
                sync_models(directory, self.registry.cards())
                if self.mcp is not None:
                    self.mcp.sync_directory(directory)
            except BaseException:
                directory.close()
                raise
            self._directory = directory
        return self._directory

    @property
    def planner(self) -> Planner:
        if self._planner is None:
            from agentnet.planner.planner import Planner, PlannerSettings

            settings = PlannerSettings(
                max_steps=self.config.planner.max_steps,
                use_memory=self.config.planner.use_memory,
                general_model=self.config.default_model,
            )
            self._planner = Planner(self.directory, self.node(self.config.planner.model), settings)
        return self._planner

    @property
    def executor(self) -> Executor:
        if self._executor is None:
            from agentnet.executor.runner import Executor

            self._executor = Executor(self.registry, budgets=self.config.budgets)
        return self._executor

    def filters(self) -> SearchFilters:
        from agentnet.directory.query import SearchFilters

        p = self.config.planner
        return SearchFilters(local_only=p.local_only, keep_data_on_host=p.keep_data_on_host, max_cost=p.max_cost)

    # --- work -------------------------------------------------------------------------------

    def plan(self, task: str, filters: SearchFilters | None = None, *, deadline_s: float | None = None) -> Plan:
        """A validated plan for ``task``: who does each step, and why. With ``deadline_s``, the planner
        model gets at most that long; past it, the plan comes from retrieval and types alone."""
        return self.planner.plan(task, filters or self.filters(), deadline_s=deadline_s)

    def compile(self, plan: Plan, *, checkpointer: Any = None) -> Any:
        """The plan as a compiled LangGraph graph, to embed in your own LangGraph app.

        Invoke it with ``{"task": plan.task, "inputs": {}, "results": {}}``; the output has
        ``answer`` and per-step ``results``.
        """
        return self.executor.compile(plan, checkpointer=checkpointer)

    def execute(
        self,
        plan: Plan,
        *,
        run_id: str | None = None,
        on_event: EventHandler | None = None,
        budgets: BudgetSettings | None = None,
        check: bool = True,
    ) -> RunResult:
        """Run an existing plan (checkpointed and traced under the agentnet home)."""
        executor = self.executor
        if budgets is not None:
            from agentnet.executor.runner import Executor

            executor = Executor(self.registry, budgets=budgets)
        return executor.run(plan, run_id=run_id, on_event=on_event, check=check)

    def run(self, task: str, *, on_event: EventHandler | None = None, check: bool = True) -> RunResult:
        """Plan ``task`` and run the plan; the result carries the answer and the run id."""
        plan = self.plan(task)
        self.release_directory()
        return self.execute(plan, on_event=on_event, check=check)

    def resume(self, run_id: str, *, on_event: EventHandler | None = None, check: bool = True) -> RunResult:
        """Continue a saved run under the budgets configured now (so a raised limit lets it finish)."""
        return self.executor.resume(run_id, on_event=on_event, budgets=self.config.budgets, check=check)

    def runs(self, limit: int = 50) -> list[dict[str, Any]]:
        return self.executor.list_runs(limit)

    def trace(self, run_id: str) -> dict[str, Any]:
        return self.executor.trace(run_id)

    # --- lifetime ---------------------------------------------------------------------------

    def release_directory(self) -> None:
        """Close the directory (and its writer lock) so other processes can plan meanwhile."""
        if self._directory is not None:
            self._directory.close()
            self._directory = None
            self._planner = None

    def close(self) -> None:
        self.release_directory()
        if self._executor is not None:
            self._executor.close()

    def __enter__(self) -> Network:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
