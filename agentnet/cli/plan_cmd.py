"""``agentnet plan "task"``: show the validated plan (table + mermaid, or JSON) without running it."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agentnet.cli.render import plural

if TYPE_CHECKING:
    from agentnet.planner.plan import Plan


def plan(
    task: Annotated[str | None, typer.Argument(help="What you want done (omit with --learn only).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan itself as JSON.")] = False,
    tools: Annotated[
        Path | None,
        typer.Option("--tools", help="Plan against this tool list (TaskBench tools or agentnet cards JSON/YAML)."),
    ] = None,
    learn: Annotated[
        Path | None, typer.Option("--learn", help="Ingest TaskBench data lines into plan memory as example plans.")
    ] = None,
    local_only: Annotated[bool, typer.Option("--local-only", help="Use only collaborators on this host.")] = False,
    keep_data: Annotated[
        bool, typer.Option("--keep-data-on-host", help="Use no collaborator that sends data off this host.")
    ] = False,
    max_cost: Annotated[
        float | None, typer.Option("--max-cost", min=0, help="Most USD per 1k tokens a step may cost.")
    ] = None,
    max_steps: Annotated[int | None, typer.Option("--max-steps", min=1, help="Most steps the plan may have.")] = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Planner model id (default: the config's planner.model).")
    ] = None,
    no_model: Annotated[bool, typer.Option("--no-model", help="Plan from retrieval and types only.")] = False,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
    ] = None,
) -> None:
    """Plan a task: a validated DAG of collaborators from the directory (nothing is run)."""
    from agentnet.errors import UserError

    if learn is not None:
        from agentnet.planner.memory import PlanMemory

        memory = PlanMemory()
        started = time.perf_counter()
        count = memory.learn_taskbench(learn)
        sys.stderr.write(f"learned {count} example plans from {learn} in {time.perf_counter() - started:.1f} s "
                         f"({len(memory)} in memory)\n")  # fmt: skip
        memory.close()
    if task is None:
        if learn is None:
            raise UserError("no task given", hint='agentnet plan "summarise report.txt" (or --learn FILE)')
        return
    result, planning_s = _make_plan(task, tools, local_only, keep_data, max_cost, max_steps, model, no_model, config)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        _show(result)
    sys.stderr.write(f"planned in {planning_s:.2f} s ({result.source}, {plural(len(result.steps), 'step')})\n")


def _make_plan(
    task: str,
    tools: Path | None,
    local_only: bool,
    keep_data: bool,
    max_cost: float | None,
    max_steps: int | None,
    model: str | None,
    no_model: bool,
    config: Path | None,
) -> tuple[Plan, float]:
    from agentnet.config import load_config
    from agentnet.directory.query import SearchFilters
    from agentnet.nodes.registry import NodeRegistry
    from agentnet.planner.memory import PlanMemory
    from agentnet.planner.planner import Planner, PlannerSettings

    cfg = load_config(config)
    settings = cfg.planner
    filters = SearchFilters(
        local_only=local_only or settings.local_only,
        keep_data_on_host=keep_data or settings.keep_data_on_host,
        max_cost=max_cost if max_cost is not None else settings.max_cost,
    )
    registry = NodeRegistry(cfg)
    source, closer = _source(tools, registry, cfg)
    node = None if no_model else registry.node(model or settings.model)
    memory = PlanMemory() if settings.use_memory else None
    planner = Planner(
        source,
        node,
        PlannerSettings(
            max_steps=max_steps or settings.max_steps,
            use_memory=settings.use_memory,
            # A tool list stands alone: the configured chat models are not part of it.
            general_model=cfg.default_model if tools is None else None,
        ),
        memory=memory,
    )
    started = time.perf_counter()
    try:
        result = planner.plan(task, filters, max_steps=max_steps or settings.max_steps)
    finally:
        if closer is not None:
            closer()
        if memory is not None:
            memory.close()
    return result, time.perf_counter() - started


def _source(tools: Path | None, registry: Any, cfg: Any) -> tuple[Any, Any]:
    """The cards to plan with: a tool file, else the configured directory, else the registry's cards."""
    from agentnet.planner.toolset import InMemorySource, load_tools

    if tools is not None:
        return InMemorySource(load_tools(tools)), None
    from agentnet.directory.store import Directory

    directory = Directory.from_settings(cfg.directory, readonly=True)
    if directory.count() > 0:
        return directory, directory.close
    directory.close()
    # A fresh home has an empty directory: plan with the declared models' cards instead.
    return InMemorySource(registry.cards()), None


def _show(result: Plan) -> None:
    from rich.markup import escape
    from rich.table import Table

    from agentnet.cli.render import console

    out = console()
    table = Table(title=escape(f"plan ({result.source})"), show_lines=False)
    for column in ("step", "collaborator", "inputs", "instruction", "why"):
        table.add_column(column)
    for step in result.steps:
        inputs = ", ".join(f"<{i.step}>" if i.kind == "step" else f"{i.kind}:{str(i.value)[:30]}" for i in step.inputs)
        table.add_row(
            escape(step.id),
            escape(step.capability),
            escape(inputs),
            escape(step.instruction[:60]),
            escape(step.why[:60]),
        )
    out.print(table)
    for note in result.notes:
        out.print(f"[dim]note: {escape(note)}[/]")
    out.print("```mermaid")
    out.print(escape(result.to_mermaid()))
    out.print("```")


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
