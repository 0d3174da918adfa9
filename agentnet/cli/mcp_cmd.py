"""``agentnet mcp add|list|tools|remove|serve``: MCP servers as collaborators, and agentnet as one.

A built-in plugin: its commands come through the ``register_commands`` hook like any plugin's
(``cli/plugin_group.BUILTIN_COMMAND_PLUGINS``).

Records live in ``$AGENTNET_HOME/mcp.yaml``; servers can also be declared in agentnet.yaml
(``mcp_servers:``). The ``mcp`` SDK is imported only inside commands that talk to a server.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from agentnet.cli.help_group import HelpGroup
from agentnet.errors import UserError
from agentnet.plugins.hookspecs import hookimpl
from agentnet.wording import plural

if TYPE_CHECKING:
    from agentnet.mcp.servers import McpServers
    from agentnet.mcp.store import McpServerRecord

mcp_app = typer.Typer(
    cls=HelpGroup, help="MCP servers' tools as collaborators, and agentnet as an MCP server.", no_args_is_help=True
)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
]


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    cli.add_typer(mcp_app, name="mcp")


def _servers(config: Path | None) -> McpServers:
    from agentnet.config import load_config
    from agentnet.mcp.servers import McpServers

    return McpServers(load_config(config))


def _pairs(items: list[str] | None, sep: str, what: str) -> dict[str, str]:
    out = {}
    for item in items or []:
        key, found, value = item.partition(sep)
        if not found or not key.strip():
            raise UserError(f"{what} {item!r} is not KEY{sep}VALUE", hint=f"e.g. {what} 'TOKEN{sep}${{MY_TOKEN}}'")
        out[key.strip()] = value.strip()
    return out


def _mirror(servers: McpServers, config: Path | None, removed: str | None = None) -> str:
    """Copy the MCP cards into the directory; a message when that cannot happen now (never fatal).
    Plain text (it quotes paths and errors): print it with ``escape``."""
    from agentnet.config import load_config
    from agentnet.errors import AgentnetError

    try:
        from agentnet.directory.store import Directory
        from agentnet.mcp.cards import provider

        with Directory.from_settings(load_config(config).directory, lock_timeout_s=2.0) as directory:
            totals = servers.sync_directory(directory)
            if removed is not None:
                totals["removed"] += directory.sync([], provider=provider(removed))["removed"]
    except AgentnetError as exc:
        return f"directory not updated now ({exc.message}); it is updated when the next plan is made"
    return f"directory: {plural(totals.get('changed', 0), 'card')} added or changed, {totals.get('removed', 0)} removed"


def _flags(card_flags: dict[str, bool]) -> str:
    return ", ".join(name.replace("_", "-") for name, on in card_flags.items() if on) or "-"


@mcp_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Local name; tools become nodes NAME.TOOL.")],
    command: Annotated[
        list[str] | None, typer.Argument(help="After --: the command that runs the server (stdio).")
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="A Streamable HTTP server's URL instead of a command.")
    ] = None,
    header: Annotated[
        list[str] | None, typer.Option("--header", help="'Name: value' sent to an HTTP server; secrets as ${VAR}.")
    ] = None,
    env: Annotated[
        list[str] | None, typer.Option("--env", help="KEY=VALUE for a stdio server; secrets as ${VAR}.")
    ] = None,
    cwd: Annotated[str | None, typer.Option("--cwd", help="Working directory of a stdio server.")] = None,
    deadline: Annotated[
        float, typer.Option("--deadline", help="Seconds agentnet waits for one tool call.", min=0.1)
    ] = 60.0,
    config: ConfigOption = None,
) -> None:
    """Add an MCP server: `agentnet mcp add NAME -- COMMAND [ARGS...]` or `agentnet mcp add NAME --url URL`."""
    from pydantic import ValidationError
    from rich.markup import escape

    from agentnet.cli.render import console
    from agentnet.config import McpServerSpec

    fields = {
        "name": name,
        "command": command[0] if command else None,
        "args": command[1:] if command else [],
        "env": _pairs(env, "=", "--env"),
        "cwd": cwd,
        "url": url,
        "headers": _pairs(header, ":", "--header"),
        "deadline_s": deadline,
    }
    try:
        spec = McpServerSpec.model_validate(fields)
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise UserError(
            f"cannot add MCP server {name!r}: {problem['msg']}",
            hint="agentnet mcp add NAME -- COMMAND [ARGS...]   or   agentnet mcp add NAME --url URL",
        ) from None
    servers = _servers(config)
    record = servers.add(spec)
    out = console()
    out.print(f"MCP server [bold]{escape(record.name)}[/] ({spec.transport}): {plural(len(record.tools), 'tool')}")
    _print_tools(record)
    out.print(escape(_mirror(servers, config)))


@mcp_app.command("list")
def list_servers(
    as_json: Annotated[bool, typer.Option("--json", help="Print the servers as JSON.")] = False,
    config: ConfigOption = None,
) -> None:
    """List MCP servers: how they are reached, their state at last contact, and their tools."""
    records = _servers(config).records()
    if as_json:
        sys.stdout.write(json.dumps([_record_json(r) for r in records], indent=2, ensure_ascii=False) + "\n")
        return
    from rich.markup import escape
    from rich.table import Table

    from agentnet.cli.render import console

    if not records:
        console().print("no MCP servers; add one with `agentnet mcp add NAME -- COMMAND` or `--url URL`")
        return
    table = Table(show_edge=False, header_style="bold")
    for column in ("name", "transport", "state", "tools", "from"):
        table.add_column(column)
    for record in records:
        table.add_row(
            record.name,
            escape(record.spec.url or " ".join([record.spec.command or "", *record.spec.args])[:60]),
            escape(_state(record)),
            escape(", ".join(t.name for t in record.tools)[:80] or "-"),
            "mcp add" if record.saved else "config",
        )
    console().print(table)


@mcp_app.command("tools")
def tools(
    name: Annotated[str, typer.Argument(help="The MCP server's name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the tools as JSON.")] = False,
    config: ConfigOption = None,
) -> None:
    """Connect to a server now and show its tools: node id, flags, description, arguments."""
    servers = _servers(config)
    record = servers.refresh(name)
    if as_json:
        sys.stdout.write(json.dumps(_record_json(record), indent=2, ensure_ascii=False) + "\n")
    else:
        from rich.markup import escape

        from agentnet.cli.render import console

        console().print(f"[bold]{escape(record.name)}[/]: {escape(_state(record))}")
        _print_tools(record)
    if not record.available:
        raise typer.Exit(1)


@mcp_app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="The MCP server's name.")], config: ConfigOption = None) -> None:
    """Forget an MCP server added with `agentnet mcp add`, and remove its cards from the directory."""
    from rich.markup import escape

    from agentnet.cli.render import console

    servers = _servers(config)
    record = servers.remove(name)
    console().print(escape(f"removed MCP server {record.name} ({plural(len(record.tools), 'tool')})"))
    console().print(escape(_mirror(servers, config, removed=record.name)))


def _state(record: McpServerRecord) -> str:
    if record.refreshed_at is None and not record.tools:
        return "not contacted yet"
    if record.available:
        return f"available (listed {record.refreshed_at})"
    return f"unavailable: {record.last_error or '?'}"


def _record_json(record: McpServerRecord) -> dict[str, object]:
    from agentnet.mcp.cards import tool_card

    return {
        "name": record.name,
        "transport": record.spec.transport,
        "spec": record.spec.model_dump(mode="json", exclude_defaults=True),
        "from": "mcp add" if record.saved else "config",
        "available": record.available,
        "last_error": record.last_error,
        "refreshed_at": record.refreshed_at,
        "tools": [
            {**tool.model_dump(mode="json", exclude_none=True), "node": tool_card(record.spec, tool).id}
            for tool in record.tools
        ],
    }


def _print_tools(record: McpServerRecord) -> None:
    from rich.markup import escape

    from agentnet.cli.render import console
    from agentnet.mcp.cards import tool_card, tool_flags

    out = console()
    for tool in record.tools:
        card = tool_card(record.spec, tool)
        args = ", ".join(p["name"] for p in card.parameters) or "no arguments"
        out.print(f"  [cyan]{escape(card.id)}[/]({escape(args)})  [dim]{_flags(tool_flags(tool))}[/]")
        if card.id != f"{record.name}.{tool.name}":  # a name no id can hold: say which tool this is
            out.print(f"    [dim]the server's tool {escape(repr(tool.name))}[/]")
        if card.description:
            out.print(f"    [dim]{escape(card.description[:160])}[/]")


@mcp_app.command("serve")
def serve(
    http: Annotated[bool, typer.Option("--http", help="Serve Streamable HTTP at /mcp instead of stdio.")] = False,
    host: Annotated[
        str, typer.Option(help="Address to bind with --http. Beyond loopback needs --token-env.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port with --http (0: a free one, printed).", min=0, max=65535)] = 8765,
    token_env: Annotated[
        str | None, typer.Option("--token-env", help="Environment variable holding the bearer token clients must send.")
    ] = None,
    allow_origin: Annotated[
        list[str] | None, typer.Option("--allow-origin", help="Browser origin allowed to call (repeatable).")
    ] = None,
    config: ConfigOption = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log INFO lines on stderr too (one per model call...).")
    ] = False,
    max_body_bytes: Annotated[
        int,
        typer.Option(
            "--max-body-bytes", help="Largest prompt, task or query accepted (with --http: request body).", min=1
        ),
    ] = 1_000_000,
) -> None:
    """Serve this agentnet to MCP hosts: tools ask, plan, run, search_directory; cards as resources."""
    from agentnet.network import Network
    from agentnet.server.mcp_server import serve_http, serve_stdio
    from agentnet.server.shutdown import sigterm_ends_cleanly

    # SIGTERM while the network loads ends the process as it does once serving: status 0, exit handlers
    # run (it was killed by the signal, -15).
    with sigterm_ends_cleanly(), Network.from_config(config) as network:
        if not http:
            serve_stdio(network, verbose, max_body_bytes)
            return
        from agentnet.cli.server_token import read_token
        from agentnet.server.settings import ServerSettings

        settings = ServerSettings.model_validate(
            {
                "host": host,
                "port": port,
                "token": read_token(token_env),
                "allowed_origins": allow_origin or [],
                "max_body_bytes": max_body_bytes,
            }
        )
        serve_http(network, settings, verbose)
