"""``agentnet runs list|show|rate|rm|prune``: past runs (plan and recipe runs alike) from the run database."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agentnet.cli.help_group import HelpGroup
from agentnet.cli.render import clip, tried
from agentnet.wording import plural

if TYPE_CHECKING:
    from rich.console import RenderableType

runs_app = typer.Typer(
    cls=HelpGroup, help="Past runs: list them, show a run's trace, rate its plan, remove them.", no_args_is_help=True
)
ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml (its runs.url).")
]


def register(app: typer.Typer) -> None:
    app.add_typer(runs_app, name="runs")


@runs_app.command("list")
def runs_list(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many runs, newest first.")] = 20,
    before: Annotated[
        str | None, typer.Option("--before", help="List the runs after this run id (the next page).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
    config: ConfigOption = None,
) -> None:
    """List past runs, newest first: status, when, how long, tokens and cost of every model call."""
    runs = _with_store(config, lambda store: store.list_runs(limit + 1, before))
    more, runs = len(runs) > limit, runs[:limit]
    if more:  # on stderr: stdout stays the list (or the table) alone
        from agentnet.cli.render import err_console

        again = (f" -n {limit}" if limit != 20 else "") + (f" -c {config}" if config else "")
        err_console().print(f"older runs: agentnet runs list --before {runs[-1]['id']}{again}", markup=False)
    if as_json:
        sys.stdout.write(json.dumps(runs, ensure_ascii=False) + "\n")
        return
    from agentnet.cli.grid import GridColumn, grid_lines
    from agentnet.cli.render import console

    out = console()
    if not runs:
        out.print('no runs yet: try `agentnet run "..."`')
        return
    rows = []
    for r in runs:
        took = f"{r['duration_s']:.1f} s" if r["duration_s"] is not None else "-"
        started = (r["started"] or "").replace("T", " ").rstrip("Z")  # wraps at the space when narrow
        status = "not running" if r.get("lease_expired") else r["status"]
        rows.append([r["id"], status, started, took, str(r["tokens"]), f"${r['cost']:.4f}", clip(r["task"], 80)])
    # The id is what `runs show` needs: never cut, however narrow the terminal (or a pipe's 80 columns).
    # Below 75 columns, cost, tokens, took and then started are left out (`runs show` and --json have them).
    columns = [GridColumn("id"), GridColumn("status", 6), GridColumn("started", 10, drop=4),
               GridColumn("took", 4, drop=3), GridColumn("tokens", 6, drop=2), GridColumn("cost", 7, drop=1),
               GridColumn("task", 10)]  # fmt: skip
    lines = grid_lines(columns, rows, out.width)
    out.print(next(lines), style="bold", markup=False, highlight=False, soft_wrap=True)
    out.file.write("\n".join(lines) + "\n")
    if any(r.get("lease_expired") for r in runs):
        # Still "running" in the database: its process died or lost the database, and nothing resumed it.
        console().print("not running: its process stopped renewing its lease; `agentnet runs show ID` says how to "
                        "continue it")  # fmt: skip


@runs_app.command("show")
def runs_show(
    run_id: Annotated[str, typer.Argument(help="The run id (see `agentnet runs list`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole trace as JSON.")] = False,
    config: ConfigOption = None,
) -> None:
    """Show a run's trace: the full task, each step's collaborator and why, the prompt it sent, attempts, tokens,
    latency, cost, files."""
    from agentnet.executor.run_files import RunFiles

    trace = _with_store(config, lambda store: store.get_run(run_id))
    trace["files"] = RunFiles(run_id).listing()
    if as_json:
        sys.stdout.write(json.dumps(trace, ensure_ascii=False) + "\n")
        return
    from agentnet.cli.render import console

    # The command it suggests reads the same run database: with the config this one was given.
    console().print(trace_tree(trace, f" -c {config}" if config else ""))


@runs_app.command("rate")
def runs_rate(
    run_id: Annotated[str, typer.Argument(help="The run id (see `agentnet runs list`).")],
    rating: Annotated[str, typer.Argument(help="good (the planner learns its plan) or bad (a counter-example).")],
    config: ConfigOption = None,
) -> None:
    """Rate a run's plan: the planner learns from it for similar tasks (`agentnet memory` shows and forgets it)."""
    from agentnet.config import load_config
    from agentnet.errors import UserError
    from agentnet.network import Network

    if rating not in ("good", "bad"):
        raise UserError(f"a rating is good or bad, not {rating!r}", hint=f"agentnet runs rate {run_id} good")
    with Network(load_config(config)) as net:
        rated = net.rate(run_id, rating == "good")
    sys.stderr.write(f"rated run {run_id} {rated['rating']}: {' -> '.join(rated['tools'])} "
                     f"({plural(rated['remembered'], 'task')} in plan memory)\n")  # fmt: skip
    if "note" in rated:
        sys.stderr.write(f"note: {rated['note']} (agentnet runs show {run_id} keeps it whole)\n")


@runs_app.command("rm")
def runs_rm(
    run_ids: Annotated[list[str], typer.Argument(metavar="RUN_ID...", help="Runs to remove.")],
    config: ConfigOption = None,
) -> None:
    """Remove runs: their traces, checkpoints and files (a run a live process executes is refused)."""

    def remove(store: Any) -> None:
        for run_id in run_ids:
            _remove(store, run_id)

    _with_store(config, remove)


@runs_app.command("prune")
def runs_prune(
    keep: Annotated[int, typer.Option("--keep", min=0, help="How many of the newest runs to keep.")] = 100,
    config: ConfigOption = None,
) -> None:
    """Remove all but the newest --keep runs (runs still executing are kept)."""

    def prune(store: Any) -> None:
        removed, running = store.prune(keep)
        for run_id in removed:
            _remove_files(run_id)
        # Said, not only kept: "kept the newest 0" while a running run stayed read as a prune that failed.
        also = f" and {plural(len(running), 'run')} still running ({', '.join(running[:5])})" if running else ""
        typer.echo(f"removed {plural(len(removed), 'run')}, kept the newest {keep}{also}")

    _with_store(config, prune)


def _remove(store: Any, run_id: str) -> None:
    store.delete_run(run_id)
    _remove_files(run_id)
    typer.echo(f"removed run {run_id}")


def _remove_files(run_id: str) -> None:
    import shutil

    from agentnet.executor.run_files import run_folder

    shutil.rmtree(run_folder(run_id), ignore_errors=True)


def _with_store(config: Path | None, read: Callable[[Any], Any]) -> Any:
    from agentnet.config import load_config
    from agentnet.executor.run_db import open_run_store

    store = open_run_store(load_config(config).runs)
    try:
        return read(store)
    finally:
        store.close()


# Most characters of one text (the task, a message of a prompt) the tree shows: the terminal renders about
# 5 µs a character, and a 14 MB CSV in a prompt kept `runs show` busy for minutes. `--json` has them all.
SHOWN_CHARS = 100_000


def _whole(text: str, run_id: str) -> str:
    """``text`` escaped for the tree, in full up to SHOWN_CHARS, else its start and where the rest is."""
    from rich.markup import escape

    if len(text) <= SHOWN_CHARS:
        return escape(text)
    rest = len(text) - SHOWN_CHARS
    return escape(text[:SHOWN_CHARS]) + f"[dim]… {rest:,} more characters: `agentnet runs show {run_id} --json`[/]"


def trace_tree(trace: dict[str, Any], config_args: str = "") -> RenderableType:
    from rich.markup import escape
    from rich.tree import Tree

    colors = {"succeeded": "green", "failed": "red", "interrupted": "yellow", "budget_exceeded": "yellow"}
    status = trace["status"]
    root = Tree(
        f"[bold]run {trace['id']}[/] [{colors.get(status, 'cyan')}]{status}[/] · {plural(trace['tokens'], 'token')}"
        f" · ${trace['cost']:.6f} · started {trace['started']}"
    )
    root.add(f"task: {_whole(trace['task'], trace['id'])}")
    if trace.get("lease"):
        root.add(_lease_line(trace, config_args))
    ran = {s["id"]: s for s in trace["steps"]}
    plan = trace["plan"]
    if plan.get("source") == "recipe":
        plan_node = root.add(f"recipe {escape(str(plan.get('name', '?')))} ({escape(str(plan.get('recipe', '')))})")
        from agentnet.recipes.graph import step_label
        from agentnet.recipes.runtime import PASS_THROUGH, model_in_step

        # A recipe's steps are only known as they run (routes and loops decide which); they are shown in
        # the recipe's words (its step ids, model names), each call of a looped step counted.
        planned_steps = [
            {"id": s["id"], "label": step_label(s["id"]), "capability": s["node_id"] or "?", "calls": True}
            for s in trace["steps"]
            if s["node_id"] != PASS_THROUGH  # glue steps that call no model
        ]
        for s in trace["steps"]:
            s["node_id"] = s["node_id"] and model_in_step(s["node_id"], s["id"])
            for attempt in s["attempts"]:
                attempt["node_id"] = model_in_step(attempt["node_id"], s["id"])
    else:
        plan_node = root.add(f"plan ({plan.get('source', '?')})")
        planned_steps = plan.get("steps", [])
    for planned in planned_steps:
        _step_branch(plan_node, planned, ran.get(planned["id"]), colors, trace["id"])
    for stored in trace.get("files") or []:
        root.add(f"file: {escape(stored['path'])} ({plural(stored['size'], 'byte', grouped=True)})")
    if trace.get("error"):
        root.add(f"[red]error ({trace['error'].get('code')})[/]: {escape(str(trace['error'].get('message')))}")
    if trace.get("answer"):
        root.add(f"[bold]answer[/]: {escape(trace['answer'][:500])}")
    return root


def _lease_line(trace: dict[str, Any], config_args: str) -> str:
    """Who runs the run; or, once its holder stopped renewing the lease (killed, or cut off from the run
    database), that nothing runs it and how to go on: its status stays "running" until it is resumed."""
    from rich.markup import escape

    lease = trace["lease"]
    holder = f"{escape(str(lease['host']))} pid {lease['pid']}"
    expires_in = lease["expires_in_s"]
    if expires_in is None or expires_in > 0:
        expiry = f"[dim](lease expires in {expires_in} s unless renewed)[/]"
        return f"[cyan]running on {holder} since {lease['since']}[/] {expiry}"
    recipe = trace["plan"].get("source") == "recipe"
    resume = f"agentnet recipe resume {trace['id']}" if recipe else f"agentnet run --resume {trace['id']}"
    resume = escape(resume + config_args)
    return (
        f"[yellow]not running: {holder} ran it from {lease['since']} and stopped renewing its lease "
        f"{-expires_in:.0f} s ago (killed, or cut off from the run database); continue it with `{resume}`[/]"
    )


def _step_branch(
    plan_node: Any, planned: dict[str, Any], step: dict[str, Any] | None, colors: dict[str, str], run_id: str
) -> None:
    """One planned step under the plan: who ran it and how, its attempts and output."""
    from rich.markup import escape

    state = step["status"] if step else "not run"
    name = planned.get("label", planned["id"])
    # Every collaborator the step tried, as the live table of `agentnet run` shows them.
    ran = tried([a["node_id"] for a in step["attempts"]]) if step else ""
    node = ran or (step and step["node_id"]) or planned["capability"]
    label = f"[bold]{escape(name)}[/] → [cyan]{escape(node)}[/] [{colors.get(state, 'dim')}]{state}[/]"
    if step:
        # tokens and cost of every call the step made (retries, loop rounds), not only the last one's
        label += f" · {step['tokens']} tok · {step['latency_s']:.2f}s · ${step['cost']:.6f}"
    branch = plan_node.add(label)
    if planned.get("why"):
        branch.add(f"[dim]why: {escape(clip(planned['why'], 200))}[/]")
    # In a recipe a step runs again on each loop round, so its records are calls, not retries.
    kind = "call" if planned.get("calls") else "attempt"
    for attempt in step["attempts"] if step else []:
        text = f"{kind} {attempt['seq']}: {escape(attempt['node_id'])} {attempt['status']}"
        spent = attempt["prompt_tokens"] + attempt["completion_tokens"]
        text += f" ({spent} tok, {attempt['latency_s']:.2f}s)" if spent else f" ({attempt['latency_s']:.2f}s)"
        if attempt["error"]:
            text += f" [red]{escape(str(attempt['error_code']))}: {escape(attempt['error'][:200])}[/]"
        branch.add(text)
    if step and step.get("prompt"):
        # In full: what the model read is what a user debugging an answer needs to see, word for word.
        sent = branch.add("[dim]prompt sent:[/]")
        for message in step["prompt"]:
            sent.add(f"[dim]{escape(str(message.get('role')))}:[/] {_whole(str(message.get('content')), run_id)}")
    if step and step["output"]:
        branch.add(f"[dim]output: {escape(clip(step['output'], 200))}[/]")
