"""Finding, loading and calling plugins (floor 1: only pluggy and the standard library).

Plugins are the built-in modules in ``DEFAULT_PLUGINS`` (agentnet's own adapters and importers
register through the same hooks as everyone else's) and every module installed under the
``agentnet`` entry-point group. They are loaded once per process, on first use — never by
``import agentnet`` or ``agentnet --help``. ``AGENTNET_LOAD_PLUGINS`` (read when plugins load)
narrows the installed ones: a comma-separated list of entry-point or distribution names, empty
for none. A plugin that cannot be imported or registered, or whose hook raises, is reported once
on the ``agentnet.plugins`` logger (stderr by default) with its name, and skipped.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import importlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from types import ModuleType
from typing import Any, Literal, TypeVar

import pluggy

from agentnet.plugins import hookspecs
from agentnet.plugins.bounded import HookHung, call_bounded, hook_wait_s
from agentnet.plugins.output_aside import plugin_output_aside

DEFAULT_PLUGINS = (
    "agentnet.nodes.adapters",
    "agentnet.directory.importers",
    "agentnet.mcp.plugin",
    "agentnet.collaborators.plugin",
    "agentnet.doctor",
    "agentnet.federation.plugin",
    "agentnet.server.plugin",
)
ENTRY_POINT_GROUP = "agentnet"
# A plugin importing (or in a hook) for longer than this is reported; one importing, also while agentnet waits.
SLOW_IMPORT_S = 2.0
LOAD_ENV = "AGENTNET_LOAD_PLUGINS"

log = logging.getLogger("agentnet.plugins")
T = TypeVar("T")


@dataclass
class PluginInfo:
    """One plugin as ``agentnet plugins list`` shows it."""

    name: str
    module: str
    source: Literal["builtin", "entry point", "code"]
    distribution: str | None = None
    version: str | None = None
    loaded: bool = False
    errors: list[str] = field(default_factory=list)


def installed_entry_points() -> list[metadata.EntryPoint]:
    """The ``agentnet`` entry points to load (reading metadata only: nothing is imported)."""
    found = sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: (ep.name, ep.value))
    wanted = os.environ.get(LOAD_ENV)
    if wanted is None:
        return found
    names = {name.strip() for name in wanted.split(",") if name.strip()}
    return [ep for ep in found if ep.name in names or (ep.dist is not None and ep.dist.name in names)]


def entry_point_key(entry_points: Iterable[metadata.EntryPoint] | None = None) -> list[str]:
    """What is installed (or ``entry_points``), as text: a cache of what plugins registered is valid
    while this is unchanged."""
    key = []
    for ep in installed_entry_points() if entry_points is None else entry_points:
        dist = f"{ep.dist.name}=={ep.dist.version}" if ep.dist is not None else "?"
        key.append(f"{dist}:{ep.name}={ep.value}")
    return key


class Plugins:
    """A pluggy manager plus what agentnet needs around it: provenance, error isolation, memos."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        self._memo: dict[str, Any] = {}
        self._reported: set[tuple[str, str]] = set()
        self._lock = threading.RLock()
        # entry_point_key() of the installed plugins load() loaded (None: it was given its entry points).
        self.key: list[str] | None = None

    def load(self, builtins: Iterable[str] = DEFAULT_PLUGINS, entry_points: Iterable[Any] | None = None) -> None:
        for module_name in builtins:
            self._add(PluginInfo(name=module_name, module=module_name, source="builtin"), module_name)
        if entry_points is None:
            entry_points = installed_entry_points()
            self.key = entry_point_key(entry_points)
        for ep in entry_points:
            dist = ep.dist
            info = PluginInfo(
                name=ep.name,
                module=ep.value,
                source="entry point",
                distribution=dist.name if dist is not None else None,
                version=dist.version if dist is not None else None,
            )
            self._add(info, ep)

    def _add(self, info: PluginInfo, target: Any) -> None:
        """Import one plugin and register it; any failure is reported and the plugin skipped."""
        if info.name in self.infos:
            self._name_taken(info)
            return
        self.infos[info.name] = info
        if isinstance(target, metadata.EntryPoint) and not target.pattern.fullmatch(target.value):
            shape = "is not 'module' or 'module:attr'"
            self.fail(info.name, f"could not be loaded: its entry point {target.value!r} {shape}")
            return
        try:
            with plugin_output_aside():
                module = target if isinstance(target, ModuleType) else self._import(info, target)
                self.pm.register(module, name=info.name)
        # SystemExit too: a module that calls sys.exit() while imported would end every command, silently;
        # and asyncio's CancelledError (a BaseException) from an asyncio.run() it made was a traceback.
        except BaseException as exc:  # noqa: BLE001 — a plugin must never stop agentnet: report it
            _reraise_interrupt(exc)
            self.fail(info.name, f"could not be loaded: {_described(exc)}")
            return
        info.loaded = True
        callers = self.pm.get_hookcallers(module) or []
        if not callers:
            self.fail(info.name, _registers_nothing(module, info))
        for caller in callers:
            if not caller.has_spec():
                self.fail(info.name, f"defines unknown hook {caller.name!r} ({self._nearest_hook(caller.name)})")

    def _name_taken(self, info: PluginInfo) -> None:
        """Two plugins under one name: the second is reported as itself (its distribution, for the way
        out), not as an error of the first, which loaded fine (that once told users to uninstall it)."""
        first = self.infos[info.name]
        if info.source != "entry point" or info.distribution in (None, first.distribution):
            self.fail(info.name, f"another plugin is already named {info.name!r}; {info.module} is skipped")
            return
        key = f"{info.name} ({info.distribution})"
        self.infos[key] = info
        self.fail(
            key,
            f"is skipped: {self.origin(info.name)} already has the entry point name {info.name!r} "
            f"({info.name} = {first.module}); one of the two must change it",
        )

    def _nearest_hook(self, name: str) -> str:
        """The hook a misspelt one most likely meant ('register_node' is 'register_nodes'): pluggy takes
        any function marked as a hook, so a typo registers nothing, without an error of its own."""
        hooks = [hook for hook, caller in vars(self.pm.hook).items() if isinstance(caller, pluggy.HookCaller)]
        nearest = difflib.get_close_matches(name, [h for h in hooks if getattr(self.pm.hook, h).has_spec()], n=1)
        meant = f"did you mean {nearest[0]!r}? " if nearest else ""
        return f"{meant}the hooks are in docs/plugins.md"

    def _import(self, info: PluginInfo, target: Any) -> Any:
        """Import a plugin's module; an installed one slow to import is named while agentnet waits
        for it and reported after (every command that loads plugins waits for the slowest)."""
        if info.source != "entry point":  # agentnet's own: its import time is agentnet's
            return importlib.import_module(target)
        with self._waited_for(info.name, "importing", "to import"):
            return target.load()

    @contextlib.contextmanager
    def _waited_for(self, plugin: str, doing: str, took: str) -> Iterator[None]:
        """Name an installed plugin still ``doing`` something after ``SLOW_IMPORT_S`` while agentnet waits
        for it (a hook that never returned left agentnet silent), and report how long it ``took`` after."""
        info = self.infos.get(plugin)
        if info is None or info.source != "entry point":
            yield  # a built-in's time is agentnet's; a plugin in code is its application's
            return
        waiting = f"agentnet plugin {plugin} is still {doing} after {SLOW_IMPORT_S:g} s; agentnet waits for it"
        notice = threading.Timer(SLOW_IMPORT_S, log.warning, args=("%s%s", waiting, _fix(info)))
        notice.daemon = True
        started = time.monotonic()
        notice.start()
        hung = False
        try:
            yield
        except HookHung:
            hung = True  # reported as given up on, not also as a hook that "took" the wait and returned
            raise
        finally:
            notice.cancel()
            notice.join()
            if not hung:
                self._timed(plugin, took, time.monotonic() - started)

    def add_module(self, module: ModuleType, name: str | None = None) -> PluginInfo:
        """Register a module already imported (a plugin defined in code, e.g. by a test or an app)."""
        info = PluginInfo(name=name or module.__name__, module=module.__name__, source="code")
        with self._lock:
            self._add(info, module)
            self._memo.clear()
        return self.infos[info.name]

    def remove(self, name: str) -> None:
        """Unregister a plugin (what it registered once per process is collected again)."""
        with self._lock:
            self.infos.pop(name, None)
            if self.pm.has_plugin(name):
                self.pm.unregister(name=name)
            self._memo.clear()

    def origin(self, plugin: str) -> str:
        """A plugin as an error names it: 'plugin adapt from agentnet-adapt 0.3.0' (its distribution, for
        an installed one), so the reader knows what to fix or uninstall."""
        info = self.infos.get(plugin)
        if info is None or not info.distribution:
            return f"plugin {plugin}"
        return f"plugin {plugin} from {info.distribution} {info.version or ''}".rstrip()

    def way_out(self, plugin: str) -> str:
        """What a user can do about ``plugin``'s failure, for an error's hint: '`pip uninstall agentnet-adapt`'
        for an installed one (its distribution named: its entry point name alone is no pip name)."""
        info = self.infos.get(plugin)
        remove = f"`pip uninstall {info.distribution}`" if info is not None and info.distribution else "uninstall it"
        return f"fix or update that plugin, or {remove}; AGENTNET_LOAD_PLUGINS= runs agentnet without installed plugins"

    def fail(self, plugin: str, message: str) -> None:
        """Record a problem with ``plugin``; it is logged once per process."""
        with self._lock:
            info = self.infos.setdefault(plugin, PluginInfo(name=plugin, module=plugin, source="entry point"))
            if message not in info.errors:
                info.errors.append(message)
            if (plugin, message) in self._reported:
                return
            self._reported.add((plugin, message))
        log.warning("agentnet plugin %s %s%s", plugin, message, _fix(info))

    def call_each(
        self,
        hook: str,
        args: Callable[[str], Mapping[str, Any]],
        given_up_on: Callable[[str], None] = lambda plugin: None,
    ) -> list[str]:
        """Call ``hook`` of each plugin on its own, in load order (built-ins first); ``args(plugin)``
        gives that plugin's arguments; ``given_up_on(plugin)`` once agentnet stops waiting for its
        call (``bounded.py``), before the next plugin's. Returns the plugins whose call returned normally."""
        succeeded = []
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            kwargs = args(impl.plugin_name)
            call = functools.partial(impl.function, *(kwargs[name] for name in impl.argnames))
            try:
                with self._waited_for(impl.plugin_name, f"in {hook}", f"in {hook}"):
                    returned = self._call_hook(impl.plugin_name, call, hook)
            except HookHung as exc:
                self.fail(impl.plugin_name, f"{exc}: it was in {hook}")
                given_up_on(impl.plugin_name)
                continue
            except BaseException as exc:  # noqa: BLE001 — reported; what it registered is dropped
                _reraise_interrupt(exc)
                self.fail(impl.plugin_name, f"failed in {hook}: {_described(exc)}")
                continue
            if returned is not None:
                self.fail(impl.plugin_name, _returned(hook, returned))
            succeeded.append(impl.plugin_name)
        return succeeded

    def _call_hook(self, plugin: str, call: Callable[[], Any], hook: str) -> Any:
        """An installed plugin's hook with a bounded wait (``bounded.py``); agentnet's own and an
        application's (in code) in this thread, as always."""
        info = self.infos.get(plugin)
        if info is None or info.source != "entry point":
            with plugin_output_aside():
                return call()

        def late() -> None:
            self.fail(plugin, f"returned from {hook} after agentnet gave up on it; what it registered is ignored")

        return call_bounded(call, hook_wait_s(), plugin, plugin_output_aside, late)

    def _timed(self, plugin: str, doing: str, took: float) -> None:
        """Report an installed plugin that held agentnet for ``SLOW_IMPORT_S`` or more (built-ins are agentnet's)."""
        info = self.infos.get(plugin)
        if took >= SLOW_IMPORT_S and info is not None and info.source == "entry point":
            self.fail(plugin, f"took {took:.1f} s {doing}; every command that uses it waits for it")

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per process (what adapters and importers plugins register never changes)."""
        with self._lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]


def _reraise_interrupt(exc: BaseException) -> None:
    """Ctrl-C while a plugin runs stops the command, as anywhere else; whatever else it raises is its failure."""
    if isinstance(exc, KeyboardInterrupt):
        raise exc


def _described(exc: BaseException) -> str:
    """'KeyError: 'x'', or the type alone for an exception without a message (not 'CancelledError: ')."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _returned(hook: str, returned: object) -> str:
    """A hook that returned what it meant to register (as some plugin systems take it): agentnet ignores it."""
    how = {"register_commands": "@cli.command()", "register_server_routes": "app.include_router(...)"}.get(
        hook, "register(...)"
    )
    return (
        f"{hook} returned a {type(returned).__name__}, which agentnet ignores: a hook adds what it adds by "
        f"calling {how} (see docs/plugins.md)"
    )


def _registers_nothing(module: Any, info: PluginInfo) -> str:
    """Why a plugin that loaded has no hook: pluggy takes only functions marked with agentnet's
    ``hookimpl``, and an entry point naming a function hands it that function, not its module."""
    unmarked = sorted(name for name in dir(hookspecs) if name.startswith("register_") and hasattr(module, name))
    if not isinstance(module, ModuleType | type):
        return (
            f"registers nothing: its entry point names {info.module}, a {type(module).__name__}; "
            "name the module that holds its hooks ('module', not 'module:function')"
        )
    if unmarked:
        verb = "is" if len(unmarked) == 1 else "are"
        return (
            f"registers nothing: {', '.join(unmarked)} {verb} not marked @agentnet.hookimpl, so agentnet never calls it"
        )
    return "registers nothing: it has no function marked @agentnet.hookimpl (the hooks are in docs/plugins.md)"


def _fix(info: PluginInfo) -> str:
    """What a user can do about an installed plugin's failure: its distribution, and how to go on without it."""
    if info.source != "entry point":
        return ""  # a built-in's failure is agentnet's bug; a plugin in code is its application's
    dist = f"{info.distribution} {info.version}" if info.distribution else "the distribution that installs it"
    remove = f"pip uninstall {info.distribution}" if info.distribution else "uninstall it"
    return (
        f"\n  plugin {info.name!r} (entry point {info.name} = {info.module}) comes from {dist}: update or fix it, "
        f"or `{remove}`; "
        f"AGENTNET_LOAD_PLUGINS= runs agentnet without installed plugins (`agentnet plugins list` shows them)"
    )


_manager: Plugins | None = None
_manager_lock = threading.RLock()


def plugin_manager() -> Plugins:
    """The process-wide plugins, loaded on first call."""
    global _manager
    with _manager_lock:
        if _manager is None:
            # Published before loading so a plugin that uses agentnet while it is imported finds a
            # (partly loaded) manager instead of recursing into another load.
            _manager = Plugins()
            _manager.load()
        return _manager


def plugins_loaded() -> bool:
    """True once this process has loaded its plugins (the CLI then refreshes its command cache)."""
    return _manager is not None


def plugins_changed() -> bool:
    """True when this process loaded the installed plugins and what is installed has changed since: a
    process that lives on (`agentnet daemon`) still has the old ones, and cannot load a module again."""
    return _manager is not None and _manager.key is not None and _manager.key != entry_point_key()
