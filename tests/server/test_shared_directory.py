"""Several agentnet processes on one ``chroma run`` directory see the same cards."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import httpx
from serve_helpers import Served, listening_socket
from test_peers import POET_CONFIG

from agentnet.cards import CapabilityCard
from agentnet.server.app import create_app
from agentnet.server.settings import ServerSettings
from agentnet.testing import ScriptedModel


def search(served: Served, query: str) -> list[str]:
    response = httpx.post(
        f"{served.api_base}/directory/search", json={"query": query, "k": 5}, headers=served.headers(), timeout=60
    )
    assert response.status_code == 200, response.text
    return [candidate["card_id"] for candidate in response.json()["data"]]


def test_two_servers_share_one_chroma_directory(
    serve: Callable[..., Served],
    run_app,  # type: ignore[no-untyped-def]
    chroma_server: str,
) -> None:
    collection = f"shared_{secrets.token_hex(4)}"
    config = f"directory:\n  url: {chroma_server}\n  collection: {collection}\n{POET_CONFIG}"
    a = serve("a", config=config, args=("--name", "a"))
    b = serve("b", config=config, args=("--name", "b"))

    # A third collaborator, reachable as a peer: only A's user adds it (from A's home, in A's process).
    weather = CapabilityCard(
        id="weather",
        description="Reports the weather forecast for a city: temperature, rain and wind.",
        tags=["weather", "forecast"],
    )
    sock = listening_socket()
    port = sock.getsockname()[1]
    node = ScriptedModel.build("weather", ["sunny"], card=weather)
    run_app(create_app(None, ServerSettings(port=port, name="p"), nodes=[node]), sock)
    added = a.cli("peers", "add", f"http://127.0.0.1:{port}")
    assert added.returncode == 0, added.stderr
    assert "directory: " in added.stdout and "added or changed" in added.stdout

    # B never peered with p, yet its directory (the same chroma collection) has the card A's process wrote.
    assert "p/weather" in search(b, "weather forecast for Paris")
    assert "p/weather" in search(a, "weather forecast for Paris")
    # Both see the model cards too.
    assert search(a, "write a short poem")[0] == "poet"
    assert search(b, "write a short poem")[0] == "poet"
    # B's own peers file is untouched: sharing the directory is not sharing peers.
    assert not (b.home / "peers.yaml").exists()
