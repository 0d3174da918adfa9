"""``agentnet plan "task"``: show the validated plan (table + mermaid, or JSON) without running it."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agentnet.cli.inputs import InputOption, NoDaemonOption, TaskFileOption, gather, read_task
from agentnet.cli.render import plural

if TYPE_CHECKING:
    from agentnet.planner.plan import Plan


def plan(
    task: Annotated[
        list[str] | None, typer.Argument(help="What you want done (omit with --learn only). Unquoted words are joined.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan itself as JSON.")] = False,
    tools: Annotated[
        Path | None,
        typer.Option("--tools", help="Plan against the cards in this file (any format `directory import` reads)."),
    ] = None,
    learn: Annotated[
        Path | None, typer.Option("--learn", help="Teach plan memory the example plans in this file (JSON lines).")
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
    inputs: InputOption = None,
    task_file: TaskFileOption = None,
    no_daemon: NoDaemonOption = False,
) -> None:
    """Plan a task: a validated DAG of collaborators from the directory (nothing is run; in a running
    `agentnet daemon` when there is one)."""
    from agentnet.errors import UserError

    if learn is not None:
        from agentnet.planner.memory import PlanMemory

        memory = PlanMemory()
        started = time.perf_counter()
        count = memory.learn_examples(learn)
        sys.stderr.write(f"learned {count} example plans from {learn} in {time.perf_counter() - started:.1f} s "
                         f"({len(memory)} in memory)\n")  # fmt: skip
        memory.close()
    text = read_task(task, task_file)
    if not text.strip():
        if learn is None:
            raise UserError("no task given", hint='agentnet plan "summarise report.txt" (or --learn FILE)')
        return
    handed = gather(text, inputs, named_in_task=True)
    result, planning_s = _make_plan(
        text, tools, local_only, keep_data, max_cost, max_steps, model, no_model, config, handed.artifacts
    )
    result.notes = [*handed.notes, *result.notes]
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
    inputs: list[Any],
) -> tuple[Plan, float]:
    from agentnet.config import load_config
    from agentnet.network import plan_around_unusable
    from agentnet.nodes.registry import NodeRegistry
    from agentnet.planner.build import build_planner, policy_filters

    cfg = load_config(config)
    filters = policy_filters(cfg.planner, local_only=local_only, keep_data_on_host=keep_data, max_cost=max_cost)
    registry = NodeRegistry(cfg)
    source, closer = _source(tools, registry, cfg)
    try:
        # A tool list stands alone: the configured chat models are not part of it.
        planner = build_planner(
            cfg, source, registry, model=model, use_model=not no_model, max_steps=max_steps, general=tools is None
        )
        started = time.perf_counter()
        try:
            result = plan_around_unusable(
                lambda chosen: planner.plan(task, chosen, max_steps=max_steps or cfg.planner.max_steps, inputs=inputs),
                filters,
                registry.unusable() if tools is None else {},
            )
        finally:
            planner.close()
    finally:
        if closer is not None:
            closer()
    return result, time.perf_counter() - started


def _source(tools: Path | None, registry: Any, cfg: Any) -> tuple[Any, Any]:
    """The cards to plan with: a tool file, else the configured directory, else the registry's cards."""
    from agentnet.directory.inmemory import InMemorySource

    if tools is not None:
        from agentnet.directory.importers import load_cards

        return InMemorySource(load_cards(tools)), None
    from agentnet.directory.plan_source import open_for_planning

    directory = open_for_planning(cfg.directory)
    if directory is not None:
        return directory, directory.close
    # A fresh home has an empty directory: plan with the declared models' cards instead.
    return InMemorySource(registry.cards(health=True)), None


def _show(result: Plan) -> None:
    from rich.markup import escape
    from rich.table import Table

    from agentnet.cli.render import clip, console

    out = console()
    table = Table(title=escape(f"plan ({result.source})"), show_lines=False)
    for column in ("step", "collaborator", "inputs", "instruction", "why"):
        table.add_column(column)
    for step in result.steps:
        inputs = ", ".join(clip(item.label(), 40) for item in step.inputs)
        table.add_row(
            escape(step.id),
            escape(step.capability),
            escape(inputs),
            escape(clip(step.instruction, 60)),
            escape(clip(step.why, 60)),
        )
    out.print(table)
    for note in result.notes:
        out.print(f"[dim]note: {escape(note)}[/]")
    out.print("```mermaid")
    out.print(escape(result.to_mermaid()))
    out.print("```")


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
