"""The ``agentnet`` command group: built-in commands eagerly, plugin commands lazily.

agentnet's own command plugins (``BUILTIN_COMMAND_PLUGINS``) register through the same
``register_commands`` hook as an installed plugin, but when the group is built: they import only
typer, and ``--help`` lists them from the first run.

``agentnet --help`` must not import plugins, yet should list their commands. So the names and
one-line helps of plugin commands are kept in ``$AGENTNET_HOME/plugin_commands.json``, written
whenever this process loaded plugins, and valid while the installed ``agentnet`` entry points are
the ones it was written for (reading entry-point metadata imports nothing). A command name that is
not built in loads the plugins and resolves it.
"""

from __future__ import annotations

import functools
import json
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand
from typer.exceptions import TyperException

from agentnet.cli.help_group import HelpGroup
from agentnet.errors import AgentnetError, RunError

if TYPE_CHECKING:
    from agentnet.plugins.manager import Plugins

# typer vendors its own click: its command and context types are used, untyped, through typer.core.

CACHE_NAME = "plugin_commands.json"
PANEL = "Plugin commands"
BUILTIN_COMMAND_PLUGINS = ("agentnet.cli.mcp_cmd",)


def _cache_path() -> Path:
    from agentnet.home import agentnet_home

    return agentnet_home() / CACHE_NAME


def read_cache() -> list[dict[str, str]] | None:
    """Cached plugin commands ({name, help, plugin}), or None when the cache is missing or stale."""
    from agentnet.plugins.manager import entry_point_key

    try:
        cached = json.loads(_cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(cached, dict) or cached.get("key") != entry_point_key():
        return None
    commands = cached.get("commands")
    if not isinstance(commands, list):
        return None
    # Rows of another shape (another agentnet version's cache, a hand edit) are left out: --help must not fail.
    return [row for row in commands if isinstance(row, dict) and _row_shape(row)]


def _row_shape(row: dict[str, Any]) -> bool:
    return isinstance(row.get("name"), str) and all(isinstance(row.get(key, ""), str) for key in ("help", "plugin"))


def _write_cache(commands: dict[str, tuple[str, Any]]) -> None:
    from agentnet.plugins.manager import entry_point_key

    rows = [{"name": n, "help": c.get_short_help_str(80), "plugin": p} for n, (p, c) in commands.items()]
    content = json.dumps({"key": entry_point_key(), "commands": rows}, indent=1)
    try:
        path = _cache_path()
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
    except OSError:
        pass  # a read-only home only costs the help listing of plugin commands


def plugin_commands(builtin: set[str]) -> dict[str, tuple[str, Any]]:
    """Every plugin's commands by name, with the plugin that added each (loads plugins)."""
    from agentnet.plugins.manager import plugin_manager

    manager = plugin_manager()
    found = manager.memo("commands", lambda: _collect(manager, builtin))
    _write_cache(found)
    return found


def _command_apps(manager: Plugins) -> dict[str, typer.Typer]:
    """Each plugin's ``register_commands`` called with a Typer of its own (a plugin that raises is left out)."""
    apps: dict[str, typer.Typer] = {}

    def args(plugin: str) -> dict[str, Any]:
        apps[plugin] = typer.Typer(cls=HelpGroup)
        return {"cli": apps[plugin]}

    succeeded = manager.call_each("register_commands", args)
    return {
        plugin: apps[plugin]
        for plugin in succeeded
        if apps[plugin].registered_commands or apps[plugin].registered_groups
    }


def _collect(manager: Plugins, builtin: set[str]) -> dict[str, tuple[str, Any]]:
    found: dict[str, tuple[str, Any]] = {}
    for plugin, app in _command_apps(manager).items():
        try:
            group = typer.main.get_group(app)
        except Exception as exc:  # noqa: BLE001 — a bad command signature is the plugin's problem, reported
            manager.fail(plugin, f"registers commands typer cannot build: {type(exc).__name__}: {exc}")
            continue
        for name, command in group.commands.items():
            owner = "agentnet" if name in builtin else found[name][0] if name in found else None
            if owner is not None:
                manager.fail(plugin, f"registers command {name!r}, which {owner} already has; skipped")
                continue
            found[name] = (plugin, _guarded(command, name, manager.origin(plugin), manager.infos.get(plugin)))
    return found


def _guarded(command: Any, name: str, origin: str, info: Any) -> Any:
    """``command`` (and a group's sub-commands) with its callback guarded: an unexpected exception of a
    plugin's command is an error naming the plugin, its distribution, where it was raised and the
    way out, as a failing hook is, instead of a traceback through agentnet's and typer's frames.
    agentnet's own errors and typer's exits, aborts and usage errors pass as they are."""
    for sub_name, sub in (getattr(command, "commands", None) or {}).items():
        _guarded(sub, f"{name} {sub_name}", origin, info)
    callback = command.callback
    if callback is None:
        return command

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except (AgentnetError, typer.Exit, typer.Abort, TyperException, SystemExit, KeyboardInterrupt):
            raise
        # BaseException: asyncio's CancelledError out of an asyncio.run() in the command was a traceback.
        except BaseException as exc:  # noqa: BLE001 — a plugin's bug, reported as one
            raise _command_failed(exc, name, origin, info) from None

    command.callback = run
    return command


def _command_failed(exc: BaseException, name: str, origin: str, info: Any) -> RunError:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ is not None else None
    at = f" (raised at {where.filename}:{where.lineno}, in {where.name})" if where is not None else ""
    dist = getattr(info, "distribution", None)
    remove = f"`pip uninstall {dist}`" if dist else "uninstall it"
    return RunError(
        f"command {name!r} of {origin} failed: {type(exc).__name__}: {exc}{at}",
        hint=f"a bug in that plugin: report it to its authors, or {remove}; "
        "AGENTNET_LOAD_PLUGINS= runs agentnet without installed plugins",
        code="plugin_command_failed",
    )


_builtin: set[str] = set()
_own: dict[str, Any] = {}  # "manager": the built-in command plugins; "apps": plugin -> its Typer


def register_builtin_plugins(app: typer.Typer) -> None:
    """Add the commands of agentnet's own command plugins to ``app``, through their hook."""
    from agentnet.plugins.manager import Plugins

    manager = Plugins()
    manager.load(builtins=BUILTIN_COMMAND_PLUGINS, entry_points=[])
    apps = _command_apps(manager)
    for plugin_app in apps.values():
        app.registered_commands.extend(plugin_app.registered_commands)
        app.registered_groups.extend(plugin_app.registered_groups)
    _own.update(manager=manager, apps=apps)


def builtin_plugins() -> tuple[list[Any], dict[str, str]]:
    """agentnet's own command plugins (``PluginInfo``s) and the plugin each command name came from."""
    manager: Plugins | None = _own.get("manager")
    if manager is None:
        return [], {}
    names = {name: plugin for plugin, app in _own["apps"].items() for name in typer.main.get_group(app).commands}
    return list(manager.infos.values()), names


class AgentnetGroup(HelpGroup):
    """Built-in commands as usual; plugin commands resolved on demand, listed from the cache."""

    _listing = False
    _read = False
    _rows: list[dict[str, str]] | None = None  # None: no valid cache

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _builtin.update(self.commands)

    def _cached(self) -> list[dict[str, str]]:
        # Read once per process: checking the cache's key reads every distribution's metadata.
        if not self._read:
            self._rows, self._read = read_cache(), True
        return self._rows or []

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        return [*names, *(row["name"] for row in self._cached() if row.get("name") not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        if self._listing:
            # Help only shows a name and a line: a stand-in keeps plugin modules unimported.
            row = next((r for r in self._cached() if r.get("name") == cmd_name), None)
            if row is None:
                return None
            return TyperCommand(cmd_name, help=row.get("help", ""), rich_help_panel=PANEL)
        found = plugin_commands(set(self.commands)).get(cmd_name)
        return found[1] if found is not None else None

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        epilog = self.epilog
        try:
            if not self._cached() and self._rows is None and _has_plugins():
                self.epilog = "Installed plugins may add commands: `agentnet plugins list` indexes and shows them."
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
            self.epilog = epilog


def _has_plugins() -> bool:
    from agentnet.plugins.manager import installed_entry_points

    return bool(installed_entry_points())


def builtin_commands() -> set[str]:
    """The names of agentnet's own commands (known once typer has built the group)."""
    return set(_builtin)


def refresh_cache() -> None:
    """Keep the help listing true once this process has loaded plugins anyway."""
    from agentnet.plugins.manager import plugins_loaded

    if plugins_loaded() and _builtin and read_cache() is None:
        plugin_commands(builtin_commands())
