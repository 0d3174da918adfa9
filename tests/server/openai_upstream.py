"""An OpenAI-compatible upstream on loopback for multi-server tests: real HTTP, scripted timing.

Every model answers "answer from MODEL" (JSON or SSE). A model listed in ``gated`` holds each
request until ``open_gate(model)`` is called; ``calls`` counts requests per model, ``arrived``
signals the first request of a gated model; ``headers`` keeps each request's headers per model.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections import Counter
from typing import Any


class Upstream:
    def __init__(self, gated: tuple[str, ...] = (), delay_s: float = 0.0) -> None:
        self.calls: Counter[str] = Counter()
        self.headers: dict[str, list[dict[str, str]]] = {}
        self.gates = {model: threading.Event() for model in gated}
        self.arrived = {model: threading.Event() for model in gated}
        self.delay_s = delay_s
        self._lock = threading.Lock()
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with upstream._lock:
                    upstream.headers.setdefault(str(body.get("model")), []).append(
                        {k.lower(): v for k, v in self.headers.items()}
                    )
                upstream.answer(self, body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.api_base = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def open_gate(self, model: str) -> None:
        self.gates[model].set()

    def close(self) -> None:
        for gate in self.gates.values():
            gate.set()
        self.server.shutdown()
        self.server.server_close()

    def answer(self, handler: http.server.BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        model = str(body.get("model"))
        with self._lock:
            self.calls[model] += 1
        if model in self.gates:
            self.arrived[model].set()
            self.gates[model].wait(timeout=300)
        elif self.delay_s:
            threading.Event().wait(self.delay_s)
        text = f"answer from {model}"
        if body.get("stream"):
            base = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": model}
            chunks = [
                {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}}]},
                {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
                {**base, "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}},
            ]
            payload = "".join(f"data: {json.dumps(chunk)}\n\n" for chunk in chunks) + "data: [DONE]\n\n"
            self._send(handler, payload.encode(), "text/event-stream")
            return
        message = {"role": "assistant", "content": text}
        reply = {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
        }
        self._send(handler, json.dumps(reply).encode(), "application/json")

    @staticmethod
    def _send(handler: http.server.BaseHTTPRequestHandler, payload: bytes, content_type: str) -> None:
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the caller gave up (cancelled run, killed server)


def models_yaml(upstream: Upstream, models: tuple[str, ...]) -> str:
    """agentnet.yaml lines declaring ``models`` as litellm nodes on the upstream."""
    lines = ["models:"]
    for model in models:
        lines += [
            f"  - id: {model}",
            "    adapter: litellm",
            f"    model: openai/{model}",
            f"    api_base: {upstream.api_base}",
            "    params: {retries: 0, deadline_s: 120}",
            f"    card: {{description: 'the {model} test model on a loopback upstream'}}",
        ]
    return "\n".join(lines) + "\n"
