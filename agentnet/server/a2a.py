"""``agentnet serve`` as an A2A server, built on a2a-sdk's server components.

The SDK's ``DefaultRequestHandler`` and routes serve the agent card and the JSON-RPC endpoint
(``/a2a``: ``SendMessage``, ``SendStreamingMessage``, ``GetTask``, ``CancelTask`` …) behind the same
gate as every other route (``guard.py``: token, Host, Origin, body size, federation headers). The
agent logic is ``TaskRuns``: a task is an agentnet run of the ``agentnet`` model. The task id is the
run id (``GET /v1/runs/{id}`` is its trace; ``agentnet run --resume ID`` continues it); the plan and
each step event arrive as ``working`` status updates (the event under the ``agentnet`` metadata key);
the answer is the artifact ``answer``; a run that fails ends the task ``failed``; ``CancelTask``
stops the run through the run database (``Network.cancel``, as ``POST /v1/runs/{id}/cancel``), which
leaves it resumable (``interrupted``), and ends the task ``canceled``; a task cancelled while it is
still being planned never starts its run. Runs share the chat route's admission limiter: beyond its
queue a task is ``rejected`` with the wait. Tasks are kept in the run database (``a2a_tasks.py``), so
they outlive a restart of the server.

a2a-sdk is imported inside the functions (it is the ``a2a`` extra).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from agentnet.errors import AgentnetError, RunError
from agentnet.server.a2a_parts import Inputs, handed_parts
from agentnet.server.agent_card import A2A_PATH, build_agent_card, network_card
from agentnet.server.backend import NETWORK_MODEL_ID, Backend
from agentnet.server.errors import HTTPProblem
from agentnet.server.guard import Federation
from agentnet.server.limits import ModelLimiter
from agentnet.server.network_chat import answer_text, follow_peers, plan_summary, run_task
from agentnet.server.settings import ServerSettings

if TYPE_CHECKING:
    from a2a.server.events import EventQueue
    from a2a.server.tasks import TaskUpdater
    from fastapi import FastAPI

# How long a CancelTask waits for the run's steps to stop (they look at the cancel flag every 0.1 s).
CANCEL_WAIT_S = 30.0
# While the task is planned its run does not exist yet: the cancel is retried this often.
CANCEL_RETRY_S = 0.1
# Card ids, not secrets, go into task metadata; a step's text is cut to keep status updates small.
MAX_EVENT_TEXT = 2000
# What a2a-sdk's JSON-RPC dispatcher logs with a traceback (logger.exception) for a caller's mistake (a
# body that is no JSON-RPC request, params of the wrong type) before it answers -32600 / -32602; its
# next line, a warning, names the mistake already ("Request Error (ID: 1): Code=-32602, Message=...").
_DISPATCHER_LOG = "a2a.server.routes.jsonrpc_dispatcher"
_CALLERS_MISTAKES = frozenset({"Failed to validate base JSON-RPC request", "Failed to parse request params"})


def _not_a_callers_mistake(record: logging.LogRecord) -> bool:
    return record.msg not in _CALLERS_MISTAKES


def describe(event: dict[str, Any]) -> str:
    """One line for a step event, as a person reading the task's status would want it."""
    step, node, kind = event.get("step"), event.get("node") or "?", event.get("event")
    if kind == "started":
        return f"step {step}: {node} started"
    if kind == "finished":
        return f"step {step}: {node} finished"
    if kind == "fell_back":
        return f"step {step}: {node} failed ({event.get('reason')}), trying {event.get('to_node')}"
    return f"step {step}: {node} failed: {event.get('error') or event.get('code')}"


def _slim(event: dict[str, Any]) -> dict[str, Any]:
    text = event.get("text")
    if isinstance(text, str) and len(text) > MAX_EVENT_TEXT:
        return {**event, "text": text[:MAX_EVENT_TEXT] + "…"}
    return event


class TaskRuns:
    """What the A2A ``AgentExecutor`` does: run each task as an agentnet run, report it as it goes."""

    def __init__(self, network: Any, settings: ServerSettings, limiter: ModelLimiter, peers: Any = None) -> None:
        self.network = network
        self.settings = settings
        self.limiter = limiter
        self.peers = peers
        self._workers: dict[str, asyncio.Future[Any]] = {}
        self._cancelled: set[str] = set()

    async def execute(self, context: Any, queue: EventQueue) -> None:
        from a2a.helpers import new_task_from_user_message
        from a2a.server.tasks import TaskUpdater
        from a2a.types import TaskState
        from a2a.utils.errors import UnsupportedOperationError

        task_id, context_id = str(context.task_id), str(context.context_id)
        current = context.current_task
        if current is not None and current.status.state != TaskState.TASK_STATE_SUBMITTED:
            raise UnsupportedOperationError(
                message=f"task {task_id} is one agentnet run (now {TaskState.Name(current.status.state)}); "
                "send a new message without a taskId for another task"
            )
        if current is None:
            await queue.enqueue_event(new_task_from_user_message(context.message))
        updater = TaskUpdater(queue, task_id, context_id)
        task = context.get_user_input().strip()
        max_bytes = self.network.config.runs.max_artifact_bytes if self.network is not None else 0
        inputs, unread = handed_parts(context.message, max_bytes)
        if self.network is None or not task or unread:
            why = "this server runs no plans (no network configured)" if self.network is None else ""
            why = why or unread or "the message has no text: send the task as a text part"
            await updater.reject(_message(updater, why))
            return
        await follow_peers(self.peers)
        try:
            ticket = self.limiter.reserve(NETWORK_MODEL_ID)
        except HTTPProblem as busy:
            await updater.reject(_message(updater, busy.message, {"retry_after_s": busy.headers.get("Retry-After")}))
            return
        federation = context.call_context.state.get("federation")
        if not isinstance(federation, Federation):
            federation = Federation(deadline=time.monotonic() + self.settings.default_deadline_s)
        try:
            await updater.start_work(_message(updater, "planning the task", {"run_id": task_id}))
            async with ticket.running():
                await self._run(task, task_id, federation, updater, inputs)
        finally:
            ticket.release()
            self._workers.pop(task_id, None)

    async def _run(self, task: str, run_id: str, federation: Federation, updater: TaskUpdater, inputs: Inputs) -> None:
        """The run in a worker thread, with the files the message handed over; its plan and step events
        become status updates as they come."""
        from agentnet.federation.headers import OUTGOING_HEADERS

        loop = asyncio.get_running_loop()
        events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

        def put(kind: str, value: Any) -> None:
            loop.call_soon_threadsafe(events.put_nowait, (kind, value))

        def on_plan(plan: Any) -> None:
            if run_id in self._cancelled:  # cancelled while planning: the run never starts
                raise RunError(f"task {run_id} was cancelled before its run started", code="cancelled")
            put("plan", plan)

        def work() -> Any:
            try:
                return run_task(self.network, task, federation, on_plan, partial(put, "event"), run_id, inputs)
            finally:
                put("end", None)

        # Calls to peers on behalf of this task carry the hop count, the chain and the deadline on.
        token = OUTGOING_HEADERS.set(federation.outgoing_headers(self.settings.instance_id))
        try:
            worker = self._workers[run_id] = asyncio.ensure_future(asyncio.to_thread(work))
        finally:
            OUTGOING_HEADERS.reset(token)
        while (item := await events.get())[0] != "end":
            kind, value = item
            if kind == "plan":
                plan = plan_summary(value)
                text = "plan: " + "; ".join(f"{s['id']} ({s['capability']})" for s in plan)
                await updater.start_work(_message(updater, text, {"event": "planned", "run_id": run_id, "plan": plan}))
            else:
                await updater.start_work(_message(updater, describe(value), {"event": _slim(value)}))
        try:
            result, _, _ = await worker
        except AgentnetError as exc:  # planning failed, or the deadline went while planning
            if run_id in self._cancelled:
                return  # ``cancel`` reports the task's end
            details = {"run_id": run_id, "error": exc.to_dict()}
            await updater.failed(_message(updater, _error_text(exc, run_id), details))
            return
        if run_id not in self._cancelled:
            await _report(updater, result)

    async def cancel(self, context: Any, queue: EventQueue) -> None:
        """Stop the task's run (it ends ``interrupted``, resumable) and end the task ``canceled``."""
        from a2a.server.tasks import TaskUpdater

        task_id = str(context.task_id)
        self._cancelled.add(task_id)
        worker = self._workers.get(task_id)
        started = worker is not None and await self._stop(task_id, worker)
        updater = TaskUpdater(queue, task_id, str(context.context_id))
        if started:
            text = f"cancelled: run {task_id} is interrupted; resume it with `agentnet run --resume {task_id}`"
            await updater.cancel(_message(updater, text, {"run_id": task_id, "status": "interrupted"}))
        else:
            await updater.cancel(_message(updater, "cancelled before its run started", {"run_id": task_id}))

    async def _stop(self, run_id: str, worker: asyncio.Future[Any]) -> bool:
        """Cancel the run and wait for it to stop; False when it never started (cancelled while planned)."""
        from agentnet.errors import NotFoundError

        deadline = time.monotonic() + CANCEL_WAIT_S
        while not worker.done() and time.monotonic() < deadline:
            try:
                await asyncio.to_thread(self.network.cancel, run_id)
            except NotFoundError:  # still planning: ``on_plan`` stops it, or its run appears shortly
                await asyncio.wait({worker}, timeout=CANCEL_RETRY_S)
                continue
            await asyncio.wait({worker}, timeout=max(deadline - time.monotonic(), 0.0))
        try:
            await asyncio.to_thread(self.network.trace, run_id)
        except NotFoundError:
            return False
        return True


def _message(updater: TaskUpdater, text: str, agentnet: dict[str, Any] | None = None) -> Any:
    from a2a.types import Part

    return updater.new_agent_message([Part(text=text)], metadata={"agentnet": agentnet} if agentnet else None)


def _error_text(error: AgentnetError, run_id: str) -> str:
    hint = f" (hint: {error.hint})" if error.hint else ""
    return f"run {run_id}: {error.message}{hint}"


async def _report(updater: TaskUpdater, result: Any) -> None:
    """The run's end as the task's: the answer as an artifact and ``completed``, or ``failed``."""
    from a2a.types import Part

    summary = {"run_id": result.run_id, "status": result.status, "plan": plan_summary(result.plan)}
    if result.error is None:
        await updater.add_artifact([Part(text=answer_text(result))], name="answer", metadata={"agentnet": summary})
        await updater.complete()
        return
    summary["error"] = result.error.to_dict()
    await updater.failed(_message(updater, _error_text(result.error, result.run_id), summary))


def _close_tasks_refused_at_setup(handler: Any) -> None:
    """Close the event queues of an SDK task whose setup was refused (a message to a finished task).

    a2a-sdk 1.3 builds each task's two event queues, each with a dispatcher task, before it checks the
    task may start; when it may not, it drops the task from its registry without closing them. The
    dispatchers stay pending until the garbage collector destroys them, which asyncio reports as
    "Task was destroyed but it is pending!" and OpenTelemetry as a "Failed to detach context"
    traceback, in our log, at a random later request. A task that never started has no producer.
    """
    registry = getattr(handler, "_active_task_registry", None)
    remove = getattr(registry, "_remove_task", None)
    if remove is None:  # another SDK version: it manages its tasks itself
        return

    async def remove_and_close(active_task: Any) -> None:
        await remove(active_task)
        if getattr(active_task, "_producer_task", True) is None:
            await active_task.aclose()

    registry._remove_task = remove_and_close  # type: ignore[union-attr]


def mount_a2a(
    app: FastAPI, backend: Backend, settings: ServerSettings, limiter: ModelLimiter
) -> Callable[[], Awaitable[None]]:
    """Add the agent card and the A2A JSON-RPC endpoint to ``app``; returns what to await at shutdown."""
    from a2a.server.agent_execution import AgentExecutor, SimpleRequestContextBuilder
    from a2a.server.id_generator import IDGenerator
    from a2a.server.request_handlers import DefaultRequestHandler
    from a2a.server.routes import (
        DefaultServerCallContextBuilder,
        add_a2a_routes_to_fastapi,
        create_agent_card_routes,
        create_jsonrpc_routes,
    )
    from a2a.server.tasks import InMemoryTaskStore

    from agentnet.executor.runner import new_run_id
    from agentnet.server.a2a_tasks import run_task_store
    from agentnet.server.routes import federation_of

    runs = TaskRuns(backend.network, settings, limiter, backend.peers)
    # A caller's malformed request is its error answer and one warning line, not a traceback in our log.
    logging.getLogger(_DISPATCHER_LOG).addFilter(_not_a_callers_mistake)

    class NetworkAgent(AgentExecutor):
        async def execute(self, context: Any, event_queue: Any) -> None:
            await runs.execute(context, event_queue)

        async def cancel(self, context: Any, event_queue: Any) -> None:
            await runs.cancel(context, event_queue)

    class RunIds(IDGenerator):
        def generate(self, context: Any) -> str:
            return new_run_id()  # a task id is the id of its run

    class CallContext(DefaultServerCallContextBuilder):
        def build(self, request: Any) -> Any:
            context = super().build(request)
            # The SDK keeps the request headers in the context: not the caller's token.
            context.state["headers"].pop("authorization", None)
            context.state["federation"] = federation_of(request)
            return context

    def published() -> Any:
        cards = backend.local_cards()
        if settings.publish_peer_cards:
            cards += backend.remote_cards()
        if backend.network is not None:
            cards.append(network_card(settings.description))
        return build_agent_card(settings, cards)

    async def current_card(_: Any) -> Any:
        return await asyncio.to_thread(published)

    card = published()
    # Tasks live in the network's run database (they outlive a restart); no network, no runs to keep.
    tasks = InMemoryTaskStore() if backend.network is None else run_task_store(lambda: backend.network.executor.store)
    handler = DefaultRequestHandler(
        agent_executor=NetworkAgent(),
        task_store=tasks,
        agent_card=card,
        request_context_builder=SimpleRequestContextBuilder(task_id_generator=RunIds()),
    )
    _close_tasks_refused_at_setup(handler)
    add_a2a_routes_to_fastapi(
        app,
        agent_card_routes=create_agent_card_routes(card, card_modifier=current_card),
        jsonrpc_routes=create_jsonrpc_routes(handler, rpc_url=A2A_PATH, context_builder=CallContext()),
    )
    return handler.aclose
