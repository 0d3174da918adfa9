"""An A2A peer that misbehaves, met by agentnet's real A2A client (``A2APeerNode``, a2a-sdk): a
raw HTTP server on loopback stands in for the peer only to inject the faults a real agent would not."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from agentnet.cards import CapabilityCard
from agentnet.errors import DeadlineExceededError, ModelCallError
from agentnet.federation.a2a_node import MAX_ANSWER_CHARS, MAX_RESPONSE_BYTES, A2APeerNode
from agentnet.nodes.base import CALL_THREAD_PREFIX

Writer = Callable[[BaseHTTPRequestHandler, Any], None]


def sse_headers(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()


def keep_alive_forever(handler: BaseHTTPRequestHandler, _: Any) -> None:
    """SSE comments every 0.2 s and never an event: no read timeout ever fires."""
    sse_headers(handler)
    while True:
        handler.wfile.write(b": ping\n\n")
        handler.wfile.flush()
        time.sleep(0.2)


def artifact_chunks_forever(handler: BaseHTTPRequestHandler, request_id: Any) -> None:
    """Artifact chunks of 100,000 characters, without end."""
    update = {"taskId": "t1", "contextId": "c1", "append": True,
              "artifact": {"artifactId": "a1", "parts": [{"text": "x" * 100_000}]}}  # fmt: skip
    event = b"data: " + json.dumps({"jsonrpc": "2.0", "id": request_id, "result": {"artifactUpdate": update}}).encode()
    sse_headers(handler)
    while True:
        handler.wfile.write(event + b"\n\n")
        handler.wfile.flush()


class HostilePeer:
    """Answers every A2A call with what ``writer`` writes; counts the answers still being written."""

    def __init__(self, writer: Writer) -> None:
        self.open = 0
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                peer.open += 1
                try:
                    writer(self, body.get("id"))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # agentnet hung up
                finally:
                    peer.open -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def node(self, streaming: bool = True) -> A2APeerNode:
        card = CapabilityCard(id="hostile/skill", description="a hostile A2A agent")
        return A2APeerNode(
            node_id=card.id, card=card, peer="hostile", api_base=f"{self.url}/a2a", streaming=streaming, skill="skill"
        )

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hostile() -> Iterator[Callable[[Writer], HostilePeer]]:
    started: list[HostilePeer] = []

    def start(writer: Writer) -> HostilePeer:
        started.append(HostilePeer(writer))
        return started[-1]

    yield start
    for peer in started:
        peer.close()


def call_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == f"{CALL_THREAD_PREFIX}hostile/skill"]


def settled(condition: Callable[[], bool], within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_peer_that_only_keeps_the_stream_alive_is_let_go_at_the_deadline(
    hostile: Callable[[Writer], HostilePeer],
) -> None:
    """Before, the caller got its deadline error but the call's thread went on waiting for an event
    that never came, holding the connection open for good: one thread and one socket per call."""
    peer = hostile(keep_alive_forever)
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        peer.node().complete("hello", deadline_s=1.5)
    assert time.monotonic() - started < 5
    assert settled(lambda: not call_threads(), 3), call_threads()
    assert settled(lambda: peer.open == 0, 5), "agentnet still holds the peer's stream"


def test_an_endless_answer_is_cut_and_the_stream_closed(hostile: Callable[[Writer], HostilePeer]) -> None:
    """Before, once the answer was cut at MAX_ANSWER_CHARS the client went on reading (and dropping) the
    peer's chunks until the deadline, which then failed the call; the thread read on after it."""
    peer = hostile(artifact_chunks_forever)
    started = time.monotonic()
    reply = peer.node().complete("hello", deadline_s=60)
    assert time.monotonic() - started < 30
    assert reply.text.startswith("x" * 1000) and reply.text.endswith("characters]"), reply.text[-200:]
    assert len(reply.text) < MAX_ANSWER_CHARS + 200
    assert settled(lambda: not call_threads(), 3), call_threads()
    assert settled(lambda: peer.open == 0, 5), "agentnet still holds the peer's stream"


HUGE = 120_000_000
written = {"bytes": 0}


def huge_message(declared: bool) -> Writer:
    """A blocking SendMessage answered by one message of HUGE bytes, its length declared or not."""

    def write(handler: BaseHTTPRequestHandler, request_id: Any) -> None:
        head = b'{"jsonrpc": "2.0", "id": %s, "result": {"message": {"messageId": "m", "role": "ROLE_AGENT", ' % (
            json.dumps(request_id).encode()
        )
        head += b'"parts": [{"text": "'
        tail = b'"}]}}}'
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if declared:
            handler.send_header("Content-Length", str(HUGE))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        handler.wfile.write(head)
        block, left = b"y" * 1_000_000, HUGE - len(head) - len(tail)
        while left > 0:
            handler.wfile.write(block[: min(left, len(block))])
            written["bytes"] += min(left, len(block))
            left -= len(block)
        handler.wfile.write(tail)

    return write


@pytest.mark.parametrize("declared", [True, False])
def test_a_huge_answer_is_refused_before_it_is_held_in_memory(
    hostile: Callable[[Writer], HostilePeer], declared: bool
) -> None:
    """Before, the SDK read the whole 120 MB body (and parsed it) before agentnet's cut could apply:
    a peer chose how much memory each call took. Now the read stops at MAX_RESPONSE_BYTES."""
    written["bytes"] = 0
    peer = hostile(huge_message(declared))
    with pytest.raises(ModelCallError) as failed:
        peer.node(streaming=False).complete("hello", deadline_s=120)
    assert failed.value.code == "peer_too_large", failed.value
    assert "hostile" in failed.value.message and f"{MAX_RESPONSE_BYTES:,} bytes" in failed.value.message
    assert settled(lambda: peer.open == 0, 10), "agentnet still reads the peer's answer"
    assert written["bytes"] < 2 * MAX_RESPONSE_BYTES, written
