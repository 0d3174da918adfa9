"""``Network``: the library entry point (floor 5) — models, directory, planner and executor together.

    from agentnet.network import Network

    net = Network.from_config()            # ./agentnet.yaml (or a path), plus the user config
    result = net.run("Summarise this: ...")
    print(result.answer, result.run_id)

    plan = net.plan("...")                 # inspect or edit the plan first
    graph = net.compile(plan)              # a compiled LangGraph graph for your own app

Parts are built on first use, so creating a ``Network`` is cheap; the directory is opened (and the
configured models' cards synced into it) only when a plan is made and they are not in it yet.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentnet import telemetry
from agentnet.config import AgentnetConfig, BudgetSettings, given_config, load_config
from agentnet.errors import UserError

# Where they lived before: ``from agentnet.network import capped, plan_around_unusable`` keeps working.
from agentnet.network_plans import capped, plan_around_unusable

__all__ = ["Network", "capped", "plan_around_unusable"]

if TYPE_CHECKING:
    from agentnet.artifacts import Artifact
    from agentnet.directory.inmemory import InMemorySource
    from agentnet.directory.plan_source import ManifestSource
    from agentnet.directory.query import CardSource, SearchFilters
    from agentnet.directory.store import Directory
    from agentnet.executor.runner import EventHandler, Executor, RunResult
    from agentnet.mcp.servers import McpServers
    from agentnet.nodes.base import ModelNode
    from agentnet.nodes.registry import NodeRegistry
    from agentnet.planner.plan import Plan
    from agentnet.planner.planner import Planner


class Network:
    """The facade an application embeds: the declared models (``registry``), the capability directory,
    the planner and the executor, as ``agentnet.yaml`` describes them (``Network.from_config()``).
    ``plan`` makes a validated plan, ``compile`` turns one into a LangGraph graph, ``run`` plans and
    executes durably (``resume``, ``trace``, ``runs``, ``cancel``). An app's threads may share one: its
    plans and runs take turns. ``close()`` (or a ``with`` block) releases the directory and the run
    database."""

    def __init__(
        self,
        config: AgentnetConfig | None = None,
        *,
        registry: NodeRegistry | None = None,
        fit_in_background: bool = False,
    ) -> None:
        """``fit_in_background``: plans never wait for a fit of plan memory, which runs in a background
        thread meanwhile (``planner.fitting``): for a process that lives on (a server, chat)."""
        from agentnet.nodes.registry import NodeRegistry

        self.config = given_config(config) if config is not None else load_config()
        if registry is None:
            from agentnet.federation.peers import attach_saved

            registry = NodeRegistry(self.config)
            # Peers saved with `agentnet peers add` are collaborators for library and CLI runs too.
            attach_saved(registry)
        self.registry = registry
        self._directory: Directory | None = None
        # What the planner reads when no sync of the directory was due (``_plan_source``).
        self._plan_cards: ManifestSource | Directory | InMemorySource | None = None
        self.mcp = self._attach_mcp(registry)
        self._planner: Planner | None = None
        self._executor: Executor | None = None
        self.fit_in_background = fit_in_background
        # Calls from several threads (an app's worker threads, asyncio.to_thread) take turns: a run plans on
        # the directory and then closes it (release_directory), so two at once closed it under each other
        # ("cannot open the directory ... looks corrupt"). Reading runs (trace, runs, cancel) never waits.
        self._work = threading.RLock()
        self._parts = threading.Lock()
        self._closed = False

    @classmethod
    def from_config(cls, path: str | Path | None = None, *, fit_in_background: bool = False) -> Network:
        """The network a config file describes (default: ``./agentnet.yaml`` over the user config)."""
        return cls(load_config(Path(path) if path is not None else None), fit_in_background=fit_in_background)

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
        self._refuse_if_closed("node")
        return self.registry.node(node_id)

    def _refuse_if_closed(self, call: str) -> None:
        # A closed network reopened its run database and directory on the next call, and left them open.
        if self._closed:
            raise UserError(
                f"net.{call}: this Network was closed (net.close(), or the end of its `with` block)",
                hint="make a new one (Network.from_config()), or call it before closing it",
                code="network_closed",
            )

    @property
    def directory(self) -> Directory:
        """The capability directory, with the configured models' cards synced into it."""
        with self._work:
            return self._open_directory()

    def _open_directory(self) -> Directory:
        self._refuse_if_closed("directory")
        if self._directory is None:
            from agentnet.directory.sync import open_configured, sync_models

            directory = open_configured(self.config)
            try:
                sync_models(directory, self.registry.cards(health=True))
                if self.mcp is not None:
                    self.mcp.sync_directory(directory)
            except BaseException:
                directory.close()
                raise
            self._directory = directory
        return self._directory

    @property
    def planner(self) -> Planner:
        """The planner the config describes (model, step limit, plan memory), over the directory."""
        with self._work:
            return self._open_planner()

    def _open_planner(self) -> Planner:
        self._refuse_if_closed("planner")
        if self._planner is None:
            from agentnet.planner.build import build_planner

            source = self._plan_source()
            self._planner = build_planner(self.config, source, self.registry, wait_for_fit=not self.fit_in_background)
        return self._planner

    def _plan_source(self) -> CardSource:
        """The directory, synced; or, when a sync would write nothing (``plan_source.synced_source``), the
        cards it holds without opening chromadb to write: a fresh home's ``agentnet run`` imported chromadb
        and embedded every card's entries, which the planner does not read. MCP tools sync on their own."""
        if self.mcp is None and self._directory is None and self.config.directory.url is None:
            from agentnet.directory.plan_source import synced_source

            self._plan_cards = synced_source(self.config.directory, self.registry.cards(health=True))
            if self._plan_cards is not None:
                return self._plan_cards
        return self._open_directory()

    @property
    def executor(self) -> Executor:
        self._refuse_if_closed("executor")
        with self._parts:
            if self._executor is None:
                from agentnet.executor.runner import Executor

                self._executor = Executor(self.registry, budgets=self.config.budgets, runs=self.config.runs)
            return self._executor

    def filters(self) -> SearchFilters:
        """The config's planner policies as the filters every plan obeys."""
        from agentnet.planner.build import policy_filters

        return policy_filters(self.config.planner)

    # --- work -------------------------------------------------------------------------------

    def plan(
        self,
        task: str,
        filters: SearchFilters | None = None,
        *,
        deadline_s: float | None = None,
        inputs: Sequence[Artifact] = (),
    ) -> Plan:
        """A validated plan for ``task``: who does each step, and why. With ``deadline_s``, the planner
        model gets at most that long; past it, the plan comes from retrieval and types alone.
        ``inputs`` describe files handed over beside the task; pass their contents to ``execute``."""
        from agentnet.executor.runner import refuse_nul_in

        self._refuse_if_closed("plan")
        refuse_nul_in("the task", task)  # before any model reads it (execute would refuse it anyway)
        with self._work, telemetry.span("plan", {"agentnet.task": telemetry.content(task)}) as current:
            plan = plan_around_unusable(
                lambda chosen: self.planner.plan(task, chosen, deadline_s=deadline_s, inputs=inputs),
                filters or self.filters(),
                self.registry.unusable(),
                general=(self.planner.source, self.planner.settings.general_model),
            )
            if current is not None:
                current.set_attribute("agentnet.plan.steps", [f"{s.id}:{s.capability}" for s in plan.steps])
            return plan

    async def aplan(
        self,
        task: str,
        filters: SearchFilters | None = None,
        *,
        deadline_s: float | None = None,
        inputs: Sequence[Artifact] = (),
    ) -> Plan:
        """``plan`` for an asyncio application: the same plan, made in a worker thread while the event
        loop serves others (``plan`` held the loop for the whole planner call). A cancelled caller gets
        its cancellation at once; the plan being made, which nothing saves, ends in its thread before
        this network's next plan or run starts."""
        import asyncio

        self._refuse_if_closed("aplan")
        return await asyncio.to_thread(self.plan, task, filters, deadline_s=deadline_s, inputs=inputs)

    def compile(self, plan: Plan, *, checkpointer: Any = None) -> Any:
        """The plan as a compiled LangGraph graph, to embed in your own LangGraph app.

        Invoke it with ``{"task": plan.task, "inputs": {}, "results": {}}``; the output has
        ``answer`` and per-step ``results``. Steps fall back as in ``execute``.
        """
        self._refuse_if_closed("compile")
        _refuse_non_plan(plan, "compile")
        return self.executor.compile(self.runnable(plan), checkpointer=checkpointer)

    def execute(
        self,
        plan: Plan,
        *,
        run_id: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        on_event: EventHandler | None = None,
        budgets: BudgetSettings | None = None,
        check: bool = True,
    ) -> RunResult:
        """Run an existing plan (checkpointed and traced in the run database). ``inputs`` maps the
        names of the plan's inputs to their text (or, for other media, their artifact records).

        A plan written by hand (or made elsewhere) falls back like a planned one: each all-text model
        step that lists no alternates gets the general model last (``runnable``); the run's plan (its
        trace, ``result.plan``) shows it."""
        self._refuse_if_closed("execute")
        _refuse_non_plan(plan, "execute")
        with self._work:
            return self.executor.run(
                self.runnable(plan), inputs=dict(inputs or {}), run_id=run_id, on_event=on_event, check=check,
                budgets=budgets,
            )  # fmt: skip

    def runnable(self, plan: Plan) -> Plan:
        """``plan`` as this network runs it: a copy whose all-text model steps without alternates end with
        the general model (``default_model`` first) the config's policies and the plan's own allow
        (``general_fallback.for_run``); a plan the planner made gets nothing more."""
        from agentnet.general_fallback import for_run

        # Models known to be unusable (no key, no file) are no stand-in, as when a plan is made.
        return for_run(plan, self.registry.cards(health=True), self.filters(), self.config.default_model)

    def run(
        self,
        task: str,
        *,
        inputs: Mapping[str, str] | Sequence[str | Path] | None = None,
        on_event: EventHandler | None = None,
        check: bool = True,
        run_id: str | None = None,
    ) -> RunResult:
        """Plan ``task`` and run the plan; the result carries the answer and the run id. ``inputs``
        are files handed over beside the task (``["sign.png", "report.txt"]``: text is read as data,
        an image or audio file goes to a collaborator that takes it, as with ``agentnet run --input``),
        or texts by name (``{"report.txt": "..."}``). ``run_id``: the new run's id (default: a new
        one), known before the run ends: to resume or trace a run that was interrupted or cancelled."""
        self._refuse_if_closed("run")
        records, values = self.hand_over(inputs)
        with self._work:  # no other thread's plan between this plan and its run
            if run_id is not None:
                self.executor.refuse_taken(run_id)  # before the plan is paid for
            plan = self.plan(task, inputs=records)
            self.release_directory()
            return self.execute(plan, run_id=run_id, inputs=values, on_event=on_event, check=check)

    async def arun(
        self,
        task: str,
        *,
        inputs: Mapping[str, str] | Sequence[str | Path] | None = None,
        on_event: EventHandler | None = None,
        check: bool = True,
        run_id: str | None = None,
    ) -> RunResult:
        """``run`` for an asyncio application: the run goes on in a worker thread (``on_event`` is
        called there) while the event loop serves others. Cancelling the awaiting task stops the run as
        Ctrl-C does, saved interrupted and resumable by its id (pass ``run_id`` to know it), before the
        cancellation goes on."""
        from agentnet.executor.control import stoppable_in_thread

        return await stoppable_in_thread(
            lambda: self.run(task, inputs=inputs, on_event=on_event, check=check, run_id=run_id)
        )

    def hand_over(
        self, inputs: Mapping[str, str] | Sequence[str | Path] | None
    ) -> tuple[list[Artifact], dict[str, Any]]:
        """The records the planner reads and the values the run reads for ``inputs`` (files by path,
        or texts by name), each file at most ``runs.max_artifact_bytes``."""
        from agentnet.artifacts import hand_over

        return hand_over(inputs, self.config.runs.max_artifact_bytes)

    def resume(self, run_id: str, *, on_event: EventHandler | None = None, check: bool = True) -> RunResult:
        """Continue a saved run under the budgets configured now (so a raised limit lets it finish)."""
        self._refuse_if_closed("resume")
        with self._work:
            return self.executor.resume(run_id, on_event=on_event, budgets=self.config.budgets, check=check)

    async def aresume(self, run_id: str, *, on_event: EventHandler | None = None, check: bool = True) -> RunResult:
        """``resume`` for an asyncio application, as ``arun`` is ``run``'s: in a worker thread, and a
        cancelled caller stops the run again (saved interrupted) before the cancellation goes on."""
        from agentnet.executor.control import stoppable_in_thread

        return await stoppable_in_thread(lambda: self.resume(run_id, on_event=on_event, check=check))

    def cancel(self, run_id: str) -> str:
        """Stop a run wherever it executes: ``cancelled``, ``requested`` or ``not_running``."""
        self._refuse_if_closed("cancel")
        return self.executor.cancel(run_id)

    def runs(self, limit: int = 50, before: str | None = None) -> list[dict[str, Any]]:
        """The newest ``limit`` runs, newest first (each a dict: ``run_id``, ``status``, ``task``, ...;
        ``id`` is ``run_id`` too), or (``before``: a run id) the ones listed after that run."""
        self._refuse_if_closed("runs")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            # SQLite took "x" as "datatype mismatch" and -1 as no limit at all.
            raise UserError(f"limit={limit!r} is not a count of runs", hint="pass limit=50, a whole number above 0")
        return self.executor.list_runs(limit, before)

    def trace(self, run_id: str) -> dict[str, Any]:
        """A run's stored trace (``run_id``, also as ``id``; ``status``, ``plan``, ``steps``, ...)."""
        self._refuse_if_closed("trace")
        return self.executor.trace(run_id)

    def rate(self, run_id: str, good: bool) -> dict[str, Any]:
        """Rate a finished run: a good one's task and plan become a solved example plan memory learns
        from, a bad one a counter-example (its tools count against similar tasks). Rating a run again
        replaces its rating; ``agentnet memory forget --run ID`` takes it back."""
        from agentnet.rating import rate_run

        self._refuse_if_closed("rate")
        return rate_run(run_id, self.trace(run_id), good)

    # --- lifetime ---------------------------------------------------------------------------

    def release_directory(self) -> None:
        """Close the directory (and its writer lock) so other processes can plan meanwhile."""
        with self._work:
            if self._planner is not None:
                self._planner.close()
                self._planner = None
            if self._plan_cards is not None:
                self._plan_cards.close()
                self._plan_cards = None
            if self._directory is not None:
                self._directory.close()
                self._directory = None

    def close(self) -> None:
        """Release the directory, the run database, the vector cache and the MCP sessions; a second close does nothing,
        and any other use afterwards raises ``UserError`` (``code: network_closed``)."""
        from agentnet.directory.vectors import close_shared_cache

        with self._work:  # after the run another thread is making
            self.release_directory()
            if self._executor is not None:
                self._executor.close()
                self._executor = None
            if self.mcp is not None:  # its MCP sessions end (stdio servers stopped) unless another Network uses them
                self.mcp.close()
            self._closed = True
            # The vector cache is one per process: closing it costs another open Network a reconnect at
            # its next plan, where keeping it open kept cache/vectors.sqlite open after every close().
            close_shared_cache()

    def __enter__(self) -> Network:
        self._refuse_if_closed("__enter__")
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _refuse_non_plan(plan: object, call: str) -> None:
    from agentnet.planner.plan import Plan

    if not isinstance(plan, Plan):  # a task given to execute failed on "'str' object has no attribute 'model_copy'"
        raise UserError(
            f"net.{call} takes a Plan, not {type(plan).__name__}",
            hint="make one with net.plan(task); to plan and run a task in one call, use net.run(task)",
        )
