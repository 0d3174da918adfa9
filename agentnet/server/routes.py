"""The HTTP routes, one FastAPI router per concern: chat completions, the catalog (models and agent
card), the directory, and health (runs: ``runs.py``). ``create_app`` assembles them."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Request
from starlette.responses import Response

from agentnet.cards import CapabilityCard
from agentnet.errors import AgentnetError
from agentnet.server.agent_card import network_card
from agentnet.server.backend import NETWORK_MODEL_ID, Backend
from agentnet.server.chat import ChatService, check_limits
from agentnet.server.errors import HTTPProblem, json_response
from agentnet.server.guard import Federation
from agentnet.server.limits import ModelLimiter
from agentnet.server.network_chat import NetworkChat
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
from agentnet.server.shutdown import CallsInFlight


def federation_of(request: Request) -> Federation:
    """The federation facts the guard put on the request (hops, deadline), or a fresh caller's."""
    found = request.scope.get("state", {}).get("federation")
    return found if isinstance(found, Federation) else Federation(deadline=time.monotonic() + 300)


def chat_router(
    backend: Backend, settings: ServerSettings, limiter: ModelLimiter, calls: CallsInFlight | None = None
) -> APIRouter:
    """``POST /v1/chat/completions``: one model, or the ``agentnet`` model (plan and run the task).
    Both share the server's admission limiter (with runs and A2A tasks): the network's runs use the
    same local models. One model's calls stop when ``calls`` are stopped (the server's shutdown)."""
    models = ChatService(backend, settings, limiter, calls or CallsInFlight())
    network = NetworkChat(backend.network, settings, limiter, backend.peers) if backend.network is not None else None
    router = APIRouter()

    @router.post(
        "/v1/chat/completions",
        response_model=ChatCompletionResponse,
        responses={200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE when stream=true"}},
    )
    async def chat_completions(body: ChatCompletionRequest, request: Request) -> Response:
        check_limits(body, settings)
        if network is not None and body.model == NETWORK_MODEL_ID:
            return await network.handle(body, federation_of(request), request.receive)
        if any(message.images() for message in body.messages):
            raise HTTPProblem(
                400,
                f"model {body.model!r} takes text; send images to the {NETWORK_MODEL_ID!r} model, which hands them "
                "to a collaborator that reads images (OCR)",
                code="unsupported_content",
                param="messages",
            )
        return await models.handle(body, federation_of(request), request.receive)

    return router


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


def catalog_router(backend: Backend, settings: ServerSettings) -> APIRouter:
    """What this server offers on the OpenAI side: ``/v1/models`` (the A2A agent card is ``a2a.py``'s)."""
    router = APIRouter()

    @router.get("/v1/models", response_model=ModelList)
    async def list_models() -> ModelList:
        cards = await asyncio.to_thread(lambda: backend.local_cards() + backend.remote_cards())
        data = [_model_info(card) for card in cards]
        if backend.network is not None:
            data.append(_model_info(network_card(settings.description)).model_copy(update={"id": NETWORK_MODEL_ID}))
        return ModelList(data=data)

    return router


def directory_router(backend: Backend) -> APIRouter:
    """Search the capability directory."""
    router = APIRouter()

    @router.post("/v1/directory/search", response_model=DirectorySearchResponse)
    async def directory_search(body: DirectorySearchRequest) -> DirectorySearchResponse:
        found = await asyncio.to_thread(backend.search, body.query, body.k, body.filters)
        return DirectorySearchResponse(data=found)

    return router


def health_router(backend: Backend) -> APIRouter:
    """``/healthz`` (the process answers) and ``/readyz`` (models, run database and directory usable)."""
    router = APIRouter()

    @router.get("/healthz", response_model=Health)
    async def healthz() -> Health:
        return Health(status="ok")

    @router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
    async def readyz() -> Response:
        checks = await asyncio.to_thread(_readiness, backend)
        ready = all(value == "ok" for value in checks.values())
        body = Health(status="ready" if ready else "not ready", checks=checks).model_dump()
        return json_response(body, status=200 if ready else 503)

    return router


# How long /readyz waits for the run database to answer (libpq's least connect_timeout).
READY_TIMEOUT_S = 2.0


def _readiness(backend: Backend) -> dict[str, str]:
    from agentnet.executor.run_db import reach_run_db

    checks: dict[str, str] = {}
    try:
        checks["models"] = "ok" if backend.local_ids() else "no models configured"
    except AgentnetError as exc:
        checks["models"] = exc.message
    if backend.network is not None:
        try:
            # Reached first, within READY_TIMEOUT_S: the store's own wait for a connection is
            # runs.connect_timeout_s (10 s by default), longer than a balancer's probe waits.
            reach_run_db(backend.network.config.runs, READY_TIMEOUT_S)
            backend.network.runs(1)
            checks["runs"] = "ok"
        except AgentnetError as exc:
            checks["runs"] = f"{exc.message} ({exc.hint})" if exc.hint else exc.message
    if backend.directory is not None:
        try:
            backend.directory.cards()
            checks["directory"] = "ok"
        except AgentnetError as exc:
            checks["directory"] = exc.message
    return checks
