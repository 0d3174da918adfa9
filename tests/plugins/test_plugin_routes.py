"""An installed plugin's routes on `agentnet serve`: `agentnet plugins list` shows them, and one on a
method and path agentnet already serves is reported with the plugin and its distribution (it is never
called: the first route matching a request answers it; nothing said so). A real distribution on
PYTHONPATH, the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from test_example_plugin import agentnet, install, one_module_plugin

ROUTES = """\
import os
import agentnet
from fastapi import APIRouter


@agentnet.hookimpl
def register_server_routes(app):
    router = APIRouter()

    @router.get("/v1/models")
    def models():
        return {"data": []}

    @router.get("/routes-demo/hello")
    def hello():
        return {"hello": "world"}

    app.include_router(router)

    @app.post("/v1/runs/{anything}/cancel")
    def cancel(anything: str):
        return {}

    app.frontend("/routes-demo/site", directory=os.path.dirname(__file__))  # low-priority static files
"""


def test_plugins_list_shows_a_plugin_s_routes_and_reports_those_agentnet_serves_already(tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "routes-src", "agentnet-routes-demo", "0.4", "routesdemo", ROUTES)
    site = [install(package, tmp_path / "site")]
    listed = agentnet("plugins", "list", "--json", site=site)
    assert listed.returncode == 0, listed.stderr
    plugins = {p["name"]: p for p in json.loads(listed.stdout)}
    routes = plugins["routesdemo"]["registered"]["routes"]
    # A static frontend (FastAPI's app.frontend) is not in the app's routes: listed all the same.
    assert sorted(routes) == [
        "GET /routes-demo/hello",
        "GET /routes-demo/site (static files)",
        "GET /v1/models",
        "POST /v1/runs/{anything}/cancel",
    ]
    assert plugins["agentnet.server.plugin"]["registered"]["routes"] == [
        "GET /.well-known/agent-card.json",
        "POST /a2a",
    ]
    errors = plugins["routesdemo"]["errors"]
    assert len(errors) == 2, errors  # its own path is fine
    assert errors[0].startswith(
        "adds the route POST /v1/runs/{anything}/cancel, which is never called: agentnet serves"
    )
    assert errors[1].startswith("adds the route GET /v1/models, which is never called: agentnet serves it itself")
    # Said on stderr as any plugin problem: the plugin, its distribution, the way out.
    assert "agentnet plugin routesdemo adds the route GET /v1/models" in listed.stderr, listed.stderr
    assert "comes from agentnet-routes-demo 0.4" in listed.stderr and "Traceback" not in listed.stderr
    table = agentnet("plugins", "list", site=site)
    assert "routes: GET /.well-known/agent-card.json, POST /a2a" in table.stdout, table.stdout


def test_plugins_list_works_without_the_server_packages(tmp_path: Path) -> None:
    """A base install (no `agentnet[server]`: no FastAPI) lists its plugins as before, with no routes."""
    site = tmp_path / "no-fastapi"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import sys\nsys.modules['fastapi'] = None  # as if not installed\n")
    listed = agentnet("plugins", "list", "--json", site=[site])
    assert listed.returncode == 0, listed.stderr
    plugins = {p["name"]: p for p in json.loads(listed.stdout)}
    assert plugins["agentnet.server.plugin"]["registered"]["routes"] == []
    assert "Traceback" not in listed.stderr
