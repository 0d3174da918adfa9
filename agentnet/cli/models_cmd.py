"""``agentnet models list|show|test``: the declared models and their capability cards.

``list`` and ``show`` read the config only: no engine (llama.cpp, litellm) is imported.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

models_app = typer.Typer(help="List, inspect and try the models agentnet knows.", no_args_is_help=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
]


def _where(spec_path: str | None, model: str | None, api_base: str | None) -> str:
    if spec_path:
        return spec_path
    from agentnet.redact import redact_url

    return f"{model} @ {redact_url(api_base)}" if api_base else str(model)


@models_app.command("list")
def list_models(
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the cards as JSON.")] = False,
) -> None:
    """List declared models and registered tools."""
    from agentnet.nodes.registry import NodeRegistry

    registry = NodeRegistry.from_files(config)
    if as_json:
        sys.stdout.write(json.dumps([card.model_dump(mode="json") for card in registry.cards()], indent=2) + "\n")
        return
    from rich.table import Table

    from agentnet.cli.render import cells, console

    table = Table(show_edge=False, header_style="bold")
    for column in ("id", "adapter", "locality", "context", "where", "skills"):
        table.add_column(column)
    for node_id in registry.ids():
        card = registry.card(node_id)
        spec = registry.spec(node_id)
        marker = " (default)" if node_id == registry.default_id else ""
        table.add_row(
            *cells(
                node_id + marker,
                spec.adapter if spec else card.provider,
                card.locality + ("" if not card.data_leaves_host else ", data leaves host"),
                str(card.context_length or "-"),
                _where(spec.path, spec.model, spec.api_base) if spec else "-",
                ", ".join(skill.id for skill in card.skills) or "-",
            )
        )
    console().print(table)


@models_app.command("show")
def show_model(
    model_id: Annotated[str, typer.Argument(metavar="ID", help="Model id.")],
    config: ConfigOption = None,
) -> None:
    """Show one model's settings and capability card (as YAML)."""
    import yaml

    from agentnet.nodes.registry import NodeRegistry

    registry = NodeRegistry.from_files(config)
    card = registry.card(model_id)
    spec = registry.spec(model_id)
    doc: dict[str, object] = {}
    if spec is not None:
        # api_key_env is the *name* of a variable; the key itself is never read here.
        from agentnet.redact import redact_url

        doc["model"] = spec.model_dump(mode="json", exclude={"card"}, exclude_none=True)
        if spec.api_base:
            doc["model"]["api_base"] = redact_url(spec.api_base)  # type: ignore[index]
    doc["card"] = card.model_dump(mode="json")
    sys.stdout.write(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


@models_app.command("test")
def test_model(
    model_id: Annotated[str, typer.Argument(metavar="ID", help="Model id.")],
    prompt: Annotated[str, typer.Option("--prompt", "-p", help="What to send.")] = "Say hello in one short sentence.",
    config: ConfigOption = None,
    max_tokens: Annotated[int, typer.Option("--max-tokens", min=1)] = 64,
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


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
