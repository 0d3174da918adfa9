"""``agentnet run`` (plan + execute, live step display, resume) and ``agentnet runs list/show``.

Engines (planner, executor, LangGraph) are imported inside the commands so ``--help`` stays instant.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agentnet.cli.render import plural
from agentnet.errors import UserError

if TYPE_CHECKING:
    from rich.console import RenderableType

    from agentnet.executor.events import StepEvent
    from agentnet.executor.runner import RunResult
    from agentnet.planner.plan import Plan

runs_app = typer.Typer(help="Past runs: list them, show a run's trace.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.add_typer(runs_app, name="runs")


class StepBoard:
    """The live view: one row per step (collaborator, status, tokens, time, latest text)."""

    def __init__(self, plan: Plan) -> None:
        self.rows: dict[str, dict[str, Any]] = {
            s.id: {"node": s.capability, "status": "waiting", "text": "", "tokens": "", "time": "", "started": 0.0}
            for s in plan.steps
        }

    def update(self, event: StepEvent) -> None:
        row = self.rows.setdefault(event.step, {"node": "", "status": "", "text": "", "tokens": "", "time": ""})
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
            cells = [Text(str(value)) for value in (step_id, row["node"], row["tokens"], row["time"], text)]
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
        branch.add(escape(step.instruction[:200]))
        if step.why:
            branch.add(f"[dim]why: {escape(step.why[:200])}[/]")
        if step.alternates:
            branch.add(f"[dim]alternates: {', '.join(escape(a.card_id) for a in step.alternates)}[/]")
    console().print(tree)


def _execute(start: Any, plan: Plan, run_id: str, as_json: bool) -> RunResult:
    """Run ``start(on_event)`` with a live board (or quietly with --json); Ctrl-C leaves it resumable."""
    from rich.live import Live

    from agentnet.cli.render import console, interrupted

    board = StepBoard(plan)
    try:
        if as_json:
            return start(None)
        with Live(board.render(), console=console(), refresh_per_second=8, transient=False) as live:

            def on_event(event: StepEvent) -> None:
                board.update(event)
                live.update(board.render())

            return start(on_event)
    except KeyboardInterrupt as exc:
        raise typer.Exit(interrupted(exc, run_id, f"agentnet run --resume {run_id}")) from None


def _finish(result: RunResult, as_json: bool) -> None:
    from rich.markup import escape

    from agentnet.cli.render import console, err_console, print_error

    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    elif result.error is None:
        console().print()
        console().print("[bold]answer[/]")
        console().print(escape(result.answer or ""))
        err_console().print(f"[dim]run {result.run_id} · agentnet runs show {result.run_id}[/]")
    if result.error is not None:
        if not as_json:
            print_error(result.error)
            err_console().print(f"[dim]run {result.run_id} saved as {result.status}[/]")
        raise typer.Exit(2 if isinstance(result.error, UserError) else 1)


def run(
    task: Annotated[str | None, typer.Argument(help="What you want done, in plain words.")] = None,
    resume: Annotated[
        str | None,
        typer.Option("--resume", help="Continue a saved run (interrupted, failed or crashed; plan or recipe run)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (run_id, status, answer) last.")
    ] = False,
    config: Annotated[Path | None, typer.Option("--config", help="Config file (default ./agentnet.yaml).")] = None,
    allow_destructive: Annotated[
        bool,
        typer.Option(
            "--allow-destructive", help="Let MCP tools that may change or delete things run (refused by default)."
        ),
    ] = False,
) -> None:
    """Plan a task across the network's models and run it, showing each step live."""
    if (task is None) == (resume is None):
        raise UserError(
            "give either a task or --resume RUN_ID", hint='agentnet run "summarise this text: ..." or --resume ID'
        )
    from agentnet.config import load_config
    from agentnet.executor.runner import new_run_id
    from agentnet.network import Network

    settings = load_config(config)
    if allow_destructive:
        settings = settings.model_copy(update={"mcp": settings.mcp.model_copy(update={"allow_destructive": True})})
    with Network(settings) as net:
        if resume is not None:
            from agentnet.planner.plan import Plan

            saved = net.trace(resume)["plan"]
            if saved.get("source") == "recipe":
                from agentnet.cli.recipe_cmd import resume_recipe_run

                resume_recipe_run(resume, as_json=as_json, registry=net.registry)
                return
            plan = Plan.model_validate(saved)
            if not as_json:
                _print_plan(plan)
            result = _execute(lambda cb: net.resume(resume, on_event=cb, check=False), plan, resume, as_json)
        else:
            plan = net.plan(str(task))
            net.release_directory()
            if not as_json:
                _print_plan(plan)
            run_id = new_run_id()
            result = _execute(
                lambda cb: net.execute(plan, run_id=run_id, on_event=cb, check=False), plan, run_id, as_json
            )
    _finish(result, as_json)


@runs_app.command("list")
def runs_list(
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many runs, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """List past runs, newest first."""
    from agentnet.executor.store import RunStore

    runs = RunStore().list_runs(limit)
    if as_json:
        sys.stdout.write(json.dumps(runs, ensure_ascii=False) + "\n")
        return
    from rich.markup import escape
    from rich.table import Table

    from agentnet.cli.render import console

    if not runs:
        console().print('no runs yet: try `agentnet run "..."`')
        return
    table = Table("id", "status", "started", "task")
    for r in runs:
        table.add_row(r["id"], r["status"], r["started"] or "", escape(" ".join(r["task"].split())[:80]))
    console().print(table)


@runs_app.command("show")
def runs_show(
    run_id: Annotated[str, typer.Argument(help="The run id (see `agentnet runs list`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole trace as JSON.")] = False,
) -> None:
    """Show a run's trace: plan, each step's collaborator and why, attempts, tokens, latency, cost."""
    from agentnet.executor.store import RunStore

    trace = RunStore().get_run(run_id)
    if as_json:
        sys.stdout.write(json.dumps(trace, ensure_ascii=False) + "\n")
        return
    from agentnet.cli.render import console

    console().print(trace_tree(trace))


def trace_tree(trace: dict[str, Any]) -> RenderableType:
    from rich.markup import escape
    from rich.tree import Tree

    colors = {"succeeded": "green", "failed": "red", "interrupted": "yellow", "budget_exceeded": "yellow"}
    status = trace["status"]
    root = Tree(
        f"[bold]run {trace['id']}[/] [{colors.get(status, 'cyan')}]{status}[/] · {trace['tokens']} tokens"
        f" · ${trace['cost']:.6f} · started {trace['started']}"
    )
    root.add(f"task: {escape(' '.join(trace['task'].split())[:200])}")
    ran = {s["id"]: s for s in trace["steps"]}
    plan = trace["plan"]
    if plan.get("source") == "recipe":
        plan_node = root.add(f"recipe {escape(str(plan.get('name', '?')))} ({escape(str(plan.get('recipe', '')))})")
        # A recipe's steps are only known as they run (routes and loops decide which).
        planned_steps = [{"id": s["id"], "capability": s["node_id"] or "?"} for s in trace["steps"]]
    else:
        plan_node = root.add(f"plan ({plan.get('source', '?')})")
        planned_steps = plan.get("steps", [])
    for planned in planned_steps:
        step = ran.get(planned["id"])
        state = step["status"] if step else "not run"
        label = f"[bold]{escape(planned['id'])}[/] → [cyan]{escape(step['node_id'] or planned['capability'] if step else planned['capability'])}[/] [{colors.get(state, 'dim')}]{state}[/]"  # noqa: E501
        if step:
            label += f" · {step['prompt_tokens'] + step['completion_tokens']} tok · {step['latency_s']:.2f}s · ${step['cost']:.6f}"  # noqa: E501
        branch = plan_node.add(label)
        if planned.get("why"):
            branch.add(f"[dim]why: {escape(planned['why'][:200])}[/]")
        for attempt in step["attempts"] if step else []:
            text = f"attempt {attempt['seq']}: {escape(attempt['node_id'])} {attempt['status']}"
            text += f" ({attempt['latency_s']:.2f}s)"
            if attempt["error"]:
                text += f" [red]{escape(str(attempt['error_code']))}: {escape(attempt['error'][:200])}[/]"
            branch.add(text)
        if step and step["output"]:
            branch.add(f"[dim]output: {escape(' '.join(step['output'].split())[:200])}[/]")
    if trace.get("error"):
        root.add(f"[red]error ({trace['error'].get('code')})[/]: {escape(str(trace['error'].get('message')))}")
    if trace.get("answer"):
        root.add(f"[bold]answer[/]: {escape(trace['answer'][:500])}")
    return root
