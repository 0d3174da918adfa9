"""Shared terminal rendering: errors, tables. Rich is imported here, on first use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from agentnet.errors import AgentnetError, RunStoreError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_console: Console | None = None
_err_console: Console | None = None


def console() -> Console:
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(highlight=False)
    return _console


def reset_consoles() -> None:
    """Forget the consoles, so the next ones fit the current streams (a command run by the daemon)."""
    global _console, _err_console
    _console = _err_console = None


def err_console() -> Console:
    global _err_console
    if _err_console is None:
        from rich.console import Console

        _err_console = Console(stderr=True, highlight=False)
    return _err_console


def print_error(exc: AgentnetError) -> None:
    from rich.markup import escape

    out = err_console()
    # soft_wrap: never break a path or id in the middle when stderr is not a wide terminal.
    out.print(f"[bold red]error[/] [dim]({exc.code})[/]: {escape(exc.message)}", soft_wrap=True)
    if exc.hint:
        out.print(f"  [yellow]hint[/]: {escape(exc.hint)}", soft_wrap=True)


def cells(*values: object) -> list[Text]:
    """Table cells shown as they are: ids, descriptions and model text are never Rich markup."""
    from rich.text import Text

    return [Text(str(value)) for value in values]


def interrupted(exc: KeyboardInterrupt, run_id: str, resume: str) -> int:
    """Say that an interrupted run was saved and how to continue it; the exit code (130, or 143 for SIGTERM)."""
    out = err_console()
    out.print(f"[yellow]interrupted[/]: run {run_id} saved; continue with `{resume}`", soft_wrap=True)
    return int(getattr(exc, "exit_code", 130))


def with_run_id(exc: RunStoreError, run_id: str, resume: str) -> RunStoreError:
    """``exc`` (the run database went away mid-run, or holds what this agentnet cannot read) naming
    the run: resuming or showing it needs its id."""
    if not exc.run_saved:
        exc.hint = (
            f"{exc.hint + '; ' if exc.hint else ''}nothing of this run was saved (the database failed before it "
            "started): run the command again once the database can be used"
        )
        return exc
    if exc.code != "runs_db_unavailable":
        exc.hint = f"{exc.hint + '; ' if exc.hint else ''}this run is {run_id}"
        return exc
    exc.hint = (
        f"{exc.hint + '; ' if exc.hint else ''}this run is {run_id}: once the database is back, "
        f"`agentnet runs show {run_id}` shows what was saved and `{resume}` continues it"
    )
    return exc


@contextmanager
def resumable(run_id: str, resume: str) -> Iterator[None]:
    """Around driving run ``run_id``: Ctrl-C (or SIGTERM) exits saying it was saved and that ``resume``
    continues it, and a run database lost meanwhile is an error naming the run, not a traceback."""
    try:
        yield
    except KeyboardInterrupt as exc:
        raise typer.Exit(interrupted(exc, run_id, resume)) from None
    except RunStoreError as exc:
        raise with_run_id(exc, run_id, resume) from None


def clip(text: str, width: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``width`` characters ("…" marks a cut)."""
    flat = " ".join(str(text).split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    space = cut.rfind(" ")
    # Keep the last word only if the cut falls right after it.
    if flat[width - 1] != " " and space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"


def tried(nodes: list[str]) -> str:
    """The collaborators a step tried, in order, as its row names them: the last one alone hid the
    first choice and that others were tried. The row's status says how it ended, so: "smollm2 → phi",
    "calculator → … → dates (4 tried)"."""
    names = list(dict.fromkeys(n for n in nodes if n))
    if len(names) <= 2:
        return " → ".join(names)
    return f"{names[0]} → … → {names[-1]} ({len(names)} tried)"
