"""``agentnet ask``: one question to one model, the answer streamed to stdout, stats to stderr."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def ask(
    prompt: Annotated[str, typer.Argument(help="The question or instruction.")],
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model id (see `agentnet models list`); default: the config's.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
    ] = None,
    system: Annotated[str | None, typer.Option("--system", "-s", help="System prompt for this call.")] = None,
    max_tokens: Annotated[int | None, typer.Option("--max-tokens", min=1, help="Most tokens to generate.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the answer, no stats.")] = False,
) -> None:
    """Ask a model a question; the answer streams to stdout."""
    from agentnet.nodes.registry import NodeRegistry

    registry = NodeRegistry.from_files(config)
    node = registry.node(model)
    messages: list[dict[str, str]] = []
    if system:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": prompt})
    options = {"max_tokens": max_tokens} if max_tokens else {}
    stream = node.stream_text(messages, **options)
    wrote_newline = True
    for piece in stream:
        sys.stdout.write(piece)
        sys.stdout.flush()
        wrote_newline = piece.endswith("\n")
    if not wrote_newline:
        sys.stdout.write("\n")
    sys.stdout.flush()
    reply = stream.reply
    if reply is not None and not quiet:
        sys.stderr.write(
            f"[{reply.node_id}: {reply.usage.prompt_tokens} prompt + {reply.usage.completion_tokens} completion "
            f"tokens, {reply.latency_s:.2f} s, {reply.tokens_per_s:.1f} tok/s"
            + (f", ${reply.cost:.6f}" if reply.cost else "")
            + "]\n"
        )


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
