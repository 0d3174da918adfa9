"""A real OpenAI-compatible HTTP server on 127.0.0.1 (port 0) whose replies a test chooses.

``FakeUpstream(text)`` answers every chat completion with ``text`` (streamed when asked), or with
``status=401`` refuses every call the way OpenAI refuses a bad key, quoting the key it was sent: the
upstream for tests of what agentnet does with a model's text (markup, credentials in errors). ``Upstream``
plays a script of ``Answer``s, one per request (the last one repeats), for upstream faults:
rate-limit with a ``Retry-After``, fail with 503, refuse on content policy, answer 200 with an HTML
page, stream a few chunks and then stop or reset the connection, or finish with
``finish_reason=length``. Every request is recorded (time, body, headers).
"""

from __future__ import annotations

import http.server
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Answer:
    """What the upstream does with one request."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # An error body (OpenAI shape) for status >= 400, or a raw body (e.g. HTML) sent as is.
    error: dict[str, Any] | None = None
    raw: str | None = None
    content_type: str = "application/json"
    # A streamed reply: these pieces, then finish_reason (None: the stream just stops, no [DONE]).
    pieces: list[str] = field(default_factory=lambda: ["Hello", " from", " upstream", "."])
    finish_reason: str | None = "stop"
    # Reset the TCP connection (RST) after this many pieces instead of finishing.
    reset_after: int | None = None


def rate_limited(retry_after: str) -> Answer:
    return Answer(
        status=429,
        headers={"Retry-After": retry_after},
        error={"message": "Rate limit reached, retry later", "type": "rate_limit_error", "code": "rate_limit_exceeded"},
    )


def unavailable() -> Answer:
    return Answer(status=503, error={"message": "The server is overloaded", "type": "server_error", "code": None})


def content_refused() -> Answer:
    return Answer(
        status=400,
        error={
            "message": "Your request was rejected as a result of our safety system.",
            "type": "invalid_request_error",
            "code": "content_policy_violation",
        },
    )


def bad_key(status: int = 401) -> Answer:
    # "{key}" is replaced by the key the request carried, as OpenAI quotes it back.
    message = "Incorrect API key provided: {key}. You can find your API key at the dashboard."
    return Answer(status=status, error={"message": message, "type": "invalid_request_error", "code": "invalid_api_key"})


def html_page() -> Answer:
    return Answer(
        raw="<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in</body></html>",
        content_type="text/html; charset=utf-8",
    )


@dataclass
class Request:
    at: float
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def authorization(self) -> str:
        return self.headers.get("Authorization", "")


class Upstream:
    """Serves a script of answers at ``api_base`` (``http://127.0.0.1:PORT/v1``)."""

    def __init__(self, *script: Answer, delay_s: float = 0.0) -> None:
        self.script = list(script) or [Answer()]
        self.delay_s = delay_s  # before each streamed chunk; a test may change it between requests
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                data = json.dumps({"object": "list", "data": [{"id": "fake", "object": "model"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                request = Request(time.monotonic(), self.path, dict(self.headers), body)
                upstream._answer(self, upstream._next(request), request)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_base = f"{self.url}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _next(self, request: Request) -> Answer:
        with self._lock:
            index = len(self.requests)
            self.requests.append(request)
            return self.script[min(index, len(self.script) - 1)]

    def _answer(self, handler: http.server.BaseHTTPRequestHandler, answer: Answer, request: Request) -> None:
        body = request.body
        if answer.status >= 400 or answer.raw is not None:
            data = (answer.raw if answer.raw is not None else _error_body(answer, request)).encode()
            handler.send_response(answer.status)
            handler.send_header("Content-Type", answer.content_type)
            handler.send_header("Content-Length", str(len(data)))
            for name, value in answer.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
            return
        if body.get("stream"):
            self._stream(handler, answer, body)
            return
        text = "".join(answer.pieces)
        count = len(answer.pieces)
        reply = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake"),
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": answer.finish_reason}
            ],
            "usage": {"prompt_tokens": 5, "completion_tokens": count, "total_tokens": 5 + count},
        }
        data = json.dumps(reply).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _stream(self, handler: http.server.BaseHTTPRequestHandler, answer: Answer, body: dict[str, Any]) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True

        def send(payload: dict[str, Any]) -> None:
            handler.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
            handler.wfile.flush()

        def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": body.get("model")}
            return {**base, "choices": [choice], **extra}

        try:
            for number, piece in enumerate(answer.pieces):
                if answer.reset_after is not None and number == answer.reset_after:
                    _reset(handler.connection)
                    return
                time.sleep(self.delay_s)
                send(chunk({"role": "assistant", "content": piece} if number == 0 else {"content": piece}))
            if answer.finish_reason is None:
                return  # the stream stops here: no finishing chunk, no [DONE]
            count = len(answer.pieces)
            send(chunk({}, answer.finish_reason, usage={"prompt_tokens": 5, "completion_tokens": count,
                                                         "total_tokens": 5 + count}))  # fmt: skip
            handler.wfile.write(b"data: [DONE]\n\n")
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the client went away (interrupted): nothing more to send

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class FakeUpstream(Upstream):
    """Answers every chat completion with ``text``, streamed in ``chunks`` pieces, ``delay_s`` apart."""

    def __init__(self, text: str, *, delay_s: float = 0.0, chunks: int = 1, status: int = 200) -> None:
        size = max(1, len(text) // chunks + 1)
        pieces = [text[i : i + size] for i in range(0, len(text), size)] or [""]
        super().__init__(Answer(pieces=pieces) if status == 200 else bad_key(status), delay_s=delay_s)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a reset connection ends its handler with OSError, on purpose


def _error_body(answer: Answer, request: Request) -> str:
    error = dict(answer.error or {})
    if isinstance(error.get("message"), str):
        key = request.authorization.removeprefix("Bearer ")
        # "{credential}": only the header's credential, without its scheme (a Basic one is base64).
        credential = request.authorization.rsplit(" ", 1)[-1]
        error["message"] = error["message"].replace("{key}", key).replace("{credential}", credential)
    return json.dumps({"error": error})


def _reset(connection: socket.socket) -> None:
    """Close with RST (SO_LINGER 0), as a crashed proxy or a dropped network path does."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()
