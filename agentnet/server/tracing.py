"""Server spans: each HTTP request is a span continuing the caller's W3C trace context.

So when one agentnet server (or any instrumented client) calls another, the callee's spans (its
steps, its model calls) join the caller's trace: a federated run is one trace across servers.
Costless while tracing is off (one cached check per request).
"""

from __future__ import annotations

from agentnet import telemetry
from agentnet.server.guard import ASGIApp, Message, Receive, Scope, Send


class Traced:
    """ASGI middleware: a server span per HTTP request, child of the incoming ``traceparent``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or telemetry.tracer() is None:
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope.get("headers", [])}
        method = str(scope.get("method", ""))
        attributes = {"http.request.method": method, "url.path": str(scope.get("path", ""))}
        status = 500

        async def observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        with telemetry.continued(headers), telemetry.span(method, attributes,
                                                           kind="server") as current:  # fmt: skip
            try:
                await self.app(scope, receive, observed)
            finally:
                route = getattr(scope.get("route"), "path", None)
                if route:
                    current.update_name(f"{method} {route}")
                    current.set_attribute("http.route", route)
                current.set_attribute("http.response.status_code", status)
