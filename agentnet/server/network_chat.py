"""The ``agentnet`` model: the last user message is a task; the network plans it and runs the plan.

The reply is the run's answer; the ``agentnet`` field carries the run id, the plan (who did each
step, including peers) and the step events, so a caller can see every hop. Streamed, the plan and
each step event arrive as they happen. Runs are serialised per
server (the planner and the local models are shared), and admitted like a local model: a bounded
queue, then 429.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.responses import Response
from starlette.types import Receive

from agentnet.errors import AgentnetError, BudgetExceededError, DeadlineExceededError
from agentnet.federation.headers import DEADLINE_HEADER, OUTGOING_HEADERS
from agentnet.network import capped
from agentnet.server.backend import NETWORK_MODEL_ID
from agentnet.server.errors import HTTPProblem, json_response, problem_from_agentnet, problem_from_unexpected
from agentnet.server.guard import Federation
from agentnet.server.hangup import ClientGone, HangUp, gone_problem
from agentnet.server.images import handed_images
from agentnet.server.limits import ModelLimiter
from agentnet.server.schemas import ChatCompletionRequest
from agentnet.server.settings import ServerSettings
from agentnet.server.sse import Chunks, TicketedSSE, prepend

log = logging.getLogger("agentnet.server")

MIN_RUN_S = 0.5
_LOCKS: dict[int, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def network_lock(network: Any) -> threading.Lock:
    """One lock per network: its planner, directory handle and local models are shared."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(id(network), threading.Lock())


def refit_soon(network: Any) -> None:
    """Start a background fit of plan memory if it is stale (``planner.fitting``): at start-up, so the
    first requests find it fitted, and after a rating, so the requests after it need not notice. Opens
    the directory (a broken one fails here at start) and releases it; the fit itself never holds the lock."""
    from agentnet.planner.build import build_planner

    with network_lock(network):
        try:
            # Without the planner model: a fit never consults it, and a wrong planner.model must fail the
            # plans that need it, not the server's start.
            planner = build_planner(
                network.config, network.directory, network.registry, use_model=False, wait_for_fit=False
            )
            try:
                planner.fit_memory(wait=False)
            finally:
                planner.close()
        finally:
            network.release_directory()


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


async def follow_peers(peers: Any) -> None:
    """Re-read the peers file if it changed, so a peer added while the server runs is a collaborator
    of the next run (the view registers its nodes in the network's registry)."""
    if peers is not None:
        await asyncio.to_thread(peers.peers)


def task_text(request: ChatCompletionRequest) -> str:
    users = [m.text() for m in request.messages if m.role == "user"]
    if not users or not users[-1].strip():
        raise HTTPProblem(
            400,
            "the agentnet model needs a user message with the task: "
            '{"role": "user", "content": "what to do"} as the last of the messages',
            code="invalid_request",
            param="messages",
        )
    return users[-1]


def run_task(
    network: Any,
    task: str,
    federation: Federation,
    on_plan: Callable[[Any], None] | None = None,
    on_step: Callable[[dict[str, Any]], None] | None = None,
    run_id: str | None = None,
    inputs: tuple[list[Any], dict[str, Any]] = ([], {}),
    max_tokens: int | None = None,
) -> tuple[Any, list[dict[str, Any]], bool]:
    """Plan and execute within the caller's deadline; True when that deadline was the binding budget.
    ``inputs``: what was handed over beside the task (records for the planner, values for the run);
    ``max_tokens``: the request's limit, for each step's reply."""
    records, values = inputs
    events: list[dict[str, Any]] = []

    def on_event(event: Any) -> None:
        if event.event != "token":
            record = event.model_dump(exclude_none=True, exclude={"source"})
            events.append(record)
            if on_step is not None:
                on_step(record)

    with network_lock(network):
        # Planning keeps at least MIN_RUN_S of the caller's deadline for running the plan.
        plan = capped(network.plan(task, deadline_s=max(0.0, federation.remaining() - MIN_RUN_S), inputs=records),
                      max_tokens)  # fmt: skip
        network.release_directory()
        remaining = federation.remaining()
        if remaining <= MIN_RUN_S:
            raise DeadlineExceededError(
                "the caller's deadline passed while the task was being planned",
                hint=f"send a longer {DEADLINE_HEADER} (seconds), or a simpler task",
            )
        if on_plan is not None:
            on_plan(plan)
        budgets = network.config.budgets
        caller_bound = budgets.max_seconds is None or remaining < budgets.max_seconds
        if caller_bound:
            budgets = budgets.model_copy(update={"max_seconds": remaining})
        result = network.execute(plan, run_id=run_id, inputs=values, on_event=on_event, budgets=budgets, check=False)
    return result, events, caller_bound


def plan_summary(plan: Any) -> list[dict[str, Any]]:
    return [
        {"id": step.id, "capability": step.capability, "skill": step.skill, "instruction": step.instruction}
        for step in plan.steps
    ]


def run_trace(result: Any, events: list[dict[str, Any]], federation: Federation) -> dict[str, Any]:
    return {
        "run_id": result.run_id,
        "status": result.status,
        "hops": federation.hops,
        "plan": plan_summary(result.plan),
        # What the planner noted: e.g. that it planned without memory's current fit, which runs meanwhile.
        "notes": list(result.plan.notes),
        "events": events,
    }


def failure(result: Any, trace: dict[str, Any], caller_bound: bool) -> tuple[dict[str, Any], int]:
    """The error body (OpenAI shape, with the run trace) and HTTP status of a run that did not finish."""
    problem = problem_from_agentnet(result.error)
    if caller_bound and isinstance(result.error, BudgetExceededError) and "max_seconds" in result.error.message:
        # The time budget was the caller's deadline: a timeout for the caller, not a bad request.
        problem = problem_from_agentnet(DeadlineExceededError(result.error.message, hint=result.error.hint))
    elif result.error.code == "interrupted":
        # Stopped by the server's shutdown (a server's runs stop for nothing else): 503 shutting_down, as
        # its other calls are answered then, so a client sends it again. It was 502, "a model failed".
        problem = HTTPProblem(503, problem.message, type="server_error", code="shutting_down")
    body = problem.body()
    message = body["error"]["message"]
    if not message.startswith(f"run {result.run_id} "):  # one that names its run already said it once
        body["error"]["message"] = f"run {result.run_id} {result.status}: {message}"
    body["agentnet"] = trace
    return body, problem.status


class NetworkChat:
    """Answers requests for the ``agentnet`` model: plan the task, run it, reply with the trace."""

    def __init__(self, network: Any, settings: ServerSettings, limiter: ModelLimiter, peers: Any = None) -> None:
        self.network = network
        self.settings = settings
        self.limiter = limiter
        self.peers = peers

    async def handle(self, request: ChatCompletionRequest, federation: Federation, receive: Receive) -> Response:
        """``receive``: the request's ASGI channel, to learn that a client waiting for a whole answer left."""
        task = task_text(request)
        inputs = handed_images(request, self.network.config.runs.max_artifact_bytes)
        await follow_peers(self.peers)
        ticket = self.limiter.reserve(NETWORK_MODEL_ID)
        outgoing = federation.outgoing_headers(self.settings.instance_id)
        if request.stream:
            try:
                usage = bool(request.stream_options and request.stream_options.include_usage)
                body = _stream(self.network, task, federation, ticket, outgoing, (inputs, request.token_limit(), usage))
                # Wait for the plan before answering: a task nothing can serve, or a deadline gone while
                # planning, still gets its real HTTP status instead of a 200 stream.
                first = await anext(body)
            except BaseException:
                ticket.release()
                raise
            return TicketedSSE(prepend(first, body), ticket, self.settings.stream_send_timeout_s)
        token = OUTGOING_HEADERS.set(outgoing)
        hangup = HangUp(self.network)
        try:
            async with hangup.watching(receive), ticket.running():
                hangup.before_run()  # the client left while the request waited its turn
                result, events, caller_bound = await asyncio.to_thread(
                    run_task, self.network, task, federation, hangup.on_plan, hangup.on_step, hangup.run_id,
                    inputs, request.token_limit(),
                )  # fmt: skip
        except ClientGone as exc:
            raise gone_problem(exc) from None
        finally:
            ticket.release()
            OUTGOING_HEADERS.reset(token)
        trace = run_trace(result, events, federation)
        if result.error is not None:
            error_body, status = failure(result, trace, caller_bound)
            return json_response(error_body, status=status)
        completion = {
            "id": f"chatcmpl-{secrets.token_hex(12)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": NETWORK_MODEL_ID,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": answer_text(result)}, "finish_reason": "stop"}
            ],
            "usage": await asyncio.to_thread(run_usage, self.network, result.run_id),
            "agentnet": trace,
        }
        return json_response(completion)


def run_usage(network: Any, run_id: str) -> dict[str, int]:
    """The run's tokens in OpenAI's ``usage`` shape: every model call of every step (a retried step pays
    for each attempt), as ``agentnet runs show`` counts them. It said 0 for every run before."""
    attempts = [attempt for step in network.trace(run_id)["steps"] for attempt in step["attempts"]]
    prompt = sum(int(attempt["prompt_tokens"]) for attempt in attempts)
    completion = sum(int(attempt["completion_tokens"]) for attempt in attempts)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def answer_text(result: Any) -> str:
    return result.answer if isinstance(result.answer, str) else json.dumps(result.answer)


async def _stream(
    network: Any,
    task: str,
    federation: Federation,
    ticket: Any,
    outgoing: dict[str, str],
    given: tuple[tuple[list[Any], dict[str, Any]], int | None, bool],
) -> AsyncIterator[str]:
    """The run as SSE while it happens: the plan first, a chunk per step event (empty delta, the event
    under ``agentnet``), then the answer and a finishing chunk carrying the whole trace. The answer
    comes whole at the end: a step may still fail over to another collaborator, and streamed text
    cannot be taken back. ``given``: the inputs handed over, the request's ``max_tokens``, and whether it
    asked for usage (``stream_options.include_usage``: on the finishing chunk, as the one-model stream)."""
    inputs, max_tokens, include_usage = given
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

    def put(kind: str, value: Any) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, (kind, value))

    hangup = HangUp(network, put)

    def work() -> None:
        try:
            ran = run_task(network, task, federation, hangup.on_plan, hangup.on_step, hangup.run_id, inputs, max_tokens)
            put("done", ran)
        except Exception as exc:  # noqa: BLE001 - handed to the response task, which reports or raises it
            put("error", exc)

    chunks = Chunks(NETWORK_MODEL_ID)

    # Set here, not by the route: this generator runs in the response's task; to_thread copies it.
    OUTGOING_HEADERS.set(outgoing)
    async with ticket.running(), hangup:
        running = asyncio.ensure_future(asyncio.to_thread(work))
        kind, value = await queue.get()
        if kind == "error":
            raise value
        planned = {"event": "planned", "run_id": hangup.run_id, "plan": plan_summary(value), "notes": list(value.notes)}
        yield chunks.text({"role": "assistant", "content": ""}, agentnet=planned)
        while True:
            kind, value = await queue.get()
            if kind == "event":
                yield chunks.text({}, agentnet={"event": value})
            elif kind == "error":
                known = isinstance(value, AgentnetError)
                yield json.dumps((problem_from_agentnet(value) if known else problem_from_unexpected(value)).body())
                break
            else:
                result, events, caller_bound = value
                trace = run_trace(result, events, federation)
                if result.error is not None:
                    yield json.dumps(failure(result, trace, caller_bound)[0])
                else:
                    yield chunks.text({"content": answer_text(result)})
                    usage = await asyncio.to_thread(run_usage, network, result.run_id) if include_usage else None
                    yield chunks.text({}, "stop", agentnet=trace, **({"usage": usage} if usage else {}))
                break
        hangup.done = True
    await running
    yield "[DONE]"
