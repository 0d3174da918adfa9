"""An installed plugin's hook that agentnet gave up on (its bounded wait ran out) and that returns
later: what it registers then, and what it had registered before, is ignored, and that is said once.
Its routes went into the running `agentnet serve`: a hook given up on at start answered requests
seconds later, and the ones it added before the wait ran out were served all along. A real
distribution on PYTHONPATH, the real `agentnet serve` process, real requests."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_example_plugin import AGENTNET, install, one_module_plugin

LATE = """\
import os
import time
import agentnet
from fastapi import APIRouter

SITE = os.environ["LATE_DEMO_SITE"]  # a folder with an index.html


@agentnet.hookimpl
def register_server_routes(app, server):
    early = APIRouter()

    @early.get("/late-demo/early")
    def before():
        return {"early": True}

    app.include_router(early)
    app.frontend("/late-demo/early-site", directory=SITE)  # FastAPI's static frontend: low-priority routes
    time.sleep(4)  # past the wait (2 s): agentnet has given up on this hook
    late = APIRouter()

    @late.get("/late-demo/late")
    def after():
        return {"late": True}

    app.include_router(late)
    app.frontend("/late-demo/site", directory=SITE)
"""

# A plugin that returns in time: its frontend is served, whatever another plugin's hook does.
IN_TIME = """\
import os
import agentnet


@agentnet.hookimpl
def register_server_routes(app, server):
    app.frontend("/in-time-demo", directory=os.environ["LATE_DEMO_SITE"])
"""


def serving(tmp_path: Path, site: Path, **more_env: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    """``agentnet serve`` with the plugins installed in ``site``, each hook waited for 2 s: the process,
    its URL once it serves, and its log."""
    home, work = tmp_path / "serve-home", tmp_path / "serve-work"
    home.mkdir()
    work.mkdir()
    env = {
        **os.environ, "AGENTNET_HOME": str(home), "AGENTNET_PLUGIN_HOOK_WAIT_S": "2", "COLUMNS": "200", **more_env,
        "PYTHONPATH": os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }  # fmt: skip
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(AGENTNET), "serve", "--port", "0"], cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 120
        while not (found := re.search(r"serving at (http://\S+)/v1", log.read_text())):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    except BaseException:
        process.terminate()
        process.wait(timeout=30)
        raise
    return process, found.group(1), log


def test_routes_of_a_hook_given_up_on_are_not_served_when_it_returns_late(tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "src", "agentnet-late-demo", "0.2", "latedemo", LATE)
    site = install(package, tmp_path / "site")
    install(one_module_plugin(tmp_path / "src2", "agentnet-in-time-demo", "0.1", "intimedemo", IN_TIME), site)
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "index.html").write_text("<p>a page</p>")
    process, url, log = serving(tmp_path, site, LATE_DEMO_SITE=str(pages))
    try:
        time.sleep(3)  # the hook returns 2 s after the wait ran out, before the server started
        assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200
        for path in ("/late-demo/late", "/late-demo/early", "/late-demo/site/", "/late-demo/early-site/"):
            assert httpx.get(f"{url}{path}", timeout=30).status_code == 404, path
        served = httpx.get(f"{url}/in-time-demo/", timeout=30)
        assert served.status_code == 200 and "a page" in served.text, served.text
    finally:
        process.terminate()
        process.wait(timeout=30)
    said = log.read_text()
    assert "agentnet plugin latedemo did not return within 2 s" in said, said
    lines = [line for line in said.splitlines() if "returned from register_server_routes" in line]
    assert len(lines) == 1 and "after agentnet gave up on it; what it registered is ignored" in lines[0], said
    assert "Traceback" not in said, said


# An in-time plugin whose route checks a dependency, and a late one that, once given up on, empties the
# route list (by assignment) and overrides that dependency.
GUARD = """\
import agentnet
from fastapi import APIRouter, Depends, HTTPException


def check():
    raise HTTPException(403, "closed")


@agentnet.hookimpl
def register_server_routes(app, server):
    router = APIRouter()

    @router.get("/guard-demo", dependencies=[Depends(check)])
    def guarded():
        return {"open": True}

    app.include_router(router)
"""
MEDDLER = """\
import time
import agentnet


@agentnet.hookimpl
def register_server_routes(app, server):
    time.sleep(4)  # past the wait (2 s): agentnet has given up on this hook
    import agentnet_guard_demo as guarddemo

    app.dependency_overrides[guarddemo.check] = lambda: None
    app.router.routes = []  # every route gone: /healthz among them
"""


def test_a_hook_given_up_on_changes_neither_the_routes_nor_the_overrides(tmp_path: Path) -> None:
    site = install(one_module_plugin(tmp_path / "src", "agentnet-guard-demo", "0.1", "guarddemo", GUARD), tmp_path)
    install(one_module_plugin(tmp_path / "src2", "agentnet-meddler-demo", "0.1", "meddlerdemo", MEDDLER), site)
    process, url, log = serving(tmp_path, site)
    try:
        deadline = time.monotonic() + 30
        while "meddlerdemo returned from register_server_routes" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200
        assert httpx.get(f"{url}/guard-demo", timeout=30).status_code == 403
    finally:
        process.terminate()
        process.wait(timeout=30)
    said = log.read_text()
    lines = [line for line in said.splitlines() if "meddlerdemo returned from register_server_routes" in line]
    assert len(lines) == 1 and "what it registered is ignored" in lines[0], said  # it returned, not raised
    assert "Traceback" not in said, said


# A hook that empties the route list and overrides the guard's dependency while agentnet still waits for
# it, then goes past the wait: given up on, what it did in time is undone too.
EARLY_MEDDLER = """\
import time
import agentnet


@agentnet.hookimpl
def register_server_routes(app, server):
    import agentnet_guard_demo as guarddemo

    app.dependency_overrides[guarddemo.check] = lambda: None
    app.router.routes = []  # every route gone: /healthz among them
    time.sleep(4)  # past the wait (2 s): agentnet gives up on this hook
"""


def test_what_a_hook_given_up_on_changed_in_time_is_undone(tmp_path: Path) -> None:
    site = install(one_module_plugin(tmp_path / "src", "agentnet-guard-demo", "0.1", "guarddemo", GUARD), tmp_path)
    install(one_module_plugin(tmp_path / "src2", "agentnet-meddler-demo", "0.1", "meddlerdemo", EARLY_MEDDLER), site)
    process, url, log = serving(tmp_path, site)
    try:
        assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200
        assert httpx.get(f"{url}/guard-demo", timeout=30).status_code == 403
    finally:
        process.terminate()
        process.wait(timeout=30)
    said = log.read_text()
    assert "agentnet plugin meddlerdemo did not return within 2 s" in said, said
    assert "Traceback" not in said, said


# Each way a hook can change the route list in place, by name.
IN_PLACE: dict[str, Callable[[list[Any]], Any]] = {
    "clear": lambda routes: routes.clear(),
    "del": lambda routes: routes.__delitem__(0),
    "del-slice": lambda routes: routes.__delitem__(slice(0, 2)),
    "pop": lambda routes: routes.pop(),
    "remove": lambda routes: routes.remove(routes[0]),
    "slice-assignment": lambda routes: routes.__setitem__(slice(None), []),
    "item-assignment": lambda routes: routes.__setitem__(0, routes[-1]),
    "imul": lambda routes: routes.__imul__(0),
    "reverse": lambda routes: routes.reverse(),  # reordered: another route answers first
    "sort": lambda routes: routes.sort(key=lambda route: route.path, reverse=True),
}


@pytest.mark.parametrize("operation", list(IN_PLACE))
def test_a_hook_given_up_on_cannot_change_the_route_list_in_place(operation: str) -> None:
    """Adding to the list and replacing it were ignored from a hook given up on; removing from it in place
    (``app.router.routes.clear()``, ``del``, ``pop``...) still reached the running server. In-process:
    the real bounded call and route list; the hook is given up on by its wait running out."""
    from starlette.routing import Route

    from agentnet.plugins.bounded import HookHung, call_bounded
    from agentnet.server.plugin_routes import _Routes

    routes = _Routes(Route(f"/r{index}", lambda request: None) for index in range(4))
    was = list(routes)
    past_the_wait, changed = threading.Event(), threading.Event()

    def late_hook() -> None:
        past_the_wait.wait(10)
        try:
            IN_PLACE[operation](routes)
        finally:
            changed.set()

    with pytest.raises(HookHung):
        call_bounded(late_hook, 0.1, "latedemo", contextlib.nullcontext)
    past_the_wait.set()
    assert changed.wait(10)
    assert list(routes) == was, operation
