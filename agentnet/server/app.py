"""The FastAPI app factory: ``create_app(source, settings)`` -> an ASGI app any OpenAI client can call."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from fastapi import FastAPI
from starlette.responses import Response

from agentnet.errors import AgentnetError
from agentnet.nodes.base import ModelNode
from agentnet.server.backend import Backend, NodeSource, SearchSource
from agentnet.server.errors import ERROR_RESPONSES, GATE_STATUSES, install_error_handlers
from agentnet.server.guard import Guard
from agentnet.server.limits import ModelLimiter
from agentnet.server.metrics import Metered, ServerMetrics
from agentnet.server.peer_view import PeerView
from agentnet.server.plugin_routes import add_plugin_routes
from agentnet.server.routes import catalog_router, chat_router, directory_router, health_router
from agentnet.server.runs import runs_router
from agentnet.server.settings import ServerSettings
from agentnet.server.shutdown import CallsInFlight, stop_on_signals, stop_runs
from agentnet.server.sse import quiet_ended_streams
from agentnet.server.tracing import Traced

log = logging.getLogger("agentnet.server")

# Blocking model calls run in threads; the default pool (cores + 4) would cap concurrency at ~6.
WORKER_THREADS = 64


@dataclass
class ServerParts:
    """What ``register_server_routes`` hands a plugin beside the app (see plugins/hookspecs.py)."""

    backend: Backend
    settings: ServerSettings
    limiter: ModelLimiter
    closing: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def on_shutdown(self, close: Callable[[], Awaitable[None]]) -> None:
        """``close()`` is awaited when the server stops (after the requests in flight)."""
        self.closing.append(close)


def create_app(
    source: NodeSource | None = None,
    settings: ServerSettings | None = None,
    *,
    nodes: Sequence[ModelNode] = (),
    directory: SearchSource | None = None,
    network: Any = None,
    peers: PeerView | None = None,
) -> Traced:
    """Build the server. ``nodes`` adds nodes beside the source's (tests and benchmarks use scripted ones)."""
    settings = settings or ServerSettings()
    backend = Backend(source, nodes=nodes, directory=directory, network=network, peers=peers)
    closing: list[Callable[[], Awaitable[None]]] = []
    if network is not None:  # first: its runs are saved interrupted before anything else closes
        closing.append(partial(stop_runs, network))
    # One admission limiter: chat completions, runs and A2A tasks use the same local models.
    limiter = ModelLimiter(settings.local_concurrency, settings.local_queue)
    metrics = ServerMetrics(limiter)
    calls = CallsInFlight()  # stopped, as the runs are, when a stop signal arrives
    app = FastAPI(
        title="agentnet",
        version="1",
        description="OpenAI-compatible access to an agentnet's models and planner, its agent card and directory.",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(peers, settings, closing, network, calls),
        responses=ERROR_RESPONSES,
        **_no_fastapi_telemetry(),
    )
    app.state.backend = backend
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(chat_router(backend, settings, limiter, calls))
    app.include_router(runs_router(backend, settings, limiter))
    app.include_router(catalog_router(backend, settings))
    app.include_router(directory_router(backend))
    app.include_router(health_router(backend))

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        """Prometheus metrics (behind the same token as the API)."""
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    # Plugins' routes (the A2A server among them, a built-in plugin) join the app behind the same gate,
    # after all of agentnet's own: the first route matching a request answers it, and a plugin's
    # GET /metrics, added before this one was, answered in its place.
    parts = ServerParts(backend, settings, limiter, closing)
    # Each plugin's routes, for `agentnet plugins list`; one an earlier route shadows is reported.
    app.state.plugin_routes = add_plugin_routes(app, parts)
    _document_the_gate(app)

    async def stop_metrics() -> None:
        metrics.close()

    closing.append(stop_metrics)
    quiet_ended_streams()
    # Spans and counts include requests the gate refuses.
    return Traced(Metered(Guard(app, settings), metrics))


def _document_the_gate(app: FastAPI) -> None:
    """Every route is behind the guard, plugins' too (the A2A endpoint's OpenAPI said only 200): the
    answers the guard gives before a route runs are in each route's OpenAPI responses."""
    from fastapi.routing import APIRoute

    for route in app.routes:
        if isinstance(route, APIRoute):
            for status in GATE_STATUSES:
                route.responses.setdefault(status, {"description": ERROR_RESPONSES[status]["description"]})


def _lifespan(
    peers: PeerView | None,
    settings: ServerSettings,
    closing: list[Callable[[], Awaitable[None]]],
    network: Any,
    calls: CallsInFlight,
) -> Any:
    """Start-up and shut-down: a thread pool wide enough for blocking model calls, the peer refresher,
    the network's runs and the model calls in flight stopped as soon as a stop signal arrives; at
    shut-down, ``closing`` (the runs in flight saved, the A2A handler's tasks, the metrics listener)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        executor = ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="agentnet-server")
        asyncio.get_running_loop().set_default_executor(executor)
        refresher = None
        if peers is not None and settings.peer_refresh_s > 0:
            refresher = asyncio.create_task(_refresh_peers(peers, settings.peer_refresh_s))
        undo_signals = stop_on_signals(network, calls)
        yield
        undo_signals()
        if refresher is not None:
            refresher.cancel()
        for close in closing:
            await close()
        executor.shutdown(wait=False, cancel_futures=True)

    return lifespan


async def _refresh_peers(peers: PeerView, every_s: float) -> None:
    """Re-read the peers' agent cards now and then; the view reloads the file when it changed."""
    from agentnet.federation.peers import Peers

    while True:
        await asyncio.sleep(every_s)
        try:
            results = await asyncio.to_thread(Peers(peers.store).refresh)
        except AgentnetError as exc:
            log.warning("peer refresh failed: %s", exc.message)
            continue
        for result in results:
            if not result.available:
                log.warning("peer %s is down (%s); its cards are marked unavailable", result.name, result.error)


def _no_fastapi_telemetry() -> dict[str, Any]:
    """FastAPI (0.165 on) traces requests itself once a global tracer provider is set: a second
    server span per request, a trace of its own beside ``Traced``'s (which then held no child), and
    exceptions recorded unmasked (a client that hung up was its span's ConnectionError). agentnet's
    own span, metrics and logs are the server's; older FastAPI has no such switch."""
    import inspect

    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False}}
