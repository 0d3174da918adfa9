"""An agentnet peer (reached through LiteLLM, ``PeerNode``) that answers more than anyone should read:
the real node, LiteLLM and its OpenAI client against a raw loopback server standing in for the peer
only to stream the oversized answer. Before, LiteLLM's client held it all: one server-sent event of
120 MB was read whole (742 MB of memory) and a stream of 64 KB events was read until the deadline."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from agentnet.cards import CapabilityCard
from agentnet.errors import ModelCallError
from agentnet.federation.node import MAX_RESPONSE_BYTES, PeerNode
from agentnet.federation.store import PeerRecord

TOTAL = 120_000_000  # what the peer would write, whole


def one_endless_event(handler: BaseHTTPRequestHandler, written: list[int]) -> None:
    handler.wfile.write(b'data: {"id": "')
    while written[0] < TOTAL:
        handler.wfile.write(b"y" * 65536)
        written[0] += 65536


def many_events(handler: BaseHTTPRequestHandler, written: list[int]) -> None:
    n = 0
    while written[0] < TOTAL:
        n += 1
        delta = {"content": f"{n:08d}" + "x" * 65528}
        chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                 "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}  # fmt: skip
        event = b"data: " + json.dumps(chunk).encode() + b"\n\n"
        handler.wfile.write(event)
        written[0] += len(event)


def short_answer(handler: BaseHTTPRequestHandler, written: list[int]) -> None:
    for delta, finish in (({"content": "hi"}, None), ({}, "stop")):
        chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}  # fmt: skip
        handler.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
    handler.wfile.write(b"data: [DONE]\n\n")


@pytest.fixture
def peer() -> Iterator[Callable[[Callable[..., None]], tuple[str, list[int]]]]:
    servers: list[ThreadingHTTPServer] = []

    def start(write: Callable[..., None]) -> tuple[str, list[int]]:
        written = [0]

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                with contextlib.suppress(OSError):  # the reader hung up: what the test wants
                    write(self, written)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/v1", written

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("write", [one_endless_event, many_events], ids=["one-event", "many-events"])
def test_a_huge_answer_is_refused_as_its_bytes_arrive(
    peer: Callable[[Callable[..., None]], tuple[str, list[int]]], write: Callable[..., None]
) -> None:
    api_base, written = peer(write)
    record = PeerRecord(name="hostile", url=api_base.removesuffix("/v1"), api_base=api_base)
    node = PeerNode.for_card(record, CapabilityCard(id="hostile/m"))
    with pytest.raises(ModelCallError) as failed:
        node.complete("hello", deadline_s=120)
    assert failed.value.code == "peer_too_large", failed.value
    said = failed.value.message
    assert "peer hostile" in said and f"more than {MAX_RESPONSE_BYTES:,} bytes" in said, said
    assert written[0] < 2 * MAX_RESPONSE_BYTES, written  # the read stopped, and the peer's write with it


def test_a_peer_behind_the_environments_proxy_is_still_reached_through_it(
    peer: Callable[[Callable[..., None]], tuple[str, list[int]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The capped client has a transport of its own, for which httpx reads no proxy settings: it is
    given the one the environment names, as LiteLLM's client used it."""
    proxy, _ = peer(short_answer)
    monkeypatch.setenv("HTTP_PROXY", proxy.removesuffix("/v1"))
    monkeypatch.setenv("NO_PROXY", "")
    record = PeerRecord(name="far", url="http://peer.invalid", api_base="http://peer.invalid/v1")
    assert PeerNode.for_card(record, CapabilityCard(id="far/m")).complete("hello", deadline_s=60).text == "hi"


@pytest.mark.parametrize("write", [one_endless_event, many_events], ids=["one-event", "many-events"])
@pytest.mark.usefixtures("agentnet_home")
def test_a_peer_that_answered_too_much_is_not_marked_down(
    peer: Callable[[Callable[..., None]], tuple[str, list[int]]], write: Callable[..., None]
) -> None:
    """An oversized answer is the peer's fault, not a sign it cannot be reached: the error says so, no
    other process is told to skip the peer (health.json), and its failures do not cool it down, so
    the next small request goes to it. Before, LiteLLM's error for the cut read was judged a
    connection failure: 'could not be reached' remembered for 60 s, or four of them cooling it down."""
    from agentnet.nodes.health import remembered_down

    answers = [write] * 4 + [short_answer]  # four refused answers: more than allowed_fails (3) failures

    def next_answer(handler: BaseHTTPRequestHandler, written: list[int]) -> None:
        answers.pop(0)(handler, written)

    api_base, _ = peer(next_answer)
    record = PeerRecord(name="hostile", url=api_base.removesuffix("/v1"), api_base=api_base)
    node = PeerNode.for_card(record, CapabilityCard(id="hostile/m"))
    node.max_response_bytes = 300_000  # the 32 MB cap, smaller: four refusals in a second
    for _ in range(4):
        with pytest.raises(ModelCallError) as failed:
            node.complete("hello", deadline_s=60)
        said = failed.value.message
        assert failed.value.code == "peer_too_large", failed.value
        assert "peer hostile" in said and "more than 300,000 bytes" in said and "reached" not in said, said
        assert remembered_down("hostile/m") is None
    assert node.complete("hello", deadline_s=60).text == "hi"
