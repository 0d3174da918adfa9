"""A deadline and a size bound for the request head: a connection whose request line and headers are
not complete within ``header_timeout_s`` is answered 408 and closed, and one whose head grows past
``max_header_bytes`` is answered 431 and closed.

uvicorn bounds idle keep-alive connections but not a head in progress, nor a new connection that
sends nothing, so a client dripping one header byte at a time (slowloris) holds a connection and a
file descriptor forever. The body has its own deadline in the guard; this covers what comes before
any ASGI code runs. uvicorn's httptools protocol does not bound the head's size either: one client
sent a 59 MB header in 9 s (the server grew by 100 MB until the 408), and many at once hold as much
each. It wraps whichever HTTP/1.1 protocol uvicorn would pick (httptools or h11): both start a new
``cycle`` exactly when a request head is complete, which is what is watched here.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from agentnet.server.errors import HTTPProblem


def _closing_response(status: int, reason: str, problem: HTTPProblem) -> bytes:
    body = json.dumps(problem.body()).encode()
    head = f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\nconnection: close\r\n"
    return (head + f"content-length: {len(body)}\r\n\r\n").encode() + body


RESPONSE_408 = _closing_response(
    408, "Request Timeout", HTTPProblem(408, "the request headers did not arrive in time", code="request_timeout")
)


class HeadDeadline:
    """Mixed in front of a uvicorn HTTP protocol class: the request-head deadline."""

    timeout_s: float
    max_bytes: int
    cycle: Any
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._head_timer: asyncio.TimerHandle | None = None
        self._awaiting_head = True
        self._head_bytes = 0
        self._arm()  # a connection that sends nothing at all is bounded too

    def data_received(self, data: bytes) -> None:
        if self._awaiting_head and self._head_timer is None:
            self._arm()  # the first byte of the next request on a kept-alive connection
        before = self.cycle
        if self._awaiting_head:
            self._head_bytes += len(data)
        super().data_received(data)  # type: ignore[misc]
        if self.cycle is not before:
            self._cancel()
            self._awaiting_head = False
            self._head_bytes = 0
        elif self._awaiting_head and self._head_bytes > self.max_bytes and not self.transport.is_closing():
            # Counted after the parser had the bytes: a chunk that completes a small head and carries
            # body bytes too started a cycle above, and is never taken for a large head.
            self._cancel()
            self.transport.write(self._too_large())
            self.transport.close()

    def on_response_complete(self) -> None:
        before = self.cycle
        super().on_response_complete()  # type: ignore[misc]
        # Unless a pipelined request already started, the next bytes begin a new head (idle time
        # until then is uvicorn's keep-alive timeout).
        self._awaiting_head = self.cycle is before
        self._head_bytes = 0

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)  # type: ignore[misc]

    def _arm(self) -> None:
        self._head_timer = self.loop.call_later(self.timeout_s, self._expired)

    def _cancel(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _expired(self) -> None:
        self._head_timer = None
        busy = self.cycle is not None and not self.cycle.response_complete
        if self._awaiting_head and not busy and not self.transport.is_closing():
            self.transport.write(RESPONSE_408)
            self.transport.close()

    def _too_large(self) -> bytes:
        problem = HTTPProblem(
            431,
            f"the request line and headers are larger than {self.max_bytes} bytes, the most this server reads",
            code="headers_too_large",
        )
        return _closing_response(431, "Request Header Fields Too Large", problem)


def head_timeout_protocol(timeout_s: float, max_bytes: int = 65536) -> type[asyncio.Protocol]:
    """uvicorn's default HTTP protocol class with a request-head deadline and size bound (pass as ``http=``)."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    attributes = {"timeout_s": timeout_s, "max_bytes": max_bytes}
    return type("HeadTimeoutProtocol", (HeadDeadline, AutoHTTPProtocol), attributes)
