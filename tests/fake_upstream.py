"""A real OpenAI-compatible HTTP server on 127.0.0.1 (port 0) whose replies a test chooses: the
upstream for tests of what agentnet does with a model's text (markup, credentials in errors)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeUpstream:
    """Answers every chat completion with ``text`` (streamed when asked), after ``delay_s`` per chunk."""

    def __init__(self, text: str, *, delay_s: float = 0.0, chunks: int = 1, status: int = 200) -> None:
        self.text = text
        # Not 200: every call is refused the way OpenAI refuses a bad key, quoting the key it was sent.
        self.status = status
        self.delay_s = delay_s
        self.chunks = chunks
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer._json(self, {"object": "list", "data": [{"id": "fake", "object": "model"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                outer.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if outer.status != 200:
                    key = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    message = f"Incorrect API key provided: {key}. You can find your API key at the dashboard."
                    outer._json(self, {"error": {"message": message, "type": "invalid_request_error",
                                                 "code": "invalid_api_key"}}, outer.status)  # fmt: skip
                elif body.get("stream"):
                    outer._stream(self, str(body.get("model", "fake")))
                else:
                    outer._json(self, outer._completion(str(body.get("model", "fake"))))

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.api_base = f"{self.url}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _completion(self, model: str) -> dict[str, Any]:
        return {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": self.text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
        }  # fmt: skip

    @staticmethod
    def _json(handler: BaseHTTPRequestHandler, body: dict[str, Any], status: int = 200) -> None:
        payload = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _stream(self, handler: BaseHTTPRequestHandler, model: str) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Connection", "close")
        handler.end_headers()
        size = max(1, len(self.text) // self.chunks + 1)
        pieces = [self.text[i : i + size] for i in range(0, len(self.text), size)] or [""]
        try:
            for index, piece in enumerate(pieces):
                delta = {"content": piece} if index else {"role": "assistant", "content": piece}
                self._event(handler, {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": model,
                                      "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})  # fmt: skip
                time.sleep(self.delay_s)
            self._event(handler, {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": model,
                                  "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})  # fmt: skip
            handler.wfile.write(b"data: [DONE]\n\n")
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the client went away (interrupted): nothing more to send

    @staticmethod
    def _event(handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        handler.wfile.write(b"data: " + json.dumps(body).encode() + b"\n\n")
        handler.wfile.flush()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
