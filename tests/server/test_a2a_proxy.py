"""An A2A peer reachable only through the proxy the environment names (HTTP_PROXY) still answers.
agentnet's A2A client has a byte-capped transport of its own, and httpx reads no proxy settings for a
client given one: it connected directly and could not reach the peer. The real A2A agent
(``a2a_agent.py``, a2a-sdk's server) behind a real forwarding proxy on loopback, named by a host only
the proxy knows; agentnet's real A2APeerNode and a2a-sdk client."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentnet.cards import CapabilityCard
from agentnet.errors import ModelCallError
from agentnet.federation.a2a_node import A2APeerNode

AGENT = Path(__file__).with_name("a2a_agent.py")
HIDDEN = "thermo.invalid"  # no resolver knows it: only the proxy reaches the agent


class ForwardingProxy:
    """An HTTP proxy for one upstream: each request in absolute form (``POST http://HOST/rpc``) is sent
    on to the agent in origin form, then the bytes are relayed both ways until either side closes."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.targets: list[str] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client, contextlib.suppress(OSError):
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(65536)
                if not chunk:
                    return
                head += chunk
            first, rest = head.split(b"\r\n", 1)
            method, target, version = first.decode().split(" ")
            self.targets.append(target)
            path = "/" + target.split("://", 1)[1].split("/", 1)[1] if "://" in target else target
            # One request per connection: the agent closes after answering, so the relay ends.
            rest = rest.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)
            with socket.create_connection(self.upstream) as server:
                server.sendall(f"{method} {path} {version}\r\n".encode() + rest)
                threading.Thread(target=_pipe, args=(client, server), daemon=True).start()
                _pipe(server, client)

    def close(self) -> None:
        self.listener.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[ForwardingProxy]:
    agent = subprocess.Popen(
        [sys.executable, str(AGENT), str(tmp_path / "agent.jsonl")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert agent.stdout is not None
        line = agent.stdout.readline()  # printed once the socket listens
        assert line.startswith("URL "), line
        host, port = line.split()[1].removeprefix("http://").split(":")
        forwarding = ForwardingProxy((host, int(port)))
        yield forwarding
        forwarding.close()
    finally:
        agent.terminate()
        agent.wait(timeout=10)
        if agent.stdout is not None:
            agent.stdout.close()


def only(monkeypatch: pytest.MonkeyPatch, proxy: str, no_proxy: str) -> None:
    """The environment names this proxy and nothing else (lower-case names win over upper-case ones)."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ALL_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("NO_PROXY", no_proxy)


def thermo(streaming: bool) -> A2APeerNode:
    return A2APeerNode(
        node_id="thermo/convert-temperature",
        card=CapabilityCard(id="thermo/convert-temperature"),
        peer="thermo",
        api_base=f"http://{HIDDEN}/rpc",
        skill="convert-temperature",
        streaming=streaming,
    )


@pytest.mark.parametrize("streaming", [True, False], ids=["stream", "one-reply"])
def test_a_peer_behind_the_environments_proxy_answers_through_it(
    proxy: ForwardingProxy, monkeypatch: pytest.MonkeyPatch, streaming: bool
) -> None:
    only(monkeypatch, proxy.url, "")
    reply = thermo(streaming).complete("Convert 212 degrees Fahrenheit to Celsius", deadline_s=60)
    assert "100.0 °C (thermo-agent)" in reply.text, reply.text
    assert proxy.targets == [f"http://{HIDDEN}/rpc"], proxy.targets  # the call went through the proxy


def test_no_proxy_still_connects_directly(proxy: ForwardingProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    """A host NO_PROXY names is not sent to the proxy: the hidden host is then not reached at all."""
    only(monkeypatch, proxy.url, HIDDEN)
    with pytest.raises(ModelCallError):
        thermo(True).complete("Convert 212 degrees Fahrenheit to Celsius", deadline_s=30)
    assert proxy.targets == []
