"""``agentnet memory stats|show|forget``: what the planner learned from solved tasks.

Plan memory (``planner/memory.py``) holds the example plans ``agentnet plan --learn`` taught and the
runs rated with ``agentnet runs rate``; ``planner/learning.py`` fits per directory how far to trust
them (shown by ``stats``). Forgetting restores the zero-shot planner for what was forgotten.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from agentnet.cli.help_group import HelpGroup
from agentnet.wording import plural

if TYPE_CHECKING:
    from agentnet.planner.memory import PlanMemory

memory_app = typer.Typer(
    cls=HelpGroup, help="What the planner learned from solved tasks: inspect or forget it.", no_args_is_help=True
)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def register(app: typer.Typer) -> None:
    app.add_typer(memory_app, name="memory")


def _open() -> PlanMemory:
    from agentnet.planner.memory import PlanMemory

    return PlanMemory()


@memory_app.command("stats")
def stats(as_json: JsonOption = False) -> None:
    """How many tasks are remembered (by source, rated bad), tools, phrases, and per directory the fitted trust."""
    memory = _open()
    try:
        found = memory.stats()
    finally:
        memory.close()
    if as_json:
        sys.stdout.write(json.dumps(found) + "\n")
        return
    from agentnet.cli.render import console
    from agentnet.planner.kept_fit import trusted

    sources = ", ".join(f"{source} {count}" for source, count in sorted(found["by_source"].items())) or "none"
    out = console()
    out.print(f"{plural(found['tasks'], 'task')} remembered (of at most {found['max_tasks']}): {sources}; "
              f"{found['rated_bad']} rated bad; {plural(found['tools'], 'tool')}, "
              f"{plural(found['phrases'], 'phrase')}")  # fmt: skip
    out.print(f"file: {found['path']}", soft_wrap=True)
    for fit in found["fits"]:
        # Memory grew by a tenth (or forgot) since: the next plan for that directory refits first.
        then_count = fit["version"].split(":")[0]
        tasks = plural(int(then_count), "task") if then_count.isdigit() else f"{then_count} tasks"
        then = f"; memory changed since ({tasks} then): refitted at the next plan"
        then = then if fit.get("stale") else ""
        if not fit["fitted"]:
            out.print(f"directory {fit['directory']}: {fit['reason']}{then}")
            continue
        reuse = "never" if fit["reuse"] > 1 else f"at similarity {fit['reuse']:.2f}"
        evidence = f"cross-validated F1 {fit['f1']:.2f} vs zero-shot {fit['zero_shot_f1']:.2f}"
        # Fits kept by an older release scored tools alone.
        if "e_f1" in fit:
            evidence += f", links {fit['e_f1']:.2f} vs {fit['zero_shot_e_f1']:.2f}"
        evidence += f" (t {fit['t']:.1f})"
        out.print(f"directory {fit['directory']}: {fit['examples']} usable examples; {trusted(fit)}; reuse {reuse}; "
                  f"{evidence}{then}")  # fmt: skip


@memory_app.command("show")
def show(
    tool: Annotated[str | None, typer.Option("--tool", help="Only tasks that used this tool.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many, newest first.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """The remembered tasks, newest first: id, source, rating, tools, request."""
    memory = _open()
    try:
        everything = memory.entries()
        entries = [
            {key: entry[key] for key in ("id", "source", "rating", "tools", "task")}
            for entry in reversed(everything)
            if tool is None or tool in entry["tools"]
        ][:limit]
    finally:
        memory.close()
    if as_json:
        sys.stdout.write(json.dumps(entries, ensure_ascii=False) + "\n")
        return
    from rich.markup import escape
    from rich.table import Table

    from agentnet.cli.render import console

    if not entries and everything:
        # Memory is not empty: the filter matched nothing (a tool's name is matched exactly, as plans name it).
        used = sorted({name for entry in everything for name in entry["tools"]})
        shown = ", ".join(used[:12]) + (f" and {len(used) - 12} more" if len(used) > 12 else "")
        console().print(f"no remembered task used {tool!r} ({len(everything)} remembered; their tools: {shown})",
                        markup=False, soft_wrap=True)  # fmt: skip
        return
    if not entries:
        console().print("nothing remembered: teach it with `agentnet plan --learn FILE` or `agentnet runs rate ID`")
        return
    table = Table("id", "source", "rating", "tools", "task")
    for entry in entries:
        rating = "good" if entry["rating"] > 0 else "bad"
        tools = escape(" → ".join(entry["tools"]))
        table.add_row(str(entry["id"]), entry["source"], rating, tools, escape(" ".join(entry["task"].split())[:80]))
    console().print(table)


@memory_app.command("forget")
def forget(
    ids: Annotated[list[int] | None, typer.Argument(help="Ids of remembered tasks (`agentnet memory show`).")] = None,
    source: Annotated[str | None, typer.Option("--source", help="All from this source (learned, rated).")] = None,
    run_id: Annotated[str | None, typer.Option("--run", help="What a rating of this run taught.")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Everything: the planner is zero-shot again.")] = False,
) -> None:
    """Forget remembered tasks: by id, by source, by rated run, or all of them."""
    from agentnet.errors import UserError

    chosen = [bool(ids), source is not None, run_id is not None, everything]
    if sum(chosen) != 1:
        raise UserError("say what to forget: ids, --source, --run or --all (one of them)",
                        hint="agentnet memory forget 12 13, or --source learned, or --all")  # fmt: skip
    if source is not None and source not in SOURCES:
        raise UserError(
            f"no source {source!r}: remembered tasks come from {' or '.join(SOURCES)}",
            hint="agentnet memory forget --source learned (what `plan --learn` taught) or --source rated",
        )
    memory = _open()
    try:
        if ids:
            _check_ids(memory, ids)
        count = memory.forget(ids or None, source=source, run_id=run_id)
        left = len(memory)
    finally:
        memory.close()
    if run_id is not None and count == 0:
        from agentnet.errors import NotFoundError

        raise NotFoundError(f"nothing remembered from a rating of run {run_id!r}: nothing was forgotten",
                            hint="`agentnet memory show` lists what is remembered; a run teaches once rated "
                            f"(`agentnet runs rate {run_id} good`)")  # fmt: skip
    sys.stderr.write(f"forgot {plural(count, 'task')} ({left} remembered)\n")


# Where remembered tasks come from: `agentnet plan --learn` and `agentnet runs rate`.
SOURCES = ("learned", "rated")


def _check_ids(memory: PlanMemory, ids: list[int]) -> None:
    """Refuse the whole command (nothing forgotten) when an id is not remembered: a mistyped id is
    not silently skipped while the others go."""
    from agentnet.errors import NotFoundError

    known = {entry["id"] for entry in memory.entries()}
    unknown = [str(task_id) for task_id in ids if task_id not in known]
    if unknown:
        raise NotFoundError(f"no remembered task with id {', '.join(unknown)}: nothing was forgotten",
                            hint="`agentnet memory show` lists the remembered tasks with their ids")  # fmt: skip
