"""``agentnet models list|show|test``: the declared models and their capability cards.

``list`` and ``show`` read the config only: no engine (llama.cpp, litellm) is imported.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from agentnet.cli.help_group import HelpGroup

models_app = typer.Typer(cls=HelpGroup, help="List, inspect and try the models agentnet knows.", no_args_is_help=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
]


def _where(spec_path: str | None, model: str | None, api_base: str | None) -> str:
    if spec_path:
        return spec_path
    from agentnet.redact import redact_url

    return f"{model} @ {redact_url(api_base)}" if api_base else str(model)


# Columns from which `models list` also shows where each model is (its file, or its provider model).
WIDE = 110


@models_app.command("list")
def list_models(
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the cards as JSON.")] = False,
) -> None:
    """List declared models and registered tools, with each model's health (key present, file valid,
    not remembered as down)."""
    from agentnet.nodes.registry import NodeRegistry

    registry = NodeRegistry.from_files(config)
    if as_json:
        sys.stdout.write(json.dumps([card.model_dump(mode="json") for card in registry.cards()], indent=2) + "\n")
        return
    from rich.table import Table

    from agentnet.cli.render import cells, console

    # Ids are what the user types next (`models show ID`, `-m ID`): never cut, whatever the width (a
    # pipe gets 80 columns); the other columns fold onto more lines instead of losing their ends. Below
    # WIDE columns the model's file or provider model (`where`, often a long path) is left to `models
    # show`: with it, skills and health were squeezed to a character per line.
    out = console()
    wide = out.width >= WIDE
    table = Table(show_edge=False, header_style="bold")
    table.add_column("id", no_wrap=True, min_width=max((len(i) for i in registry.ids()), default=2))
    table.add_column("adapter", no_wrap=True)
    table.add_column("locality", min_width=6)
    table.add_column("context", no_wrap=True)
    for column in ("where", "skills", "health") if wide else ("skills", "health"):
        table.add_column(column, overflow="fold", ratio=1)
    missing = []
    for node_id in registry.ids():
        card = registry.card(node_id)
        spec = registry.spec(node_id)
        marker = " (default)" if node_id == registry.default_id else ""
        if not card.available and card.install:
            marker += " (not installed)"
            missing.append(card)
        where = [_where(spec.path, spec.model, spec.api_base) if spec else "-"] if wide else []
        table.add_row(
            *cells(
                node_id + marker,
                spec.adapter if spec else card.provider,
                card.locality + ("" if not card.data_leaves_host else ", data leaves host"),
                str(card.context_length or "-"),
                *where,
                ", ".join(skill.id for skill in card.skills) or "-",
                _health(registry, node_id),
            )
        )
    out.print(table)
    if not wide:
        out.print(f"[dim]each model's file or provider model: `agentnet models show ID` (or {WIDE}+ columns)[/]")
    for card in missing:
        console().print(f"{card.id} ({card.name or card.id}) is not installed; to add it: {card.install}", markup=False)


def _health(registry: Any, node_id: str) -> str:
    """ "ok", or what is wrong in a few words (`agentnet doctor` says how to fix it)."""
    from agentnet.cli.render import clip

    health = registry.health(node_id, deep=True)
    return "ok" if health.ok else clip(f"{health.status}: {health.detail}", 48)


@models_app.command("show")
def show_model(
    model_id: Annotated[str, typer.Argument(metavar="ID", help="Model id.")],
    config: ConfigOption = None,
) -> None:
    """Show one model's settings (those its adapter reads) and capability card, as YAML."""
    import yaml

    from agentnet.nodes.registry import NodeRegistry

    registry = NodeRegistry.from_files(config)
    card = registry.card(model_id)
    spec = registry.spec(model_id)
    doc: dict[str, object] = {}
    if spec is not None:
        # api_key_env is the *name* of a variable; the key itself is never read here.
        from agentnet.redact import redact_url

        model = spec.model_dump(mode="json", exclude={"card"}, exclude_none=True)
        if not spec.options:
            model.pop("options", None)
        used = spec.kind().params
        if used is not None:  # only the settings this model's adapter reads
            model["params"] = {k: v for k, v in model["params"].items() if k in used}
        if spec.api_base:
            model["api_base"] = redact_url(spec.api_base)
        doc["model"] = model
    doc["card"] = card.model_dump(mode="json")
    sys.stdout.write(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


@models_app.command("test")
def test_model(
    model_id: Annotated[str, typer.Argument(metavar="ID", help="Model id.")],
    prompt: Annotated[str, typer.Option("--prompt", "-p", help="What to send.")] = "Say hello in one short sentence.",
    config: ConfigOption = None,
    max_tokens: Annotated[int, typer.Option("--max-tokens", min=1, help="Most tokens to generate.")] = 64,
) -> None:
    """Make one real call: print the reply, latency and tokens/s."""
    from agentnet.nodes.registry import NodeRegistry

    registry = NodeRegistry.from_files(config)
    node = registry.node(model_id)
    reply = node.complete(prompt, max_tokens=max_tokens)
    first = f"{reply.first_token_s:.2f} s" if reply.first_token_s is not None else "-"
    sys.stdout.write(
        f"reply: {reply.text.strip()}\n"
        f"latency: {reply.latency_s:.2f} s (first token {first})\n"
        f"tokens: {reply.usage.prompt_tokens} prompt + {reply.usage.completion_tokens} completion\n"
        f"tokens/s: {reply.tokens_per_s:.1f}\n"
        f"cost: ${reply.cost:.6f}\n"
    )


@models_app.command("add")
def add_model(
    source: Annotated[
        str,
        typer.Argument(help="A .gguf file, an http(s) URL of one, or a Hugging Face repository id (owner/name)."),
    ],
    filename: Annotated[
        str | None, typer.Option("--file", "-f", help="The .gguf file in the Hugging Face repository.")
    ] = None,
    model_id: Annotated[str | None, typer.Option("--id", help="The model's id (default: from the file name).")] = None,
    sha256: Annotated[
        str | None, typer.Option("--sha256", help="Expected SHA-256 of the file; refused if it differs.")
    ] = None,
    revision: Annotated[str, typer.Option("--revision", help="Hugging Face branch, tag or commit.")] = "main",
    n_ctx: Annotated[
        int | None, typer.Option("--n-ctx", min=256, help="Context window (default: the model's, at most 8192).")
    ] = None,
    make_default: Annotated[bool, typer.Option("--default", help="Also make it the default model.")] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Config file to add it to (default: ./agentnet.yaml if present, else the user config).",
        ),
    ] = None,
) -> None:
    """Add a local GGUF chat model: a file you have, or one downloaded (progress bar, SHA-256) into
    $AGENTNET_HOME/models. It is validated, then declared in the config with a capability card."""
    from agentnet.cli.model_add import add

    add(source, filename=filename, model_id=model_id, sha256=sha256, revision=revision, n_ctx=n_ctx,
        make_default=make_default, config=config)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
