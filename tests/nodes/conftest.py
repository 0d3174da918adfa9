"""Fault-injection servers for remote-node tests: real sockets on loopback, no mocks."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest


@dataclass
class StatusServer:
    """An HTTP server answering every request with one status; records requests and auth headers."""

    url: str
    status: int
    requests: list[str] = field(default_factory=list)
    authorization: list[str] = field(default_factory=list)


def _start_status_server(status: int) -> tuple[StatusServer, http.server.ThreadingHTTPServer]:
    record = StatusServer(url="", status=status)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            record.requests.append(self.path)
            record.authorization.append(self.headers.get("Authorization", ""))
            body = json.dumps({"error": {"message": f"status {status}", "type": "test", "code": status}}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return record, server


@pytest.fixture
def status_server() -> Iterator[Callable[[int], StatusServer]]:
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(status: int) -> StatusServer:
        record, server = _start_status_server(status)
        servers.append(server)
        return record

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port_url(refused_url: str) -> str:
    """An api_base where nothing listens (the port stays reserved for the test)."""
    return f"{refused_url}/v1"
