"""Prometheus metrics of one ``agentnet serve``: ``GET /metrics``, behind the same gate as the API.

Requests (by method, route template and status) and their latency, model calls (by model and
outcome) with their tokens and cost, the admission queue (calls running and waiting per model) and
error responses by agentnet error code. Each app has its own registry, so several apps in one
process (tests, embedding) never mix their counts. ``prometheus_client`` is imported only here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from agentnet import genai_spans
from agentnet.server.guard import ASGIApp, Message, Receive, Scope, Send
from agentnet.server.limits import ModelLimiter

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
# Error bodies are small; a longer one is not parsed for its code.
_MAX_ERROR_BODY = 65536


class ServerMetrics:
    """The collectors of one server and the listener that feeds them every model call."""

    def __init__(self, limiter: ModelLimiter) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.registry = CollectorRegistry()
        self.requests = Counter(
            "agentnet_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "agentnet_http_request_duration_seconds",
            "Time to answer an HTTP request (to the last byte of a stream)",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.model_calls = Counter(
            "agentnet_model_calls",
            "Model and tool calls made",
            ["model", "operation", "outcome"],
            registry=self.registry,
        )
        self.tokens = Counter(
            "agentnet_model_tokens", "Tokens of model calls", ["model", "type"], registry=self.registry
        )
        self.cost = Counter(
            "agentnet_model_cost_usd", "Estimated cost of model calls", ["model"], registry=self.registry
        )
        self.errors = Counter("agentnet_errors", "Error responses by error code", ["code"], registry=self.registry)
        self.registry.register(_QueueCollector(limiter))
        genai_spans.add_model_call_listener(self.model_call)

    def close(self) -> None:
        genai_spans.remove_model_call_listener(self.model_call)

    def model_call(self, node_id: str, operation: str, reply: Any, error: BaseException | None) -> None:
        if error is not None:
            self.model_calls.labels(node_id, operation, getattr(error, "code", None) or "error").inc()
            return
        self.model_calls.labels(node_id, operation, "ok").inc()
        self.tokens.labels(node_id, "input").inc(reply.usage.prompt_tokens)
        self.tokens.labels(node_id, "output").inc(reply.usage.completion_tokens)
        self.cost.labels(node_id).inc(reply.cost)

    def exposition(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class _QueueCollector:
    """Calls running and waiting per model, read from the admission limiter at scrape time."""

    def __init__(self, limiter: ModelLimiter) -> None:
        self.limiter = limiter

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        family = GaugeMetricFamily("agentnet_queue_depth", "Admitted calls per model", labels=["model", "state"])
        for model, (running, waiting) in self.limiter.depths().items():
            family.add_metric([model, "running"], running)
            family.add_metric([model, "waiting"], waiting)
        yield family


class Metered:
    """ASGI middleware outside the gate: counts every answer, refused ones included, and its time."""

    def __init__(self, app: ASGIApp, metrics: ServerMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        error_body: list[bytes] | None = None

        async def observed(message: Message) -> None:
            nonlocal status, error_body
            if message["type"] == "http.response.start":
                status = int(message["status"])
                error_body = [] if status >= 400 else None
            elif (
                message["type"] == "http.response.body"
                and error_body is not None
                and sum(map(len, error_body)) < _MAX_ERROR_BODY
            ):
                error_body.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "(unmatched)"
            method = str(scope.get("method", ""))
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - started)
            if error_body is not None:
                self.metrics.errors.labels(_error_code(b"".join(error_body), status)).inc()


def _error_code(body: bytes, status: int) -> str:
    try:
        code = json.loads(body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return str(status)
    return str(code) if code else str(status)
