"""``agentnet plugins list``: installed plugins, what each registered, and what went wrong."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from agentnet.cli.help_group import HelpGroup

plugins_app = typer.Typer(cls=HelpGroup, help="See the installed plugins and what they add.", no_args_is_help=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
]


def _node_plugins(config: Path | None) -> tuple[dict[str, str], str | None]:
    """Node id -> plugin, from a registry built on the config (or the config's error)."""
    from agentnet.config import load_config
    from agentnet.errors import AgentnetError
    from agentnet.nodes.registry import NodeRegistry

    try:
        return NodeRegistry(load_config(config)).plugin_nodes, None
    except AgentnetError as exc:
        # A config naming a missing adapter is exactly when this listing is needed: show the rest.
        return {}, exc.message


def _server_routes() -> dict[str, list[str]]:
    """Each plugin's routes: the server app is built as ``agentnet serve`` builds it, with nothing to
    serve (no network, no nodes), so a route agentnet shadows is reported here too. None listed without
    the server's packages (`pip install 'agentnet[server]'`): then no plugin route can be served either."""
    import logging

    try:
        from agentnet.server.app import create_app
    except ImportError:  # a base install: no FastAPI
        return {}

    quiet = logging.getLogger("a2a")  # its agent card with no skill is warned of: there is none to publish here
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        app: Any = create_app()
    finally:
        quiet.setLevel(level)
    while not hasattr(app, "state"):  # the FastAPI app inside its wrappers (tracing, metrics, the gate)
        app = app.app
    return dict(app.state.plugin_routes)


def describe(config: Path | None) -> tuple[list[dict[str, Any]], str | None]:
    """One entry per plugin: name, version, source, what it registered, its errors."""
    from agentnet.cli.plugin_group import builtin_commands, builtin_plugins, plugin_commands
    from agentnet.plugins.kinds import adapter_kinds, doctor_checks, importer_kinds, peer_transports
    from agentnet.plugins.manager import plugin_manager

    manager = plugin_manager()
    own, own_commands = builtin_plugins()
    # By the key each plugin is registered under: a second distribution skipped for a taken entry point
    # name is listed under its own key, with nothing registered (it showed the first one's nodes).
    infos = [*manager.infos.items(), *((info.name, info) for info in own)]
    nodes, config_error = _node_plugins(config)
    registered: dict[str, dict[str, list[str]]] = {
        key: {
            "nodes": [],
            "adapters": [],
            "importers": [],
            "commands": [],
            "doctor_checks": [],
            "transports": [],
            "routes": [],
        }
        for key, _ in infos
    }
    sources = {
        "nodes": nodes.items(),
        "adapters": ((name, kind.plugin) for name, kind in adapter_kinds().items()),
        "importers": ((name, kind.plugin) for name, kind in importer_kinds().items()),
        "commands": [
            *own_commands.items(),
            *((name, plugin) for name, (plugin, _) in plugin_commands(builtin_commands()).items()),
        ],
        "doctor_checks": ((name, check.plugin) for name, check in doctor_checks().items()),
        "transports": ((name, transport.plugin) for name, transport in peer_transports().items()),
        # The routes each plugin adds to `agentnet serve` ('GET /path'), from a server app built to see them.
        "routes": [(route, plugin) for plugin, routes in _server_routes().items() for route in routes],
    }
    for what, pairs in sources.items():
        for name, plugin in pairs:
            registered.setdefault(plugin, {k: [] for k in sources})[what].append(name)
    plugins = [
        {
            "name": info.name,
            "version": info.version,
            "source": info.source,
            "distribution": info.distribution,
            "module": info.module,
            "loaded": info.loaded,
            "registered": registered.get(key, {}),
            "errors": list(info.errors),
        }
        for key, info in infos
    ]
    return plugins, config_error


@plugins_app.command("list")
def list_plugins(
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List installed plugins (built-in and entry points), what each registered, and errors."""
    plugins, config_error = describe(config)
    if as_json:
        sys.stdout.write(json.dumps(plugins, indent=2) + "\n")
        return
    from rich.markup import escape
    from rich.table import Table

    from agentnet.cli.render import console, err_console

    table = Table(show_edge=False, header_style="bold")
    for column in ("plugin", "version", "source", "registered", "errors"):
        table.add_column(column, overflow="fold")
    for plugin in plugins:
        added = "; ".join(f"{what}: {', '.join(names)}" for what, names in plugin["registered"].items() if names)
        table.add_row(
            escape(plugin["name"]),
            plugin["version"] or "-",
            plugin["source"] + (f" ({plugin['distribution']})" if plugin["distribution"] else ""),
            escape(added) or "-",
            f"[red]{escape('; '.join(plugin['errors']))}[/]" if plugin["errors"] else "-",
        )
    console().print(table)
    if config_error:
        err_console().print(f"[yellow]note[/]: nodes not listed, the config does not load: {escape(config_error)}")


def register(app: typer.Typer) -> None:
    app.add_typer(plugins_app, name="plugins")
