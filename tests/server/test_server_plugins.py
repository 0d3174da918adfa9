"""The A2A server and the peer transports are built-in plugins: they register through
``register_server_routes`` and ``register_peer_transports``, and a third party's plugin (added in code
here, as ``plugin_manager().add_module`` does for an installed one) adds a route behind the same gate
and a transport that ``Peers.add`` picks for the agents it recognises, over real HTTP."""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import SecretStr
from serve_helpers import TOKEN, ThreadedServer

import agentnet
from agentnet.cards import CapabilityCard
from agentnet.federation.peers import Peers, attach
from agentnet.federation.store import PeerRecord, PeerStore
from agentnet.nodes.callable import CallableNode
from agentnet.nodes.registry import NodeRegistry
from agentnet.plugins.kinds import peer_transports
from agentnet.plugins.manager import plugin_manager
from agentnet.server.app import create_app
from agentnet.server.settings import ServerSettings
from agentnet.testing import ScriptedModel

ECHO_EXTENSION = "https://example.org/extensions/echo-peer/v1"


@pytest.fixture
def in_code_plugin() -> Iterator[Callable[[types.ModuleType], None]]:
    added: list[str] = []

    def add(module: types.ModuleType) -> None:
        plugin_manager().add_module(module)
        added.append(module.__name__)

    yield add
    for name in added:
        plugin_manager().remove(name)


def test_a2a_routes_come_from_a_built_in_plugin_and_a_third_party_adds_its_own_behind_the_gate(
    run_app: Callable[..., ThreadedServer], in_code_plugin: Callable[[types.ModuleType], None]
) -> None:
    implementers = [impl.plugin_name for impl in plugin_manager().pm.hook.register_server_routes.get_hookimpls()]
    assert "agentnet.server.plugin" in implementers
    assert plugin_manager().infos["agentnet.server.plugin"].source == "builtin"

    stopped: list[str] = []
    weather = types.ModuleType("weather_routes")

    @agentnet.hookimpl
    def register_server_routes(app: FastAPI, server: Any) -> None:
        router = APIRouter()

        @router.get("/v1/weather")
        def forecast() -> dict[str, Any]:
            return {"forecast": "sunny", "served_by": server.settings.name, "models": server.backend.local_ids()}

        app.include_router(router)

        async def close() -> None:
            stopped.append("weather")

        server.on_shutdown(close)

    weather.register_server_routes = register_server_routes  # type: ignore[attr-defined]
    in_code_plugin(weather)
    settings = ServerSettings(token=SecretStr(TOKEN), name="plugged")
    served = run_app(create_app(None, settings, nodes=[ScriptedModel.build("echo", ["hi"])]))

    assert httpx.get(f"{served.url}/v1/weather").status_code == 401  # the same gate as every route
    answer = httpx.get(f"{served.url}/v1/weather", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"forecast": "sunny", "served_by": "plugged", "models": ["echo"]}
    card = httpx.get(f"{served.url}/.well-known/agent-card.json")  # the built-in A2A plugin's route
    assert card.status_code == 200 and card.json()["supportedInterfaces"][0]["url"].endswith("/a2a")
    served.stop()
    assert stopped == ["weather"]


def test_a_plugin_route_on_a_path_agentnet_serves_does_not_answer_in_its_place(
    run_app: Callable[..., ThreadedServer], in_code_plugin: Callable[[types.ModuleType], None]
) -> None:
    """The first route matching a request answers it: a plugin's GET /metrics, added before agentnet's
    own, once answered for Prometheus; plugins' routes now all come after agentnet's."""
    squatter = types.ModuleType("metrics_squatter")

    @agentnet.hookimpl
    def register_server_routes(app: FastAPI) -> None:
        router = APIRouter()

        @router.get("/metrics")
        def metrics() -> dict[str, str]:
            return {"served_by": "plugin"}

        app.include_router(router)

    squatter.register_server_routes = register_server_routes  # type: ignore[attr-defined]
    in_code_plugin(squatter)
    served = run_app(create_app(None, ServerSettings(token=SecretStr(TOKEN)), nodes=[ScriptedModel.build("e", ["hi"])]))
    answer = httpx.get(f"{served.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and "agentnet_http_requests_total" in answer.text, answer.text
    # And the plugin hears of it (its route was never called, silently).
    said = plugin_manager().infos["metrics_squatter"].errors
    assert said and said[0].startswith("adds the route GET /metrics, which is never called: agentnet serves"), said


def _echo_agent() -> FastAPI:
    """An agent that is not agentnet nor A2A-callable: its card names the echo extension."""
    app = FastAPI()

    @app.get("/.well-known/agent-card.json")
    def card() -> dict[str, Any]:
        return {"name": "Echo Box", "capabilities": {"extensions": [{"uri": ECHO_EXTENSION}]}}

    @app.post("/echo")
    def echo(body: dict[str, str]) -> dict[str, str]:
        return {"echo": body["text"].upper()}

    return app


def test_a_third_party_transport_reaches_the_peers_it_recognises(
    run_app: Callable[..., ThreadedServer], in_code_plugin: Callable[[types.ModuleType], None], tmp_path: Path
) -> None:
    builtins = peer_transports()
    assert {name: t.plugin for name, t in builtins.items()} == {
        "openai": "agentnet.federation.plugin",
        "a2a": "agentnet.federation.plugin",
    }
    assert builtins["a2a"].detect is None  # the fallback for any other agent card

    def detect(document: Any) -> bool:
        extensions = document.get("capabilities", {}).get("extensions", [])
        return any(e.get("uri") == ECHO_EXTENSION for e in extensions)

    def read(url: str, name: str, token_env: str | None, document: Any) -> PeerRecord:
        record = PeerRecord(name=name, url=url, api_base=f"{url}/echo", transport="echo-peer", token_env=token_env)
        record.cards = [CapabilityCard(id=f"{name}/shout", name="Shout", description="Repeats a text in capitals.")]
        return record

    def node(record: PeerRecord, card: CapabilityCard) -> CallableNode:
        def call(text: str) -> str:
            return str(httpx.post(record.api_base, json={"text": text}, timeout=10).json()["echo"])

        return CallableNode.build(call, card, parse_json=False)

    echo = types.ModuleType("echo_transport")

    @agentnet.hookimpl
    def register_peer_transports(register: Callable[..., None]) -> None:
        register("echo-peer", detect=detect, read=read, node=node, description="echo boxes")

    echo.register_peer_transports = register_peer_transports  # type: ignore[attr-defined]
    in_code_plugin(echo)
    assert peer_transports()["echo-peer"].plugin == "echo_transport"

    agent = run_app(_echo_agent())
    store = PeerStore(tmp_path / "peers.yaml")
    record = Peers(store).add(agent.url)
    assert (record.name, record.transport, record.api_base) == ("echo-box", "echo-peer", f"{agent.url}/echo")
    registry = NodeRegistry()
    assert attach(registry, store.load()) == ["echo-box/shout"]
    assert registry.node("echo-box/shout").invoke("hello there").content == "HELLO THERE"
