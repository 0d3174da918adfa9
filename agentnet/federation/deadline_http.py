"""urllib handlers whose connections are shut at a deadline for the whole exchange.

urllib's ``timeout`` bounds each wait for bytes, not the request: a peer that sends its status line,
headers or agent card a byte at a time, just within it, held ``agentnet peers add`` (and the server's
peer refresher, which then refreshed no peer again) for as long as it liked. ``Deadline`` keeps the
connections its handlers open and, when its timer fires, shuts their sockets down: a read blocked in
another thread returns at once (a plain close would not wake it), and ``expired`` tells the caller why.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import urllib.request


class Deadline:
    """Shuts down every connection made through ``handlers()`` ``seconds`` after ``start()``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def handlers(self) -> list[urllib.request.BaseHandler]:
        return [_HTTP(self), _HTTPS(self)]

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def watch(self, factory: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
        """``factory`` keeping its socket here once connected (urllib drops the connection's own
        reference after the headers; the response reads on through the same socket)."""
        deadline = self

        class Watched(factory):  # type: ignore[valid-type,misc]
            def connect(self) -> None:
                super().connect()
                deadline._add(self.sock)

        return Watched

    def _add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:  # connected after the deadline
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):  # already closed: nothing waits on it
                sock.shutdown(socket.SHUT_RDWR)


class _HTTP(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self.deadline.watch(http.client.HTTPConnection), req)


class _HTTPS(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self.deadline.watch(http.client.HTTPSConnection), req)  # the default SSL context
