"""``agentnet ask``: one question to one model, the answer streamed to stdout, stats to stderr."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from agentnet.cli.daemon_cmd import ask_daemon, config_file, running_daemon
from agentnet.cli.inputs import InputOption, TaskFileOption, gather, read_task
from agentnet.errors import UserError


def ask(
    prompt: Annotated[str | None, typer.Argument(help="The question or instruction.")] = None,
    inputs: InputOption = None,
    task_file: TaskFileOption = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model id (see `agentnet models list`); default: the config's.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
    ] = None,
    system: Annotated[str | None, typer.Option("--system", "-s", help="System prompt for this call.")] = None,
    max_tokens: Annotated[int | None, typer.Option("--max-tokens", min=1, help="Most tokens to generate.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the answer, no stats.")] = False,
    no_daemon: Annotated[
        bool, typer.Option("--no-daemon", help="Answer in this process even when `agentnet daemon` runs.")
    ] = False,
) -> None:
    """Ask a model a question; the answer streams to stdout. Piped stdin and --input files come first,
    the question after them (`cat notes.txt | agentnet ask "summarise this"`)."""
    handed = gather(read_task(prompt, task_file), inputs, named_in_task=False)
    attached = [a for a in handed.artifacts if a.kind != "text"]
    if attached:
        raise UserError(
            f"ask sends text only; {attached[0].describe()} is {attached[0].kind}",
            hint="use `agentnet run` to hand files of other types to a collaborator that takes them",
        )
    content = "\n\n".join([*handed.texts, handed.task] if handed.task.strip() else handed.texts)
    if not content.strip():
        raise UserError("nothing to ask", hint='agentnet ask "a question", or pipe text into it')
    messages: list[dict[str, str]] = []
    if system:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": content})
    options = {"max_tokens": max_tokens} if max_tokens else {}
    warm = None if no_daemon else running_daemon()
    if warm is not None:
        # The daemon keeps the model loaded; it reads the same config file this process would.
        pieces, answer = ask_daemon(warm, config_file(config), model, messages, options)
    else:
        from agentnet.nodes.registry import NodeRegistry

        stream = NodeRegistry.from_files(config).node(model).stream_text(messages, **options)
        pieces, answer = iter(stream), lambda: stream.reply
    wrote_newline = True
    for piece in pieces:
        sys.stdout.write(piece)
        sys.stdout.flush()
        wrote_newline = piece.endswith("\n")
    if not wrote_newline:
        sys.stdout.write("\n")
    sys.stdout.flush()
    reply = answer()
    if reply is not None and not quiet:
        sys.stderr.write(
            f"[{reply.node_id}: {reply.usage.prompt_tokens} prompt + {reply.usage.completion_tokens} completion "
            f"tokens, {reply.latency_s:.2f} s"
            + (f" (first token {reply.first_token_s:.2f} s)" if reply.first_token_s is not None else "")
            + f", {reply.tokens_per_s:.1f} tok/s"
            + (f", ${reply.cost:.6f}" if reply.cost else "")
            + "]\n"
        )


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
