"""The HTTP routes, one FastAPI router per concern: chat completions, the catalog (models and agent
card), the directory, run traces, and health. ``create_app`` assembles them."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from agentnet.cards import CapabilityCard
from agentnet.errors import AgentnetError
from agentnet.server.agent_card import build_agent_card, network_card
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


def federation_of(request: Request) -> Federation:
    """The federation facts the guard put on the request (hops, deadline), or a fresh caller's."""
    found = request.scope.get("state", {}).get("federation")
    return found if isinstance(found, Federation) else Federation(deadline=time.monotonic() + 300)


def chat_router(backend: Backend, settings: ServerSettings) -> APIRouter:
    """``POST /v1/chat/completions``: one model, or the ``agentnet`` model (plan and run the task).
    Both share one admission limiter: the network's runs use the same local models."""
    limiter = ModelLimiter(settings.local_concurrency, settings.local_queue)
    models = ChatService(backend, settings, limiter)
    network = NetworkChat(backend.network, settings, limiter) if backend.network is not None else None
    router = APIRouter()

    @router.post(
        "/v1/chat/completions",
        response_model=ChatCompletionResponse,
        responses={200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE when stream=true"}},
    )
    async def chat_completions(body: ChatCompletionRequest, request: Request) -> Response:
        check_limits(body, settings)
        if network is not None and body.model == NETWORK_MODEL_ID:
            return await network.handle(body, federation_of(request))
        return await models.handle(body, federation_of(request))

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
    """What this server offers: ``/v1/models`` (OpenAI) and the A2A agent card."""
    router = APIRouter()

    @router.get("/v1/models", response_model=ModelList)
    async def list_models() -> ModelList:
        cards = await asyncio.to_thread(lambda: backend.local_cards() + backend.remote_cards())
        data = [_model_info(card) for card in cards]
        if backend.network is not None:
            data.append(_model_info(network_card(settings.description)).model_copy(update={"id": NETWORK_MODEL_ID}))
        return ModelList(data=data)

    @router.get("/.well-known/agent-card.json")
    async def agent_card() -> dict[str, Any]:
        def published() -> list[CapabilityCard]:
            cards = backend.local_cards()
            if settings.publish_peer_cards:
                cards += backend.remote_cards()
            if backend.network is not None:
                cards.append(network_card(settings.description))
            return cards

        return build_agent_card(settings, await asyncio.to_thread(published))

    return router


def directory_router(backend: Backend) -> APIRouter:
    """Search the capability directory, and read the stored trace of a network run."""
    router = APIRouter()

    @router.post("/v1/directory/search", response_model=DirectorySearchResponse)
    async def directory_search(body: DirectorySearchRequest) -> DirectorySearchResponse:
        found = await asyncio.to_thread(backend.search, body.query, body.k, body.filters)
        return DirectorySearchResponse(data=found)

    @router.get("/v1/runs/{run_id}")
    async def run_trace(run_id: str) -> dict[str, Any]:
        """The stored trace of a run of the ``agentnet`` model: plan, steps, attempts, nodes."""
        if backend.network is None:
            raise HTTPProblem(404, "this server runs no plans (no network configured)", code="not_found")
        if not run_id.isalnum() or len(run_id) > 64:
            raise HTTPProblem(404, f"no run with id {run_id!r}", code="not_found", param="run_id")
        trace: dict[str, Any] = await asyncio.to_thread(backend.network.trace, run_id)
        return trace

    return router


def health_router(backend: Backend) -> APIRouter:
    """``/healthz`` (the process answers) and ``/readyz`` (models and directory usable)."""
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
