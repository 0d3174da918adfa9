"""Plugins' routes on ``agentnet serve``: each plugin's ``register_server_routes`` is called on the app,
what it added is noted per plugin (``agentnet plugins list`` shows it), and a route on a method and path
an earlier route already answers is reported, naming the plugin: the first route matching a request
answers it, so such a route was never called, and nothing said so.

Only Starlette's and FastAPI's public API is used: ``app.routes`` (one entry per ``include_router``,
``app.get``, ``app.mount`` call), ``BaseRoute.matches(scope)``, and FastAPI's ``get_openapi`` for the
operations an included router holds. A route an included router keeps out of the schema
(``include_in_schema=False``) is neither listed nor checked; one added to the app itself is both.

A hook agentnet gave up on (``plugins/bounded.py``) changes nothing: what it changed while agentnet
still waited for it is undone then (``_Before``: the app's and its router's attributes, the route
list's and the overrides' contents), and the app's route list is a
``_Routes``, which drops what such a hook added before the wait ran out and ignores what it adds,
removes or reorders after, when it returns late (its routes answered in the running server); its writes to
``app.dependency_overrides`` (an ``_Overrides``) and to the app's or router's attributes
(``app.router.routes = [...]``) are ignored too. FastAPI's static frontends
(``app.frontend(path, directory=...)``) are not in that list but among the router's low-priority
routes: while the hooks run, the router's ``frontend`` checks its arguments at once (an error is the
hook's) and keeps the call, made once every hook has returned or been given up on, for the hooks
agentnet did not give up on; after, a call is ignored. A late hook's frontend was served.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, SupportsIndex

from agentnet.plugins.bounded import given_up
from agentnet.plugins.manager import Plugins, plugin_manager

# Path parameters ("{run_id}", "{path:path}") filled with a value any of them accepts, to ask routes
# whether they answer a path.
_PARAMETER = re.compile(r"{[^}]*}")
_HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def add_plugin_routes(app: Any, server: Any, manager: Plugins | None = None) -> dict[str, list[str]]:
    """Call every plugin's ``register_server_routes(app, server)``; return each plugin's routes
    ('GET /a2a/card') and report those an earlier route (agentnet's or another plugin's) shadows."""
    manager = manager or plugin_manager()
    starts: list[tuple[str, int]] = []
    app.router.routes = routes = _Routes(app.router.routes)
    app.dependency_overrides = _Overrides(app.dependency_overrides)
    for target in (app, app.router):  # a late hook's `app.router.routes = [...]` reached the running server
        _guard_attributes(target)

    before: list[_Before] = []

    def args(plugin: str) -> dict[str, Any]:
        before[:] = [_Before(app)]
        starts.append((plugin, len(app.router.routes)))
        return {"app": app, "server": server}

    own = len(app.router.routes)
    frontends = _Frontends(app.router, lambda: starts[-1][0] if starts else "agentnet")
    try:
        manager.call_each("register_server_routes", args, lambda plugin: before[0].restore())
    finally:
        static = frontends.close(manager)
    dropped = routes.drop_given_up()
    starts = [(plugin, start - sum(1 for i in dropped if i < start)) for plugin, start in starts]
    added: dict[str, list[str]] = {}
    bounds = [*(start for _, start in starts[1:]), len(app.router.routes)]
    owners = [(0, own, "agentnet")] + [(start, end, p) for (p, start), end in zip(starts, bounds, strict=True)]
    for (plugin, start), end in zip(starts, bounds, strict=True):
        routes = app.router.routes[start:end]
        added[plugin] = operations(routes)
        for operation in added[plugin]:
            owner = _answered_before(app.router.routes[:start], owners, operation)
            if owner is not None:
                manager.fail(plugin, _shadowed(operation, owner))
    for plugin, paths in static.items():  # answered only where no route matches: shadowed by none
        added[plugin] = added.get(plugin, []) + [f"GET {path} (static files)" for path in paths]
    return {plugin: found for plugin, found in added.items() if found}


class _Before:
    """The app as it was before a hook: what a hook agentnet gives up on changed while it still waited
    for it is undone then, as what it does after is ignored. A hook that replaced the route list
    (``app.router.routes = []``) or wrote an override before the wait ran out kept that change in the
    running server (/healthz gone, another plugin's dependency overridden)."""

    def __init__(self, app: Any) -> None:
        self.targets = [(target, dict(vars(target))) for target in (app, app.router)]
        self.routes, self.overrides = app.router.routes, app.dependency_overrides
        self.route_list, self.override_items = list(self.routes), dict(self.overrides)

    def restore(self) -> None:
        for target, attributes in self.targets:
            for name in set(vars(target)) - set(attributes):
                delattr(target, name)
            for name, value in attributes.items():
                if vars(target).get(name) is not value:
                    setattr(target, name, value)
        list.__setitem__(self.routes, slice(None), self.route_list)
        dict.clear(self.overrides)
        dict.update(self.overrides, self.override_items)


class _Routes(list[Any]):
    """The app's routes, as a list: what a hook agentnet gave up on adds, removes or reorders is ignored,
    and until ``drop_given_up`` each route's adding thread is noted (to drop what such a hook added in time)."""

    def __init__(self, routes: Iterable[Any]) -> None:
        super().__init__(routes)
        self.added_by: dict[int, threading.Thread] | None = {}

    def _noted(self, new: Iterable[Any]) -> list[Any]:
        if given_up():
            return []
        new = list(new)
        if self.added_by is not None:
            self.added_by.update((id(route), threading.current_thread()) for route in new)
        return new

    def append(self, route: Any) -> None:
        self.extend([route])

    def extend(self, routes: Iterable[Any]) -> None:
        super().extend(self._noted(routes))

    def insert(self, index: SupportsIndex, route: Any) -> None:
        for kept in self._noted([route]):
            super().insert(index, kept)

    def __iadd__(self, routes: Iterable[Any]) -> _Routes:  # type: ignore[misc]
        self.extend(routes)
        return self

    # Changes in place are ignored from a hook given up on too: `app.router.routes.clear()` (or del, pop,
    # remove, a slice assigned, a reorder) emptied or reordered the running server's routes.
    def __setitem__(self, index: Any, value: Any) -> None:
        if not given_up():
            super().__setitem__(index, value)

    def __delitem__(self, index: Any) -> None:
        if not given_up():
            super().__delitem__(index)

    def __imul__(self, times: SupportsIndex) -> _Routes:
        return self if given_up() else super().__imul__(times)

    def clear(self) -> None:
        if not given_up():
            super().clear()

    def pop(self, index: SupportsIndex = -1) -> Any:
        return self[index] if given_up() else super().pop(index)

    def remove(self, route: Any) -> None:
        if not given_up():
            super().remove(route)

    def reverse(self) -> None:
        if not given_up():
            super().reverse()

    def sort(self, **options: Any) -> None:
        if not given_up():
            super().sort(**options)

    def drop_given_up(self) -> list[int]:
        """Drop the routes hooks agentnet gave up on added; their former indices. Noting stops."""
        added_by, self.added_by = self.added_by or {}, None
        dropped = [i for i, route in enumerate(self) if id(route) in added_by and given_up(added_by[id(route)])]
        for index in reversed(dropped):
            del self[index]
        return dropped


class _Overrides(dict[Any, Any]):
    """``app.dependency_overrides``: what a hook agentnet gave up on writes is ignored (a late hook's
    override replaced another plugin's dependency, its auth check, in the running server)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        if not given_up():
            super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        if not given_up():
            super().__delitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        if not given_up():
            super().update(*args, **kwargs)

    def __ior__(self, other: Any) -> _Overrides:  # type: ignore[misc]
        self.update(other)
        return self

    def setdefault(self, key: Any, default: Any = None) -> Any:
        return self.get(key, default) if given_up() else super().setdefault(key, default)

    def pop(self, key: Any, *default: Any) -> Any:
        return self.get(key, *default) if given_up() else super().pop(key, *default)

    def popitem(self) -> tuple[Any, Any]:
        if given_up():
            raise KeyError("popitem(): ignored for a plugin hook agentnet gave up on")
        return super().popitem()

    def clear(self) -> None:
        if not given_up():
            super().clear()


_GUARDED: dict[type, type] = {}


def _guard_attributes(target: Any) -> None:
    """``target`` (the app, its router) made to ignore attribute writes from a hook agentnet gave up
    on: ``app.router.routes = [...]``, ``app.dependency_overrides = {...}``, ``app.router = ...``
    replaced what the list and dict above guard, in the running server. Its class becomes a subclass
    that only adds that check."""
    cls = type(target)
    if cls in _GUARDED.values():
        return
    if cls not in _GUARDED:

        def __setattr__(self: Any, name: str, value: Any) -> None:
            if not given_up():
                cls.__setattr__(self, name, value)  # type: ignore[call-arg]

        _GUARDED[cls] = type(cls.__name__, (cls,), {"__setattr__": __setattr__, "__module__": cls.__module__})
    target.__class__ = _GUARDED[cls]


class _Frontends:
    """``router.frontend`` while the plugins' hooks run: each call checked at once and kept with the
    thread and plugin that made it; ``close`` makes the calls of the hooks agentnet did not give up on,
    and from then on the router's ``frontend`` ignores a hook given up on (one returning late)."""

    def __init__(self, router: Any, plugin: Callable[[], str]) -> None:
        self.router, self._original = router, router.frontend
        self._kept: list[tuple[threading.Thread, str, functools.partial[None]]] = []
        self._open = True
        self._lock = threading.Lock()
        self._plugin = plugin
        router.frontend = self._frontend

    def _frontend(self, path: str, **options: Any) -> None:
        from fastapi import APIRouter

        if given_up():
            return
        with self._lock:
            if not self._open:
                self._original(path, **options)
                return
        APIRouter().frontend(path, **options)  # the folder checked now: its error is the hook's
        call = functools.partial(self._original, path, **options)
        with self._lock:
            self._kept.append((threading.current_thread(), self._plugin(), call))

    def close(self, manager: Plugins) -> dict[str, list[str]]:
        """Make the kept calls; each plugin's frontends made (their paths)."""
        with self._lock:
            self._open, kept = False, self._kept
        made: dict[str, list[str]] = {}
        for thread, plugin, call in kept:
            if given_up(thread):
                continue
            try:
                call()
            except Exception as exc:  # noqa: BLE001 - its folder went meanwhile: the plugin's failure
                manager.fail(plugin, f"failed in register_server_routes: {type(exc).__name__}: {exc}")
                continue
            made.setdefault(plugin, []).append(call.args[0])
        return made


def operations(routes: Sequence[Any]) -> list[str]:
    """'METHOD /path' for each route in ``routes`` ('/path' for a mount or a websocket), in order."""
    found: list[str] = []
    included = []
    for route in routes:
        path = getattr(route, "path", None)
        if path is None:  # an included router: its operations, as the OpenAPI schema lists them
            included.append(route)
            continue
        methods = sorted(set(getattr(route, "methods", None) or ()) - {"HEAD"})
        found.extend(f"{method} {path}" for method in methods) if methods else found.append(path)
    if included:
        from fastapi.openapi.utils import get_openapi

        for path, item in get_openapi(title="plugin", version="0", routes=included).get("paths", {}).items():
            found.extend(f"{method.upper()} {path}" for method in item if method.upper() in _HTTP_METHODS)
    return found


def _answered_before(earlier: Sequence[Any], owners: list[tuple[int, int, str]], operation: str) -> str | None:
    """Who answers ``operation`` before it is reached: 'agentnet', another plugin, or None."""
    from starlette.routing import Match

    method, _, path = operation.rpartition(" ")
    scope = {"type": "http", "method": method or "GET", "path": _PARAMETER.sub("x", path), "root_path": ""}
    for index, route in enumerate(earlier):
        matched, _ = route.matches(scope)
        if matched == Match.FULL:
            return next(owner for start, end, owner in owners if start <= index < end)
    return None


def _shadowed(operation: str, owner: str) -> str:
    whose = "agentnet serves it itself" if owner == "agentnet" else f"plugin {owner} added it first"
    return (
        f"adds the route {operation}, which is never called: {whose}, and the first route matching a request "
        "answers it; give the plugin's route a path of its own (e.g. under /plugins/<name>/)"
    )
