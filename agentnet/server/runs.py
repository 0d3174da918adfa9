"""``/v1/runs``: runs over HTTP, served by every ``agentnet serve`` that shares the run database.

Several servers with the same config (runs in PostgreSQL, the directory on one ``chroma run``) serve
the same runs behind any load balancer: a run started through one can be listed, read, followed
from its current state, cancelled or resumed through any other. The process executing a run holds
its lease; the others read the database (following polls it), and a cancel travels through it.
Starting and resuming are admitted like the ``agentnet`` model: a bounded queue, then 429.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from agentnet.errors import AgentnetError, NotFoundError, RunStoreError, UserError
from agentnet.federation.headers import OUTGOING_HEADERS
from agentnet.server.backend import NETWORK_MODEL_ID, Backend
from agentnet.server.errors import HTTPProblem, json_response
from agentnet.server.followers import FollowerLimiter, Followers
from agentnet.server.hangup import ClientGone, HangUp, gone_problem
from agentnet.server.limits import ModelLimiter
from agentnet.server.network_chat import network_lock, refit_soon
from agentnet.server.routes import federation_of
from agentnet.server.settings import ServerSettings
from agentnet.server.sse import TicketedSSE

log = logging.getLogger("agentnet.server")
RUN_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
MAX_RUNS_PAGE = 500


class RunRequest(BaseModel):
    """Start a run: a task for the planner, or a plan (as ``agentnet plan --json`` prints it)."""

    model_config = ConfigDict(extra="forbid")

    task: str | None = Field(default=None, min_length=1)
    plan: dict[str, Any] | None = None
    run_id: str | None = Field(default=None, pattern=RUN_ID_PATTERN)
    # False: answer 202 at once; follow the run with GET /v1/runs/{id}/events.
    wait: bool = True


class RateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Literal["good", "bad"]


class ResumeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    wait: bool = True


def _network(backend: Backend) -> Any:
    if backend.network is None:
        raise HTTPProblem(404, "this server runs no plans (no network configured)", code="not_found")
    return backend.network


def _check_limit(limit: int) -> None:
    """A page size outside 1..MAX_RUNS_PAGE is the caller's error, as a ``k`` out of range is to
    /v1/directory/search: it was quietly made 1 (``limit=-1``) or 500."""
    if not 1 <= limit <= MAX_RUNS_PAGE:
        raise HTTPProblem(
            400,
            f"limit={limit} is out of range: a page lists 1 to {MAX_RUNS_PAGE} runs (50 when left out); "
            "follow `next` for more",
            code="invalid_request",
            param="limit",
        )


def _checked_id(run_id: str) -> str:
    if not run_id.replace("-", "").replace("_", "").isalnum() or len(run_id) > 64:
        raise HTTPProblem(404, f"no run with id {run_id!r}", code="run_not_found", param="run_id")
    return run_id


def _given_plan(network: Any, raw: dict[str, Any]) -> Any:
    """The plan the caller sent, read and checked against this network's models before the run is
    admitted: a plan that is not one is the caller's 400 (also with ``wait: false``), naming the field."""
    from pydantic import ValidationError

    from agentnet.directory.inmemory import InMemorySource
    from agentnet.planner.plan import Plan, first_problem
    from agentnet.planner.validate import validate_plan

    try:
        plan = Plan.model_validate(raw)
    except ValidationError as exc:
        raise UserError(
            first_problem(exc),
            hint="send a plan as `agentnet plan --json` prints it: task, and steps with id, capability, instruction",
            code="invalid_plan",
        ) from None
    result = validate_plan(plan, InMemorySource(network.registry.cards()), repair=False)
    if not result.ok:
        reasons = "; ".join(str(p) for p in result.unrepaired)
        raise UserError(
            f"the plan is invalid: {reasons}", hint="name models this server has (GET /v1/models)", code="invalid_plan"
        )
    return plan


def _new_run(network: Any, run_id: str) -> None:
    """A run id the caller chose must be free: starting over an existing run would execute the new plan
    under its id while its record kept the old task and plan (and steps) beside the new answer."""
    try:
        trace = network.trace(run_id)
    except NotFoundError:
        return
    raise HTTPProblem(
        409,
        f"run {run_id} already exists ({trace['status']}); choose another run_id, or none (the server picks one); "
        f"to continue that run, POST /v1/runs/{run_id}/resume",
        code="run_exists",
        param="run_id",
    )


def _planned(network: Any, task: str, run_id: str, *, promised: bool) -> Any:
    """The plan for ``task``. A run already answered 202 (``promised``) whose task cannot be planned is
    recorded as failed with the planner's error, so GET /v1/runs/ID says why instead of 404."""
    try:
        plan = network.plan(task)
    except Exception as exc:
        if promised:
            network.executor.refused(run_id, task, _refusal(exc))
        raise
    network.release_directory()
    return plan


def _refusal(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, AgentnetError):
        return exc.to_dict()
    # A bug: its traceback goes to the server's log (``_unstarted``), not to the caller.
    return {"code": "internal_error", "message": "planning failed: an internal error (see the server's log)"}


class _Admitted:
    """Runs work for the runs API in a thread once the ``agentnet`` model's queue admits it."""

    def __init__(self, backend: Backend, settings: ServerSettings, limiter: ModelLimiter) -> None:
        self.backend = backend
        self.settings = settings
        self.limiter = limiter
        self.background: set[asyncio.Task[Any]] = set()

    async def __call__(self, work: Callable[[HangUp], Any], request: Request, wait: bool, run_id: str) -> Response:
        """Answer the run's trace when ``work`` ends, or 202 at once if not ``wait``. ``work`` runs the
        run with the ``HangUp`` of its client: one waiting that hangs up stops the run (interrupted)."""
        ticket = self.limiter.reserve(NETWORK_MODEL_ID)
        outgoing = federation_of(request).outgoing_headers(self.settings.instance_id)
        network = self.backend.network
        hangup = HangUp(network, run_id=run_id)

        def locked() -> Any:
            OUTGOING_HEADERS.set(outgoing)
            with network_lock(network):
                hangup.before_run()  # the client left while the run waited its turn
                return work(hangup)

        async def execute() -> Any:
            try:
                async with ticket.running():
                    return await asyncio.to_thread(locked)
            finally:
                ticket.release()

        if not wait:
            task = asyncio.create_task(execute())
            self.background.add(task)
            task.add_done_callback(self.background.discard)
            task.add_done_callback(lambda done: _unstarted(done, run_id))
            return json_response({"id": run_id, "run_id": run_id, "object": "agentnet.run", "status": "accepted"}, 202)
        try:
            async with hangup.watching(request.receive):
                await execute()
        except ClientGone as exc:
            raise gone_problem(exc) from None
        return json_response(await asyncio.to_thread(network.trace, run_id))


def _start_route(router: APIRouter, backend: Backend, admitted: _Admitted) -> None:
    @router.post("/v1/runs", status_code=200, responses={202: {"description": "accepted (wait=false)"}})
    async def start_run(body: RunRequest, request: Request) -> Response:
        """Start a run here; with ``wait`` (the default) answer its trace when it ends."""
        from agentnet.executor.runner import new_run_id

        network = _network(backend)
        if (body.task is None) == (body.plan is None):
            given = "both were given" if body.task is not None else "neither was given"
            raise HTTPProblem(
                400,
                f"give either 'task' (plain words: the planner plans it) or 'plan' (as `agentnet plan --json` "
                f"prints it), not both: {given}",
                code="invalid_request",
                param="task",
            )
        plan = None if body.plan is None else await asyncio.to_thread(_given_plan, network, body.plan)
        run_id = body.run_id or new_run_id()
        if body.run_id is not None:
            await asyncio.to_thread(_new_run, network, run_id)

        def work(hangup: HangUp) -> Any:
            if body.run_id is not None:  # again under the network's lock: two starts with one id take turns
                _new_run(network, run_id)
            made = plan if plan is not None else _planned(network, str(body.task), run_id, promised=not body.wait)
            hangup.on_plan(made)
            return network.execute(made, run_id=run_id, check=False, on_event=hangup.on_event)

        return await admitted(work, request, body.wait, run_id)


def _unstarted(done: asyncio.Task[Any], run_id: str) -> None:
    """A run answered 202 that could not start (its task could not be planned, another process holds
    its id), or stopped because the run database went away (so its record cannot say so: it reads
    `running` until its lease runs out): nobody waits for the error, so the log says it, in one line
    when it is agentnet's."""
    error = None if done.cancelled() else done.exception()
    stopped = None if done.cancelled() or error is not None else getattr(done.result(), "error", None)
    if isinstance(stopped, RunStoreError):
        log.warning("run %s stopped: %s; resume it (POST /v1/runs/%s/resume) once the database is back and its "
                    "lease has run out", run_id, stopped.message, run_id)  # fmt: skip
    if isinstance(error, AgentnetError):
        log.warning("run %s did not start: %s (%s)", run_id, error.message, error.code)
    elif isinstance(error, HTTPProblem):
        log.warning("run %s did not start: %s", run_id, error.message)
    elif error is not None:
        log.error("run %s did not start", run_id, exc_info=error)


def runs_router(backend: Backend, settings: ServerSettings, limiter: ModelLimiter) -> APIRouter:
    """``/v1/runs``: list, start, read, follow, cancel and resume runs (of the run database)."""
    router = APIRouter()
    admitted = _Admitted(backend, settings, limiter)
    # One read of a followed run's trace per poll, shared by all its followers; so many followers at most.
    followers = Followers(lambda run_id: _network(backend).trace(run_id))
    following = FollowerLimiter(settings.max_run_followers)

    @router.get("/v1/runs")
    async def list_runs(limit: int = 50, before: str | None = None) -> dict[str, Any]:
        """Runs in the run database, newest first (started by any server sharing it); ``before``: the
        page after that run. ``next`` is the URL of the next page while there is one (``limit`` is at
        most 500: with thousands of runs, the older ones were out of reach)."""
        network = _network(backend)
        _check_limit(limit)
        runs = await asyncio.to_thread(network.runs, limit + 1, None if before is None else _checked_id(before))
        more = len(runs) > limit
        page = runs[:limit]
        following = f"/v1/runs?limit={limit}&before={page[-1]['id']}" if more else None
        return {"object": "list", "data": page, "has_more": more, "next": following}

    _start_route(router, backend, admitted)

    @router.get("/v1/runs/{run_id}")
    async def run_trace(run_id: str) -> dict[str, Any]:
        """The stored trace of a run: plan, status, lease (who executes it), steps, attempts, nodes."""
        network = _network(backend)
        trace: dict[str, Any] = await asyncio.to_thread(network.trace, _checked_id(run_id))
        return trace

    @router.get("/v1/runs/{run_id}/events", responses={200: {"content": {"text/event-stream": {}}}})
    async def run_events(run_id: str) -> Response:
        """The run from its current state as SSE: a snapshot, then each step and status change, then the end."""
        network = _network(backend)
        trace = await asyncio.to_thread(network.trace, _checked_id(run_id))
        ticket = following.reserve()
        return TicketedSSE(_follow(followers, run_id, trace), ticket, settings.stream_send_timeout_s)

    @router.post("/v1/runs/{run_id}/cancel")
    async def cancel_run(run_id: str) -> dict[str, Any]:
        """Stop a run wherever it executes: ``cancelled`` now (it had no live owner), ``requested``
        (its owner stops within a heartbeat) or ``not_running``."""
        network = _network(backend)
        result = await asyncio.to_thread(network.cancel, _checked_id(run_id))
        return {"id": run_id, "run_id": run_id, "object": "agentnet.run.cancel", "result": result}

    @router.post("/v1/runs/{run_id}/resume")
    async def resume_run(run_id: str, request: Request, body: ResumeRequest | None = None) -> Response:
        """Continue a run here from its last checkpoint (409 while another process executes it)."""
        network = _network(backend)
        trace = await asyncio.to_thread(network.trace, _checked_id(run_id))
        if trace["plan"].get("source") == "recipe":
            raise UserError(f"run {run_id} is a recipe run", hint=f"resume it with `agentnet recipe resume {run_id}`")

        def work(hangup: HangUp) -> Any:
            return network.resume(run_id, check=False, on_event=hangup.on_event)

        return await admitted(work, request, (body or ResumeRequest()).wait, run_id)

    _rating_route(router, backend)
    return router


def _rating_route(router: APIRouter, backend: Backend) -> None:
    @router.post("/v1/runs/{run_id}/rating")
    async def rate_run(run_id: str, body: RateRequest) -> dict[str, Any]:
        """Rate a run's plan: ``good`` (plan memory learns it for similar tasks) or ``bad`` (a counter-example)."""
        network = _network(backend)
        rated: dict[str, Any] = await asyncio.to_thread(network.rate, _checked_id(run_id), body.rating == "good")
        # Not awaited: it waits for the network's lock (a run may hold it), and the rating is done.
        asyncio.get_running_loop().run_in_executor(None, _refit_soon, network)
        return {"object": "agentnet.run.rating", **rated}


def _refit_soon(network: Any) -> None:
    try:
        refit_soon(network)
    except AgentnetError as exc:  # no caller waits for this: the next plan refits instead
        log.warning("could not start refitting plan memory after a rating: %s", exc.message)


async def _follow(followers: Followers, run_id: str, trace: dict[str, Any]) -> AsyncIterator[str]:
    yield json.dumps({"event": "snapshot", "run": trace})
    seen = {step["id"]: _step_state(step) for step in trace["steps"]}
    status = (trace["status"], _lease_expired(trace))
    # Closed with the stream (a follower that hangs up leaves its run's poller at once, not at collection).
    async with aclosing(followers.traces(run_id, trace)) as reads:
        async for read in reads:
            if read is None:  # the run is gone: its end is the last trace read
                break
            trace = read
            for step in trace["steps"]:
                state = _step_state(step)
                if seen.get(step["id"]) != state:
                    seen[step["id"]] = state
                    yield json.dumps({"event": "step", "step": step})
            if (trace["status"], _lease_expired(trace)) != status:
                status = (trace["status"], _lease_expired(trace))
                yield json.dumps(
                    {"event": "status", "status": status[0], "lease": trace["lease"], "lease_expired": status[1]}
                )
    end = {k: trace.get(k) for k in ("status", "answer", "error")}
    yield json.dumps({"event": "end", "id": run_id, "run_id": run_id, **end})
    yield "[DONE]"


def _lease_expired(trace: dict[str, Any]) -> bool:
    """Marked running, but its process stopped renewing its lease (killed, cut off): nothing runs it
    until it is resumed. A follower heard nothing of it, only pings, for as long as nobody resumed it."""
    lease = trace.get("lease")
    return trace["status"] == "running" and lease is not None and (lease.get("expires_in_s") or 0) < 0


def _step_state(step: dict[str, Any]) -> tuple[str, int]:
    return step["status"], len(step["attempts"])
