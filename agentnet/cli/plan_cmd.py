"""``agentnet plan "task"``: show the validated plan (table + mermaid, or JSON) without running it."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agentnet.cli.inputs import InputOption, NoDaemonOption, TaskFileOption, gather, read_task
from agentnet.cli.learn_cmd import learn as learn_examples
from agentnet.cli.learn_cmd import report_unknown_tools
from agentnet.wording import plural

if TYPE_CHECKING:
    from agentnet.planner.plan import Plan
    from agentnet.planner.planner import Planner


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
        Path | None,
        typer.Option(
            "--learn",
            help="Teach plan memory the example plans in this file (JSON lines), and fit it for this directory now.",
        ),
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
    from agentnet.network import plan_around_unusable
    from agentnet.planner.build import policy_filters

    learned = learn_examples(learn) if learn is not None else None
    text = read_task(task, task_file)
    if not text.strip() and learn is None:
        raise UserError("no task given", hint='agentnet plan "summarise report.txt" (or --learn FILE)')
    handed = gather(text, inputs, named_in_task=True) if text.strip() else None
    # Without a task the planner model is not needed: learning fits no model.
    use_model = not no_model and handed is not None
    with _planner(tools, config, model, use_model, max_steps) as (cfg, registry, planner):
        if learned is not None:
            _fit(planner, learned.total)
            report_unknown_tools(learned, planner.source.cards())
        if handed is None:
            return
        filters = policy_filters(cfg.planner, local_only=local_only, keep_data_on_host=keep_data, max_cost=max_cost)
        unusable = registry.unusable() if tools is None else {}
        started = time.perf_counter()
        result = plan_around_unusable(
            lambda chosen: planner.plan(
                text, chosen, max_steps=max_steps or cfg.planner.max_steps, inputs=handed.artifacts
            ),
            filters,
            unusable,
            general=(planner.source, planner.settings.general_model) if tools is None else None,
        )
        planning_s = time.perf_counter() - started
    result.notes = [*handed.notes, *result.notes]
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        _show(result)
    sys.stderr.write(f"planned in {planning_s:.2f} s ({result.source}, {plural(len(result.steps), 'step')})\n")


def announce_fit(count: int) -> None:
    """Said before a plan waits for a fit of plan memory (a minute for a few hundred solved tasks)."""
    sys.stderr.write(f"fitting the planner to {count} solved tasks (once; later plans reuse it)\n")


def announce_wait(holder: str) -> None:
    """Said before a plan waits for another process's fit of plan memory (``runs rate`` then two plans)."""
    sys.stderr.write(f"waiting for process {holder}, which is fitting the planner for this directory\n")


def announce_fits(planner: Planner) -> None:
    """A plan that has to fit plan memory first, or wait for another process's fit, says so before the wait."""
    planner.on_fit = announce_fit
    planner.on_fit_wait = announce_wait


def _fit(planner: Planner, total: int) -> None:
    """Fit plan memory for this directory now, as ``plan --learn`` does right after learning, so the
    plans after it do not wait (``Planner.fit_memory``); say what the fit trusts."""
    from dataclasses import asdict

    from agentnet.planner.kept_fit import MIN_EXAMPLES, shown, trusted

    ran: list[int] = []

    def fitting(count: int) -> None:
        ran.append(count)
        announce_fit(count)

    planner.on_fit = fitting
    started = time.perf_counter()
    trust = planner.fit_memory()
    planner.on_fit = announce_fit
    if trust is None:
        what = "planner.use_memory is off" if not planner.settings.use_memory else "the directory has no cards"
        sys.stderr.write(f"nothing fitted: {what}\n")
        return
    of = f" (of {total} remembered)" if trust.examples < total else ""
    if ran:
        done = f"fitted the planner to {trust.examples} solved tasks{of} for this directory in "
        done += f"{time.perf_counter() - started:.1f} s"
    elif trust.examples >= MIN_EXAMPLES:
        done = f"kept the planner's fit for this directory ({trust.examples} solved tasks{of}; redone at a tenth more)"
    else:
        done = _using_tools(trust.examples, total)
    sys.stderr.write(f"{done}: {trusted(shown(asdict(trust)))}\n")


def _using_tools(examples: int, total: int) -> str:
    """How many remembered tasks the fit can learn from, the verb agreeing ("1 of the 1 ... use" it said)."""
    tools = "only this directory's tools"
    if total == 1:
        return f"the 1 remembered task {'uses' if examples else 'does not use'} {tools}"
    return f"{examples} of the {total} remembered tasks {'uses' if examples == 1 else 'use'} {tools}"


@contextmanager
def _planner(
    tools: Path | None, config: Path | None, model: str | None, use_model: bool, max_steps: int | None
) -> Iterator[tuple[Any, Any, Planner]]:
    """The planner ``agentnet plan`` plans with (the config's, over ``--tools`` or the directory), with
    its config and node registry; closed after."""
    from agentnet.config import load_config
    from agentnet.nodes.registry import NodeRegistry
    from agentnet.planner.build import build_planner
    from agentnet.server.daemon import serving_here

    cfg = load_config(config)
    registry = NodeRegistry(cfg)
    source, closer = _source(tools, registry, cfg)
    try:
        # A tool list stands alone: the configured chat models are not part of it.
        # In the daemon, which lives on, a plan does not wait for a fit of plan memory: it runs in the background.
        planner = build_planner(
            cfg, source, registry, model=model, use_model=use_model, max_steps=max_steps, general=tools is None,
            wait_for_fit=not serving_here(), runnable_only=tools is None,
        )  # fmt: skip
        announce_fits(planner)
        try:
            yield cfg, registry, planner
        finally:
            planner.close()
    finally:
        if closer is not None:
            closer()


def _source(tools: Path | None, registry: Any, cfg: Any) -> tuple[Any, Any]:
    """The cards to plan with: a tool file, else the configured directory, else the registry's cards."""
    from agentnet.directory.inmemory import InMemorySource

    if tools is not None:
        from agentnet.directory.importers import load_cards

        return InMemorySource(load_cards(tools)), None
    from agentnet.directory.plan_source import open_for_planning, synced_source

    cards = registry.cards(health=True)
    # What `run` plans with (a fresh home: the declared models' cards, the directory left unindexed).
    source = synced_source(cfg.directory, cards)
    if source is None:
        # The config changed since the directory was last synced (a model added or removed), or only
        # `mcp add` / `directory import` wrote it: plan with the declared models, as `run` would.
        _sync(cfg, cards)
        source = open_for_planning(cfg.directory)
    if source is None:
        return InMemorySource(cards), None
    return source, getattr(source, "close", None)


def _sync(cfg: Any, cards: list[Any]) -> None:
    """Bring the configured models' cards into the directory; while another process writes it, say so
    and plan with the cards it holds."""
    from agentnet.directory.store import Directory
    from agentnet.directory.sync import sync_models
    from agentnet.errors import DirectoryError

    try:
        directory = Directory.from_settings(cfg.directory, lock_timeout_s=2.0)
    except DirectoryError as exc:
        if exc.code != "directory_locked":
            raise
        sys.stderr.write(f"note: {exc.message}; planning without syncing the configured models into it\n")
        return
    with directory:
        sync_models(directory, cards)


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
