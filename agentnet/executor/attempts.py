"""One step, carried out: candidates in order, retries, fallback, schema cascade, all recorded.

A candidate is retried after a transient failure (``ModelCallError``); after a deadline, an
output that fails the step's schema, or any other failure, the step moves to the next candidate
(``fell_back`` event). Every attempt goes to the trace as it ends. Budgets are checked before
each call; a budget stop is never "retried" on another candidate.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from agentnet.errors import (
    AgentnetError,
    BudgetExceededError,
    DeadlineExceededError,
    ModelCallError,
    OutputValidationError,
    RunError,
)
from agentnet.executor.budget import BudgetMeter, estimate_tokens
from agentnet.executor.prompts import StepContext
from agentnet.executor.steps import Runtime, StepSpec
from agentnet.nodes.base import ModelNode, Reply, to_chat_messages

Writer = Callable[[Any], None]

# How often a waiting step looks at the run's cancel flag (Ctrl-C) when no token arrives.
_CANCEL_POLL_S = 0.1


class RunCancelled(RunError):
    code = "interrupted"


def _attempt_record(node_id: str, status: str, exc: BaseException | None = None, reply: Reply | None = None,
                    latency_s: float = 0.0) -> dict[str, Any]:  # fmt: skip
    record: dict[str, Any] = {"node_id": node_id, "status": status, "latency_s": round(latency_s, 4)}
    if exc is not None:
        record["error_code"] = exc.code if isinstance(exc, AgentnetError) else type(exc).__name__
        record["error"] = exc.message if isinstance(exc, AgentnetError) else str(exc) or type(exc).__name__
    if reply is not None:
        record.update(
            prompt_tokens=reply.usage.prompt_tokens,
            completion_tokens=reply.usage.completion_tokens,
            cost=reply.cost,
            latency_s=round(reply.latency_s, 4),
        )
    return record


def run_step(
    spec: StepSpec, ctx: StepContext, runtime: Runtime, meter: BudgetMeter, run_id: str, write: Writer
) -> dict[str, Any]:
    """Run one step to a result dict, or raise (budget stop, cancel, or every candidate failed)."""
    store = runtime.store
    policy = runtime.policy
    capability = spec.capability or spec.candidates[0]

    def emit(event: str, **fields: Any) -> None:
        write({"source": "agentnet", "event": event, "run_id": run_id, "step": spec.id, **fields})

    meter.start_step(spec.id)
    earlier = store.step_started(run_id, spec.id, capability, spec.why) if store is not None else 0
    try:
        messages = to_chat_messages(spec.prompt(ctx))
        request = spec.request(ctx) if spec.request is not None else None
        prompt_estimate = estimate_tokens("".join(m["content"] for m in messages))
        attempts: list[dict[str, Any]] = []
        count = 0
        for index, card_id in enumerate(spec.candidates):
            if index > 0:
                reason = attempts[-1].get("error_code", "failed") if attempts else "failed"
                emit("fell_back", node=spec.candidates[index - 1], to_node=card_id, reason=reason)
            for retry in range(policy.retries + 1):
                count += 1
                started = time.perf_counter()
                node: ModelNode | None = None
                try:
                    node = runtime.resolver(card_id)
                    grant = meter.grant(spec.id, node.card, prompt_estimate, spec.max_tokens)
                    deadline = min(d for d in (spec.deadline_s, policy.deadline_s, grant.deadline_s,
                                               node.params.deadline_s) if d is not None)  # fmt: skip
                    emit("started", node=card_id, attempt=count)
                    reply = _call(
                        node, messages, spec.output_schema, grant.max_tokens, deadline, runtime, emit, card_id, request
                    )
                except (BudgetExceededError, RunCancelled):
                    raise
                except Exception as exc:  # noqa: BLE001 - a collaborator's failure is recorded, then the next one tries
                    elapsed = time.perf_counter() - started
                    if isinstance(exc, DeadlineExceededError) and meter.time_exhausted():
                        raise meter.time_error(spec.id) from None
                    status = "invalid_output" if isinstance(exc, OutputValidationError) else "failed"
                    record = _attempt_record(card_id, status, exc, latency_s=elapsed)
                    attempts.append(record)
                    if store is not None:
                        store.record_attempt(run_id, spec.id, record, earlier + len(attempts))
                    emit("failed", node=card_id, attempt=count, error=record["error"], code=record["error_code"])
                    transient = isinstance(exc, ModelCallError) or (
                        isinstance(exc, DeadlineExceededError) and policy.retry_on_deadline
                    )
                    if transient and retry < policy.retries:
                        time.sleep(policy.retry_backoff_s * (2**retry))
                        continue
                    break
                if spec.clean is not None and reply.data is None:
                    reply = reply.model_copy(update={"text": spec.clean(reply.text)})
                meter.add(reply.usage.prompt_tokens, reply.usage.completion_tokens, reply.cost)
                record = _attempt_record(card_id, "ok", reply=reply)
                attempts.append(record)
                result = {
                    "status": "succeeded",
                    "node_id": card_id,
                    "text": reply.text,
                    "data": reply.data,
                    "prompt_tokens": reply.usage.prompt_tokens,
                    "completion_tokens": reply.usage.completion_tokens,
                    "latency_s": reply.latency_s,
                    "cost": reply.cost,
                    "attempts": attempts,
                }
                if store is not None:
                    store.step_finished(run_id, spec.id, "succeeded", result, (record, earlier + len(attempts)))
                emit("finished", node=card_id, attempt=count, text=reply.text, tokens=reply.usage.total_tokens,
                     latency_s=reply.latency_s, cost=reply.cost)  # fmt: skip
                return result
        error = _all_failed(spec.id, attempts)
        emit("failed", error=error.message, code=error.code, final=True)
        if store is not None:
            store.step_finished(run_id, spec.id, "failed")
        raise error
    except BudgetExceededError:
        if store is not None:
            store.step_finished(run_id, spec.id, "budget_exceeded")
        raise
    except (RunCancelled, KeyboardInterrupt):
        if store is not None:
            store.step_finished(run_id, spec.id, "interrupted")
        raise
    except Exception:
        # Not a collaborator's failure (those are caught above) but e.g. a prompt builder's bug.
        if store is not None:
            store.step_finished(run_id, spec.id, "failed")
        raise


def _all_failed(step_id: str, attempts: list[dict[str, Any]]) -> RunError:
    lines = [f"  {i}. {a['node_id']} ({a.get('error_code')}): {a.get('error')}" for i, a in enumerate(attempts, 1)]
    return RunError(
        f"step {step_id!r} failed on every candidate ({len(attempts)} attempts):\n" + "\n".join(lines),
        hint="check those models are up (`agentnet models list`), give the step more alternates or a longer "
        "deadline, then resume the run with `agentnet run --resume RUN_ID`",
        code="step_failed",
    )


def _call(
    node: ModelNode,
    messages: list[Any],
    schema: dict[str, Any] | None,
    max_tokens: int | None,
    deadline_s: float,
    runtime: Runtime,
    emit: Callable[..., None],
    card_id: str,
    request: dict[str, Any] | None = None,
) -> Reply:
    """Call a node in a helper thread so the step can abandon it at once when the run is cancelled."""
    options: dict[str, Any] = {"deadline_s": deadline_s}
    if request is not None:
        options["tool_request"] = request
    if max_tokens is not None:
        options["max_tokens"] = max_tokens
    cancel = runtime.cancel
    pieces: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()

    def work() -> None:
        try:
            if schema is not None:
                pieces.put(("done", node.complete(messages, schema=schema, **options)))
                return
            stream = node.stream_text(messages, **options)
            iterator = iter(stream)
            try:
                for piece in iterator:
                    if cancel.is_set():
                        return
                    pieces.put(("token", piece))
            finally:
                close = getattr(iterator, "close", None)
                if close is not None:
                    close()
            pieces.put(("done", stream.reply))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the step's thread
            pieces.put(("error", exc))

    threading.Thread(target=work, name=f"agentnet-step-{card_id}", daemon=True).start()
    while True:
        try:
            kind, value = pieces.get(timeout=_CANCEL_POLL_S)
        except queue.Empty:
            if cancel.is_set():
                raise RunCancelled("the run was interrupted") from None
            continue
        if cancel.is_set():
            raise RunCancelled("the run was interrupted")
        if kind == "token":
            emit("token", node=card_id, text=value)
        elif kind == "done":
            return value
        else:
            raise value
