"""The FastAPI app factory: ``create_app(source, settings)`` -> an ASGI app any OpenAI client can call."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from agentnet.cards import CapabilityCard
from agentnet.errors import AgentnetError
from agentnet.nodes.base import ModelNode
from agentnet.server.agent_card import build_agent_card, network_card
from agentnet.server.backend import NETWORK_MODEL_ID, Backend, NodeSource, SearchSource
from agentnet.server.chat import ChatService, json_response
from agentnet.server.errors import (
    ERROR_RESPONSES,
    HTTPProblem,
    error_body,
    problem_from_agentnet,
    problem_from_unexpected,
)
from agentnet.server.guard import Federation, Guard
from agentnet.server.peer_view import PeerView
from agentnet.server.schemas import (
    ChatCompletionRequest,
    ChatCompletionResponse,
    DirectorySearchRequest,
    DirectorySearchResponse,
    Health,
    ModelInfo,
    ModelList,
)
from agentnet.server.settings import ServerSettings

log = logging.getLogger("agentnet.server")

# Blocking model calls run in threads; the default pool (cores + 4) would cap concurrency at ~6.
WORKER_THREADS = 64


def _problem_response(problem: HTTPProblem) -> Response:
    return json_response(problem.body(), status=problem.status) if not problem.headers else _with_headers(problem)


def _with_headers(problem: HTTPProblem) -> Response:
    response = json_response(problem.body(), status=problem.status)
    response.headers.update(problem.headers)
    return response


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    errors = exc.errors()
    if not errors:
        return "invalid request", None
    first = errors[0]
    loc = [str(part) for part in first.get("loc", ()) if part != "body"]
    if first.get("type") == "json_invalid":
        return f"the request body is not valid JSON: {first.get('ctx', {}).get('error', first.get('msg'))}", None
    where = ".".join(loc) or "body"
    return f"{where}: {first.get('msg', 'invalid value')}", where


def _model_info(card: CapabilityCard) -> ModelInfo:
    return ModelInfo(
        id=card.id,
        owned_by=card.provider,
        agentnet={
            "name": card.display_name,
            "locality": card.locality,
            "provider": card.provider,
            "available": card.available,
            "data_leaves_host": card.data_leaves_host,
        },
    )


def create_app(
    source: NodeSource | None = None,
    settings: ServerSettings | None = None,
    *,
    nodes: Sequence[ModelNode] = (),
    directory: SearchSource | None = None,
    network: Any = None,
    peers: PeerView | None = None,
) -> Guard:
    """Build the server. ``nodes`` adds nodes beside the source's (tests and benchmarks use scripted ones)."""
    settings = settings or ServerSettings()
    backend = Backend(source, nodes=nodes, directory=directory, network=network, peers=peers)
    chat = ChatService(backend, settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        executor = ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="agentnet-server")
        asyncio.get_running_loop().set_default_executor(executor)
        refresher = None
        if peers is not None and settings.peer_refresh_s > 0:
            refresher = asyncio.create_task(_refresh_peers(peers, settings.peer_refresh_s))
        yield
        if refresher is not None:
            refresher.cancel()
        executor.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="agentnet",
        version="1",
        description="OpenAI-compatible access to an agentnet's models and planner, its agent card and directory.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
    )
    app.state.backend = backend
    app.state.settings = settings

    @app.exception_handler(HTTPProblem)
    async def _on_problem(_: Request, exc: HTTPProblem) -> Response:
        return _problem_response(exc)

    @app.exception_handler(AgentnetError)
    async def _on_agentnet(_: Request, exc: AgentnetError) -> Response:
        return _problem_response(problem_from_agentnet(exc))

    @app.exception_handler(RequestValidationError)
    async def _on_invalid(_: Request, exc: RequestValidationError) -> Response:
        message, param = _validation_message(exc)
        return json_response(error_body(message, "invalid_request_error", code="invalid_request", param=param), 400)

    @app.exception_handler(StarletteHTTPException)
    async def _on_http(_: Request, exc: StarletteHTTPException) -> Response:
        type_ = "not_found_error" if exc.status_code == 404 else "invalid_request_error"
        message = str(exc.detail) if exc.status_code != 404 else "no such route"
        response = json_response(error_body(message, type_, code=str(exc.status_code)), exc.status_code)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def _on_unexpected(_: Request, exc: Exception) -> Response:
        return _problem_response(problem_from_unexpected(exc))

    def federation(request: Request) -> Federation:
        found = request.scope.get("state", {}).get("federation")
        return found if isinstance(found, Federation) else Federation(deadline=time.monotonic() + 300)

    @app.post(
        "/v1/chat/completions",
        response_model=ChatCompletionResponse,
        responses={200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE when stream=true"}},
    )
    async def chat_completions(body: ChatCompletionRequest, request: Request) -> Response:
        return await chat.handle(body, federation(request))

    @app.get("/v1/models", response_model=ModelList)
    async def list_models() -> ModelList:
        cards = await asyncio.to_thread(lambda: backend.local_cards() + backend.remote_cards())
        data = [_model_info(card) for card in cards]
        if backend.network is not None:
            data.append(_model_info(network_card(settings.description)).model_copy(update={"id": NETWORK_MODEL_ID}))
        return ModelList(data=data)

    @app.get("/.well-known/agent-card.json")
    async def agent_card() -> dict[str, Any]:
        def published() -> list[CapabilityCard]:
            cards = backend.local_cards()
            if settings.publish_peer_cards:
                cards += backend.remote_cards()
            if backend.network is not None:
                cards.append(network_card(settings.description))
            return cards

        return build_agent_card(settings, await asyncio.to_thread(published))

    @app.post("/v1/directory/search", response_model=DirectorySearchResponse)
    async def directory_search(body: DirectorySearchRequest) -> DirectorySearchResponse:
        found = await asyncio.to_thread(backend.search, body.query, body.k, body.filters)
        return DirectorySearchResponse(data=found)

    @app.get("/v1/runs/{run_id}")
    async def run_trace(run_id: str) -> dict[str, Any]:
        """The stored trace of a run of the ``agentnet`` model: plan, steps, attempts, nodes."""
        if backend.network is None:
            raise HTTPProblem(404, "this server runs no plans (no network configured)", code="not_found")
        if not run_id.isalnum() or len(run_id) > 64:
            raise HTTPProblem(404, f"no run with id {run_id!r}", code="not_found", param="run_id")
        trace: dict[str, Any] = await asyncio.to_thread(backend.network.trace, run_id)
        return trace

    @app.get("/healthz", response_model=Health)
    async def healthz() -> Health:
        return Health(status="ok")

    @app.get("/readyz", response_model=Health, responses={503: {"model": Health}})
    async def readyz() -> Response:
        checks = await asyncio.to_thread(_readiness, backend)
        ready = all(value == "ok" for value in checks.values())
        body = Health(status="ready" if ready else "not ready", checks=checks).model_dump()
        return json_response(body, status=200 if ready else 503)

    return Guard(app, settings)


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


def _readiness(backend: Backend) -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        checks["models"] = "ok" if backend.local_ids() else "no models configured"
    except AgentnetError as exc:
        checks["models"] = exc.message
    if backend.directory is not None:
        try:
            backend.directory.cards()
            checks["directory"] = "ok"
        except AgentnetError as exc:
            checks["directory"] = exc.message
    return checks
