"""``agentnet chat``: the interactive session (the REPL itself lives in ``agentnet.cli.chat``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agentnet.cli.inputs import NoDaemonOption


def chat(
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Pin the chat to one model id (no routing).")
    ] = None,
    resume: Annotated[
        str | None, typer.Option("--resume", "--conversation", "-r", help="Continue a saved conversation by its id.")
    ] = None,
    latest: Annotated[
        bool, typer.Option("--continue", help="Continue the newest conversation (a chat or an `ask`).")
    ] = False,
    route: Annotated[
        bool | None, typer.Option("--route/--no-route", help="Auto-route each turn with the planner.")
    ] = None,
    max_tokens: Annotated[int | None, typer.Option("--max-tokens", min=1, help="Most tokens per answer.")] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
    ] = None,
    no_daemon: NoDaemonOption = False,
) -> None:
    """Chat with the network: streamed answers, who answered and why, tokens, latency, cost (in a running
    `agentnet daemon` when there is one and stdin is a terminal, models already loaded)."""
    from agentnet.cli.chat import start

    start(model=model, resume=resume, config=config, max_tokens=max_tokens, route=route, latest=latest)


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)
