"""The ``agentnet`` model: the last user message is a task; the network plans it and runs the plan.

The reply is the run's answer; the ``agentnet`` field carries the run id, the plan (who did each
step, including peers) and the step events, so a caller can see every hop. Runs are serialised per
server (the planner and the local models are shared), and admitted like a local model: a bounded
queue, then 429.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from agentnet.errors import BudgetExceededError, DeadlineExceededError
from agentnet.federation.headers import DEADLINE_HEADER, OUTGOING_HEADERS
from agentnet.server.backend import NETWORK_MODEL_ID
from agentnet.server.errors import HTTPProblem, problem_from_agentnet
from agentnet.server.guard import Federation
from agentnet.server.schemas import ChatCompletionRequest

if TYPE_CHECKING:
    from agentnet.server.chat import ChatService

MIN_RUN_S = 0.5
_LOCKS: dict[int, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def network_lock(network: Any) -> threading.Lock:
    """One lock per network: its planner, directory handle and local models are shared."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(id(network), threading.Lock())


class NetworkDirectory:
    """Directory search through the network's own directory handle, released after each use so
    other processes (``agentnet peers add``, ``agentnet directory ...``) can write meanwhile."""

    def __init__(self, network: Any) -> None:
        self.network = network

    def search(self, text: str, k: int = 5, filters: Any = None) -> Any:
        with network_lock(self.network):
            try:
                return self.network.directory.search(text, k=k, filters=filters)
            finally:
                self.network.release_directory()

    def cards(self) -> Any:
        with network_lock(self.network):
            try:
                return self.network.directory.cards()
            finally:
                self.network.release_directory()


def task_text(request: ChatCompletionRequest) -> str:
    users = [m.text() for m in request.messages if m.role == "user"]
    if not users or not users[-1].strip():
        raise HTTPProblem(400, "the agentnet model needs a user message with the task", param="messages")
    return users[-1]


def _run(network: Any, task: str, federation: Federation) -> tuple[Any, list[dict[str, Any]], bool]:
    """Plan and execute within the caller's deadline; True when that deadline was the binding budget."""
    events: list[dict[str, Any]] = []

    def on_event(event: Any) -> None:
        if event.event != "token":
            events.append(event.model_dump(exclude_none=True, exclude={"source"}))

    with network_lock(network):
        plan = network.plan(task)
        network.release_directory()
        remaining = federation.remaining()
        if remaining <= MIN_RUN_S:
            raise DeadlineExceededError(
                "the caller's deadline passed while the task was being planned",
                hint=f"send a longer {DEADLINE_HEADER} (seconds), or a simpler task",
            )
        budgets = network.config.budgets
        caller_bound = budgets.max_seconds is None or remaining < budgets.max_seconds
        if caller_bound:
            budgets = budgets.model_copy(update={"max_seconds": remaining})
        result = network.execute(plan, on_event=on_event, budgets=budgets, check=False)
    return result, events, caller_bound


def run_trace(result: Any, events: list[dict[str, Any]], federation: Federation) -> dict[str, Any]:
    plan = result.plan
    return {
        "run_id": result.run_id,
        "status": result.status,
        "hops": federation.hops,
        "plan": [
            {"id": s.id, "capability": s.capability, "skill": s.skill, "instruction": s.instruction} for s in plan.steps
        ],
        "events": events,
    }


async def run_network(service: ChatService, request: ChatCompletionRequest, federation: Federation) -> Response:
    from agentnet.server.chat import json_response

    task = task_text(request)
    network = service.backend.network
    ticket = service.limiter.reserve(NETWORK_MODEL_ID)
    token = OUTGOING_HEADERS.set(federation.outgoing_headers(service.settings.instance_id))
    try:
        async with ticket.running():
            result, events, caller_bound = await asyncio.to_thread(_run, network, task, federation)
    finally:
        ticket.release()
        OUTGOING_HEADERS.reset(token)
    trace = run_trace(result, events, federation)
    if result.error is not None:
        problem = problem_from_agentnet(result.error)
        if caller_bound and isinstance(result.error, BudgetExceededError) and "max_seconds" in result.error.message:
            # The time budget was the caller's deadline: a timeout for the caller, not a bad request.
            problem = problem_from_agentnet(DeadlineExceededError(result.error.message, hint=result.error.hint))
        body = problem.body()
        body["error"]["message"] = f"run {result.run_id} {result.status}: {body['error']['message']}"
        body["agentnet"] = trace
        return json_response(body, status=problem.status)
    answer = result.answer if isinstance(result.answer, str) else json.dumps(result.answer)
    completion = {
        "id": f"chatcmpl-{secrets.token_hex(12)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": NETWORK_MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "agentnet": trace,
    }
    if request.stream:
        return _as_stream(completion)
    return json_response(completion)


def _as_stream(completion: dict[str, Any]) -> Response:
    """A finished run as an SSE stream (one content chunk), for clients that always stream."""
    from sse_starlette.sse import EventSourceResponse

    async def events() -> AsyncIterator[str]:
        base = {k: completion[k] for k in ("id", "created", "model")}
        text = completion["choices"][0]["message"]["content"]
        delta = {"role": "assistant", "content": text}
        yield json.dumps({**base, "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta}]})
        last = {"index": 0, "delta": {}, "finish_reason": "stop"}
        yield json.dumps(
            {**base, "object": "chat.completion.chunk", "choices": [last], "agentnet": completion["agentnet"]}
        )
        yield "[DONE]"

    return EventSourceResponse(events(), sep="\n")
