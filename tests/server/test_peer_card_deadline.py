"""A peer that sends its agent card a byte at a time (each byte within the socket timeout) is refused
at the fetch's deadline, by the real fetch over a real loopback socket; the raw server only injects
the fault."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from agentnet.errors import ModelCallError
from agentnet.federation.peers import fetch_agent_card


class Dripping(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        try:
            while True:
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def dripping() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Dripping)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_agent_card_sent_a_byte_at_a_time_is_refused_at_the_deadline(dripping: str) -> None:
    """Before, each byte reset the socket timeout: the fetch (``peers add``, the server's refresher)
    read on for as long as the peer liked (a megabyte at 5 bytes a second: 55 hours)."""
    outcome: dict[str, Any] = {}

    def fetch() -> None:
        try:
            fetch_agent_card(dripping, timeout_s=1.5)
        except ModelCallError as exc:
            outcome["error"] = exc

    started = time.monotonic()
    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    worker.join(timeout=15)
    assert not worker.is_alive(), "the fetch is still reading the dripping card"
    assert time.monotonic() - started < 5
    error = outcome["error"]
    assert error.code == "peer_unavailable", error
    assert "did not send its agent card within 1.5 s" in error.message and dripping in error.message, error
