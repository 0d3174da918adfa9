"""``agentnet run`` (plan + execute, live step display, resume); it registers ``runs_cmd.py``'s ``agentnet runs``.

Engines (planner, executor, LangGraph) are imported inside the commands so ``--help`` stays instant.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agentnet.cli.inputs import (
    Handed,
    InputOption,
    NoDaemonOption,
    TaskFileOption,
    gather,
    missing_files,
    output_note,
    read_task,
)
from agentnet.cli.limits import AllowDestructiveOption, RecursionLimitOption, with_destructive, with_recursion_limit
from agentnet.cli.render import clip, tried, with_run_id
from agentnet.errors import RunStoreError, UserError
from agentnet.wording import plural

if TYPE_CHECKING:
    from rich.console import RenderableType

    from agentnet.executor.events import StepEvent
    from agentnet.executor.runner import RunResult
    from agentnet.planner.plan import Plan


def register(app: typer.Typer) -> None:
    from agentnet.cli import runs_cmd

    app.command("run")(run)
    runs_cmd.register(app)


class StepBoard:
    """The live view: one row per step (collaborator, status, tokens, time, latest text)."""

    def __init__(self, plan: Plan) -> None:
        self.rows: dict[str, dict[str, Any]] = {
            s.id: {"node": s.capability, "status": "waiting", "text": "", "tokens": "", "time": "", "started": 0.0,
                   "tried": []}
            for s in plan.steps
        }  # fmt: skip

    def finished_before(self, steps: list[dict[str, Any]]) -> None:
        """A resumed run's steps that finished before: no event comes for them (they are not run
        again), so they showed "waiting" after the run had ended."""
        for step in steps:
            row = self.rows.get(step["id"])
            if row is not None and step.get("status") == "succeeded":
                tokens = (step.get("prompt_tokens") or 0) + (step.get("completion_tokens") or 0)
                row.update(status="done", text=step.get("output") or "", tokens=str(tokens or ""))
                row.update(time=f"{step.get('latency_s') or 0:.1f}s", node=step.get("node_id") or row["node"])

    def update(self, event: StepEvent) -> None:
        row = self.rows.setdefault(
            event.step, {"node": "", "status": "", "text": "", "tokens": "", "time": "", "tried": []}
        )
        for node in (event.node, event.to_node):
            if node and node not in row["tried"]:
                row["tried"].append(node)
        if event.event == "started":
            row.update(node=event.node or row["node"], status="running", text="", started=time.monotonic())
        elif event.event == "token":
            row["text"] = (row["text"] + (event.text or ""))[-400:]
        elif event.event == "finished":
            row.update(status="done", text=event.text or "", tokens=str(event.tokens or ""))
            row["time"] = f"{event.latency_s or 0:.1f}s"
        elif event.event == "failed":
            row.update(status="failed" if event.final else f"retrying ({event.code})")
        elif event.event == "fell_back":
            row.update(status=f"fell back → {event.to_node}", node=event.to_node or row["node"])

    def render(self) -> RenderableType:
        from rich.table import Table
        from rich.text import Text

        colors = {"done": "green", "running": "cyan", "waiting": "dim", "failed": "red"}
        table = Table(show_header=True, header_style="bold", expand=True)
        table.add_column("step", no_wrap=True)
        table.add_column("collaborator", no_wrap=True)
        table.add_column("status", no_wrap=True)
        table.add_column("tokens", justify="right")
        table.add_column("time", justify="right")
        table.add_column("output", ratio=1, overflow="ellipsis", no_wrap=True)
        for step_id, row in self.rows.items():
            color = colors.get(row["status"].split(" ")[0], "yellow")
            words = " ".join(str(row["text"]).split())
            text = words[:120] if row["status"] == "done" else words[-120:]
            # Model text, ids and error codes are data: Text cells, never parsed as Rich markup.
            # Every collaborator tried, not only the last: "smollm2 → phi".
            node = tried(row["tried"]) or row["node"]
            cells = [Text(str(value)) for value in (step_id, node, row["tokens"], row["time"], text)]
            table.add_row(*cells[:2], Text(str(row["status"]), style=color), *cells[2:])
        return table


def _print_plan(plan: Plan) -> None:
    from rich.markup import escape
    from rich.tree import Tree

    from agentnet.cli.render import console

    tree = Tree(f"[bold]plan[/] ({plan.source}, {plural(len(plan.steps), 'step')})")
    for step in plan.steps:
        deps = f" ← {', '.join(step.depends_on)}" if step.depends_on else ""
        branch = tree.add(f"[bold]{escape(step.id)}[/] → [cyan]{escape(step.capability)}[/]{escape(deps)}")
        branch.add(escape(clip(step.instruction, 200)))
        for item in step.inputs:
            if item.kind == "user" and not (isinstance(item.value, str) and item.value in step.instruction):
                branch.add(f"[dim]reads {escape(clip(item.label(), 80))}[/]")
        if step.why:
            branch.add(f"[dim]why: {escape(clip(step.why, 200))}[/]")
        if step.alternates:
            branch.add(f"[dim]alternates: {', '.join(escape(a.card_id) for a in step.alternates)}[/]")
    console().print(tree)


def _execute(
    start: Any, plan: Plan, run_id: str, as_json: bool, finished: list[dict[str, Any]] | None = None
) -> RunResult:
    """Run ``start(on_event)`` with a live board (or quietly with --json); Ctrl-C leaves it resumable.
    ``finished``: a resumed run's saved steps, shown as they ended."""
    from rich.live import Live

    from agentnet.cli.render import console, resumable

    board = StepBoard(plan)
    board.finished_before(finished or [])
    with resumable(run_id, f"agentnet run --resume {run_id}"):
        if as_json:
            return start(None)
        with Live(board.render(), console=console(), refresh_per_second=8, transient=False) as live:

            def on_event(event: StepEvent) -> None:
                board.update(event)
                live.update(board.render())

            return start(on_event)


def _finish(result: RunResult, as_json: bool) -> None:
    from rich.markup import escape

    from agentnet.cli.render import console, err_console, print_error

    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    elif result.error is None:
        console().print()
        console().print("[bold]answer[/]")
        console().print(escape(result.answer or ""))
        for ref in result.files:
            console().print(
                f"[bold]file[/] {escape(ref['path'])} ({escape(ref['media_type'])}, "
                f"{plural(ref['size'], 'byte', grouped=True)})"
            )
        err_console().print(f"[dim]run {result.run_id} · agentnet runs show {result.run_id}[/]")
    if result.error is not None:
        if isinstance(result.error, RunStoreError):  # the database went away: nothing says it was saved
            result.error = with_run_id(result.error, result.run_id, f"agentnet run --resume {result.run_id}")
        if not as_json:
            print_error(result.error)
            if not isinstance(result.error, RunStoreError):
                err_console().print(f"[dim]run {result.run_id} saved as {result.status}[/]")
        raise typer.Exit(2 if isinstance(result.error, UserError) else 1)


def run(
    task: Annotated[
        list[str] | None, typer.Argument(help="What you want done, in plain words. Unquoted words are joined.")
    ] = None,
    inputs: InputOption = None,
    task_file: TaskFileOption = None,
    resume: Annotated[
        str | None,
        typer.Option("--resume", help="Continue a saved run (interrupted, failed or crashed; plan or recipe run)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (run_id, status, answer) last.")
    ] = False,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
    ] = None,
    allow_destructive: AllowDestructiveOption = False,
    recursion_limit: RecursionLimitOption = None,
    no_daemon: NoDaemonOption = False,
) -> None:
    """Plan a task across the network's models and run it, showing each step live (in a running
    `agentnet daemon` when there is one, models already loaded)."""
    text = read_task(task, task_file)
    if bool(text.strip()) == (resume is not None):
        raise UserError(
            "give either a task or --resume RUN_ID", hint='agentnet run "summarise this text: ..." or --resume ID'
        )
    from agentnet import telemetry
    from agentnet.config import load_config
    from agentnet.network import Network
    from agentnet.server.daemon import serving_here

    settings = with_destructive(with_recursion_limit(load_config(config), recursion_limit), allow_destructive)
    # In the daemon, which lives on, a plan does not wait for a fit of plan memory: it runs in the background.
    net = Network(settings, fit_in_background=serving_here())
    # One trace for the command: planning, then the run.
    with net, telemetry.span("agentnet run", {"agentnet.resume": resume}):
        if resume is not None:
            result = _resume(net, resume, as_json)
            if result is None:
                return
        else:
            handed = gather(text, inputs, named_in_task=True, max_bytes=settings.runs.max_artifact_bytes)
            if handed.missing:
                raise missing_files(handed.missing)
            if handed.outputs:
                handed.notes.append(output_note(handed.outputs, "agentnet run --json TASK | jq -r .answer > {name}"))
            result = _plan_and_run(net, handed, as_json)
    _finish(result, as_json)


def _resume(net: Any, run_id: str, as_json: bool) -> RunResult | None:
    from agentnet.executor.trace import saved_plan

    trace = net.trace(run_id)
    saved = trace["plan"]
    if saved.get("source") == "recipe":
        from agentnet.cli.recipe_cmd import resume_recipe_run

        # Under the recursion limit configured now, as plan runs resume under the budgets configured now.
        limit = net.config.budgets.recursion_limit
        resume_recipe_run(run_id, as_json=as_json, registry=net.registry, recursion_limit=limit)
        return None
    plan = saved_plan(run_id, saved)
    if not as_json:
        _print_plan(plan)
    return _execute(lambda cb: net.resume(run_id, on_event=cb, check=False), plan, run_id, as_json, trace["steps"])


def _plan_and_run(net: Any, handed: Handed, as_json: bool) -> RunResult:
    from agentnet.cli.plan_cmd import announce_fits
    from agentnet.executor.runner import new_run_id

    # A plan that has to fit plan memory first (it changed: `runs rate`, another process) says so before the wait.
    announce_fits(net.planner)
    plan = net.plan(handed.task, inputs=handed.artifacts)
    plan.notes = [*handed.notes, *plan.notes]
    net.release_directory()
    if not as_json:
        _print_plan(plan)
    print_notes(plan.notes)
    run_id = new_run_id()
    return _execute(
        lambda cb: net.execute(plan, run_id=run_id, inputs=handed.values, on_event=cb, check=False),
        plan,
        run_id,
        as_json,
    )


def print_notes(notes: list[str]) -> None:
    """The planner's notes (an input split into parts, material the task mentions but lacks) on stderr."""
    from rich.markup import escape

    from agentnet.cli.render import err_console

    for note in notes:
        err_console().print(f"[yellow]note[/]: {escape(note)}", soft_wrap=True)
