"""The ``agentnet`` command. Sub-command modules import heavy engines only inside commands."""

from __future__ import annotations

import gc
import sys
from typing import Annotated

import typer

from agentnet.cli.entry import run_guarded
from agentnet.cli.plugin_group import AgentnetGroup, register_builtin_plugins

app = typer.Typer(
    cls=AgentnetGroup,
    name="agentnet",
    help="Networks of AI models: local and remote models as nodes, a capability directory, a planner and an executor.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # --install-completion / --show-completion for bash, zsh, fish and PowerShell (typer's own).
    add_completion=True,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"agentnet {version('agentnet')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print agentnet's version and exit."),
    ] = False,
) -> None:
    pass


def _register() -> None:
    # Each module adds its commands to ``app``; kept in one place so `--help` lists them all.
    from agentnet.cli import (
        ask_cmd,
        bench_cmd,
        chat_cmd,
        daemon_cmd,
        directory_cmd,
        doctor_cmd,
        init_cmd,
        memory_cmd,
        models_cmd,
        plan_cmd,
        plugins_cmd,
        recipe_cmd,
        run_cmd,
        serve_cmd,
    )

    ask_cmd.register(app)
    models_cmd.register(app)
    directory_cmd.register(app)
    bench_cmd.register(app)
    serve_cmd.register(app)
    recipe_cmd.register(app)
    chat_cmd.register(app)
    run_cmd.register(app)
    plan_cmd.register(app)
    memory_cmd.register(app)
    doctor_cmd.register(app)
    init_cmd.register(app)
    daemon_cmd.register(app)
    register_builtin_plugins(app)
    plugins_cmd.register(app)


_register()


def main() -> None:
    """``python -m agentnet.cli.app``: as the console entry point (cli/launch.py), ``ask``, ``plan`` and
    ``run`` go to a running ``agentnet daemon`` when there is one (same output, same exit code)."""
    from agentnet.cli.handoff import run_handed

    code = run_handed(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    run_in_process()


def run_in_process() -> None:
    """The command in this process: agentnet errors become a message and an exit code, never a traceback.

    The process then leaves the objects it holds to the OS (``gc.freeze``): the interpreter's teardown
    garbage-collected all of them, ~460,000 once LiteLLM is imported, 1.5-2 CPU s after the command
    was done. An interrupted run that had saved itself and said so took 14-20 s more to exit beside
    four busy loops (46 s in a loaded CI run) while whoever sent the SIGTERM waited, or killed it; an
    ``agentnet mcp serve`` whose host closed its stdin outlived the host's grace (the MCP SDK's: 2 s,
    then SIGTERM, SIGKILL, and the process abandoned). Exit handlers still run (models freed, spans
    exported, run database closed); only the collection of reference cycles at teardown is skipped."""
    try:
        run_guarded(app)
    finally:
        gc.freeze()


if __name__ == "__main__":
    main()
