"""``agentnet ask``: one question to one model, the answer streamed to stdout, stats to stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agentnet.cli.daemon_cmd import ask_daemon, config_file, running_daemon
from agentnet.cli.handoff import needs_own_process
from agentnet.cli.inputs import Handed, InputOption, TaskFileOption, gather, read_task, unread_notes
from agentnet.errors import UserError

if TYPE_CHECKING:
    from agentnet.cli.conversations import Session
    from agentnet.nodes.calls import Reply


def ask(
    prompt: Annotated[
        list[str] | None, typer.Argument(help="The question or instruction. Unquoted words are joined.")
    ] = None,
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
    latest: Annotated[
        bool, typer.Option("--continue", help="Continue the newest conversation (an `ask` or a chat).")
    ] = False,
    conversation: Annotated[
        str | None, typer.Option("--conversation", "--cid", help="Continue the conversation with this id.")
    ] = None,
) -> None:
    """Ask a model a question; the answer streams to stdout. Piped stdin and --input files come first,
    the question after them (`cat notes.txt | agentnet ask "summarise this"`). Each exchange is saved as a
    conversation: `--continue` follows up on the newest, `--conversation ID` on any."""
    handed = _handed(read_task(prompt, task_file), inputs)
    attached = [a for a in handed.artifacts if a.kind != "text"]
    if attached:
        raise UserError(
            f"ask sends text only; {attached[0].describe()} is {attached[0].kind}",
            hint="use `agentnet run` to hand files of other types to a collaborator that takes them",
        )
    content = "\n\n".join([*handed.texts, handed.task] if handed.task.strip() else handed.texts)
    if not content.strip():
        raise UserError("nothing to ask", hint='agentnet ask "a question", or pipe text into it')
    session = _conversation(latest, conversation)
    if session is not None and model is None:
        model = session.model  # the model the conversation was held with, as llm's --continue does
    messages: list[dict[str, str]] = []
    if system:
        messages.append({"role": "system", "content": system})
    messages += session.history() if session is not None else []
    messages.append({"role": "user", "content": content})
    options: dict[str, Any] = {"max_tokens": max_tokens} if max_tokens else {}
    if handed.texts:
        from agentnet.nodes.arguments import REQUEST_OPTION

        options[REQUEST_OPTION] = _tool_request(handed)
    warm = None if no_daemon or needs_own_process() else running_daemon()
    if warm is not None:
        # The daemon keeps the model loaded; it reads the same config file this process would.
        pieces, answer = ask_daemon(warm, config_file(config), model, messages, options)
    else:
        from agentnet.federation.peers import attach_peer_of
        from agentnet.nodes.registry import NodeRegistry

        registry = NodeRegistry.from_files(config)
        attach_peer_of(registry, model)
        registry.refuse_without_key(model)
        stream = registry.node(model).stream_text(messages, **options)
        pieces, answer = iter(stream), lambda: stream.reply
    text = _stream_out(pieces)
    reply = answer()
    saved = _remember(session, model, reply, content, text)
    if reply is not None and not quiet:
        sys.stderr.write(
            f"[{reply.node_id}: {reply.usage.prompt_tokens} prompt + {reply.usage.completion_tokens} completion "
            f"tokens, {reply.latency_s:.2f} s"
            + (f" (first token {reply.first_token_s:.2f} s)" if reply.first_token_s is not None else "")
            + f", {reply.tokens_per_s:.1f} tok/s"
            + (f", ${reply.cost:.6f}" if reply.cost else "")
            + f"; conversation {saved.id}]\n"
        )


def _handed(task: str, inputs: list[str] | None) -> Handed:
    """The question with the material given with it. Files the question only names are not read: an
    `ask` sends what it is given (to a remote model too), as llm's does; but a note says so, since the
    model, given the name alone, made up what the file held."""
    handed = gather(task, inputs, named_in_task=False)
    notes = unread_notes(handed, 'agentnet ask -q "..." > {name}')
    if notes:
        from agentnet.cli.run_cmd import print_notes

        print_notes(notes)
    return handed


def _stream_out(pieces: Iterator[str]) -> str:
    """Write the answer as it streams; the whole answer."""
    written: list[str] = []
    for piece in pieces:
        sys.stdout.write(piece)
        sys.stdout.flush()
        written.append(piece)
    if not "".join(written).endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()
    return "".join(written)


def _conversation(latest: bool, conversation: str | None) -> Session | None:
    from agentnet.cli.conversations import Session

    if latest and conversation:
        raise UserError("--continue and --conversation both name a conversation", hint="give one of them")
    if conversation:
        return Session.load(conversation)
    return Session.latest() if latest else None


def _remember(session: Session | None, model: str | None, reply: Reply | None, asked: str, answered: str) -> Session:
    """Save the exchange (a new conversation unless one was continued), so `--continue` can follow it."""
    from agentnet.cli.conversations import Session

    by = reply.node_id if reply is not None else model
    if session is None:
        session = Session.new(model=by, route=False)
    session.messages.append({"role": "user", "content": asked})
    session.messages.append({"role": "assistant", "content": answered.strip(), "meta": {"by": by, "why": "ask"}})
    session.save()
    return session


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)


def _tool_request(handed: Handed) -> dict[str, Any]:
    """The question and what was handed over apart, for a tool (``nodes.arguments.REQUEST_OPTION``; a
    model reads the message and ignores it, as in a run's step): `ask -m text-statistics --input
    notes.txt "How many words?"` was "no text to measure" in the question and the file run together,
    and the table tool took the data's "apple" and "price" as the question's filter and column."""
    paths = [a.path for a in handed.artifacts]
    files = [str(p) for p in paths if p is not None] if len(paths) == len(handed.texts) and all(paths) else []
    upstream = [["user", text, None] for text in handed.texts]
    return {"task": handed.task, "instruction": handed.task, "upstream": upstream, "files": files}
