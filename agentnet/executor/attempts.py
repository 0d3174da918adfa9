"""One step, carried out: candidates in order, retries, fallback, schema cascade, all recorded.

A candidate is retried as the step's ``RetryPolicy`` says (by default: a retryable
``ModelCallError``, ``StepPolicy.retries`` times); after a deadline, an
output that fails the step's schema, or any other failure, the step moves to the next candidate
(``fell_back`` event). Every attempt goes to the trace as it ends. Budgets are checked before
each call; a budget stop is never "retried" on another candidate.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from agentnet import genai_spans
from agentnet.cards import CapabilityCard
from agentnet.errors import (
    AgentnetError,
    BudgetExceededError,
    DeadlineExceededError,
    OutputValidationError,
    RunError,
    UserError,
)
from agentnet.executor.budget import BudgetMeter, estimate_tokens
from agentnet.executor.prompts import StepContext
from agentnet.executor.run_files import RunFiles
from agentnet.executor.step_errors import all_failed, not_readable, nothing_to_work_on
from agentnet.executor.steps import Runtime, StepSpec
from agentnet.nodes.arguments import REQUEST_OPTION
from agentnet.nodes.base import ChatMessage, ModelNode, Reply, to_chat_messages
from agentnet.nodes.calls import CallAborted, Usage
from agentnet.redact import redact_text

Writer = Callable[[Any], None]


class RunCancelled(RunError):
    code = "interrupted"
    # What the call stopped mid-reply had spent (``Usage``; None: nothing counted): its step's record shows it.
    spent: Usage | None = None


def _cancelled(spent: Usage | None) -> RunCancelled:
    error = RunCancelled("the run was interrupted")
    error.spent = spent
    return error


def _attempt_record(node_id: str, status: str, exc: BaseException | None = None, reply: Reply | None = None,
                    latency_s: float = 0.0, card: CapabilityCard | None = None) -> dict[str, Any]:  # fmt: skip
    record: dict[str, Any] = {"node_id": node_id, "status": status, "latency_s": round(latency_s, 4)}
    if exc is not None:
        record["error_code"] = exc.code if isinstance(exc, AgentnetError) else type(exc).__name__
        record["error"] = exc.message if isinstance(exc, AgentnetError) else redact_text(str(exc)) or type(exc).__name__
        spent = getattr(exc, "spent", None)
        if isinstance(spent, Usage):  # stopped mid-reply: the tokens it produced are counted, not 0
            cost = card.estimate_cost(spent.prompt_tokens, spent.completion_tokens) if card is not None else 0.0
            record.update(prompt_tokens=spent.prompt_tokens, completion_tokens=spent.completion_tokens, cost=cost)
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
    return _StepRun(spec, runtime, meter, run_id, write).run(ctx)


class _StepRun:
    """One run of one step: its events, its attempt records, and its candidates tried in order."""

    def __init__(self, spec: StepSpec, runtime: Runtime, meter: BudgetMeter, run_id: str, write: Writer) -> None:
        self.spec = spec
        self.runtime = runtime
        self.meter = meter
        self.run_id = run_id
        self.write = write
        self.attempts: list[dict[str, Any]] = []
        self.count = 0  # calls made, retries included (the ``attempt`` number in events)
        self.earlier = 0  # attempts this step recorded in earlier runs (a resumed or looping run)
        self.started = 0.0  # when the current attempt began
        self.messages: list[ChatMessage] = []
        self.request: dict[str, Any] | None = None  # the step as data, for tools (MCP)
        self.empty: list[str] = []  # the empty inputs handed over, when the step reads nothing else
        self.described: list[dict[str, Any]] = []  # files the prompt shows only by description
        self.prompt_estimate = 0
        self.conclusive: UserError | None = None  # a candidate's "this has no answer": no fallback
        self.refused: list[UserError] = []  # attempts that failed on the request itself, not on a model
        self.calling: CapabilityCard | None = None  # the card of the node the current attempt calls
        self.stopped_call: dict[str, Any] | None = None  # the attempt record of a call max_seconds stopped

    def emit(self, event: str, **fields: Any) -> None:
        self.write({"source": "agentnet", "event": event, "run_id": self.run_id, "step": self.spec.id, **fields})

    def run(self, ctx: StepContext) -> dict[str, Any]:
        spec = self.spec
        with genai_spans.step(spec.id, spec.capability or spec.id, self.run_id) as traced:
            result = self._run(ctx)
            if traced is not None:
                traced.ending["agentnet.node.id"] = result["node_id"]
            return result

    def _run(self, ctx: StepContext) -> dict[str, Any]:
        store, spec = self.runtime.store, self.spec
        self.meter.start_step(spec.id)
        unbuilt: Exception | None = None
        try:
            self.messages = to_chat_messages(spec.prompt(ctx))
            self.request = spec.request(ctx) if spec.request is not None else None
            self.empty = spec.empty(ctx) if spec.empty is not None else []
            self.described = spec.described(ctx) if spec.described is not None else []
            self.prompt_estimate = estimate_tokens("".join(m["content"] for m in self.messages))
        except Exception as exc:  # noqa: BLE001 - recorded as the step's failure below
            unbuilt = exc
        if store is not None:
            # The prompt goes with the step's start (one write per step start, as before).
            prompt = None if unbuilt is not None else [dict(m) for m in self.messages]
            self.earlier = store.step_started(
                self.run_id, spec.id, spec.capability or spec.candidates[0], spec.why, prompt
            )
        try:
            if unbuilt is not None:
                raise unbuilt
            return self._try_candidates()
        except BudgetExceededError:
            self._finished("budget_exceeded", self.stopped_call)
            raise
        except RunCancelled as exc:
            self._interrupted(exc)
            raise
        except KeyboardInterrupt:
            self._finished("interrupted")
            raise
        except Exception:
            # Every candidate failed, or not a collaborator's failure (e.g. a prompt builder's bug).
            self._finished("failed")
            raise

    def _finished(self, status: str, attempt: dict[str, Any] | None = None) -> None:
        if self.runtime.store is not None:
            last = (attempt, self.earlier + len(self.attempts)) if attempt is not None else None
            self.runtime.store.step_finished(self.run_id, self.spec.id, status, attempt=last)

    def _interrupted(self, exc: RunCancelled) -> None:
        """The step stopped by a cancel; a call stopped mid-reply is its last attempt, with the tokens it
        produced (the step showed 0 tokens), and they count against the run's budgets."""
        record = None
        if exc.spent is not None and self.calling is not None:
            record = self._spent(self.calling, exc, "interrupted")
        self._finished("interrupted", record)

    def _spent(self, card: CapabilityCard, exc: BaseException, status: str) -> dict[str, Any]:
        record = _attempt_record(card.id, status, exc, latency_s=time.perf_counter() - self.started, card=card)
        self.meter.add(record.get("prompt_tokens", 0), record.get("completion_tokens", 0), record.get("cost", 0.0))
        self.attempts.append(record)
        return record

    def _try_candidates(self) -> dict[str, Any]:
        for index, card_id in enumerate(self.spec.candidates):
            if index > 0:
                reason = self.attempts[-1].get("error_code", "failed") if self.attempts else "failed"
                self.emit("fell_back", node=self.spec.candidates[index - 1], to_node=card_id, reason=reason)
            result = self._try_candidate(card_id)
            if result is not None:
                return result
            if self.conclusive is not None:
                break
        error = all_failed(
            self.spec,
            self.attempts,
            self.runtime.resume_hint(self.run_id),
            self.conclusive,
            self.refused,
            self.runtime.node_name,
        )
        self.emit("failed", error=error.message, code=error.code, final=True)
        raise error

    def _try_candidate(self, card_id: str) -> dict[str, Any] | None:
        """The candidate's result, or None once it failed (retried as the step's retry policy says)."""

        def failed(exc: Exception, attempt: int) -> None:
            self._failed(card_id, exc)

        try:
            reply = self.runtime.policy.retry_policy().call(lambda: self._attempt(card_id), on_failure=failed)
        except (BudgetExceededError, RunCancelled):
            raise
        except Exception as exc:  # noqa: BLE001 - recorded by _failed; the next candidate tries
            if isinstance(exc, UserError) and exc.conclusive:
                self.conclusive = exc
            return None
        return self._succeeded(card_id, reply)

    def _attempt(self, card_id: str) -> Reply:
        spec, runtime = self.spec, self.runtime
        self.count += 1
        self.started = time.perf_counter()
        node = runtime.resolver(card_id)
        self.calling = node.card
        if self.empty and node.card.provider != "tool":
            raise nothing_to_work_on(self.empty, runtime.node_name(card_id))
        if self.described and node.card.provider != "tool":
            raise not_readable(self.described, runtime.node_name(card_id))
        grant = self.meter.grant(spec.id, node.card, self._prompt_estimate(node), spec.max_tokens)
        deadline = min(d for d in (spec.deadline_s, runtime.policy.deadline_s, grant.deadline_s,
                                   node.params.deadline_s) if d is not None)  # fmt: skip
        self.emit("started", node=card_id, attempt=self.count)

        def on_token(text: str) -> None:
            self.emit("token", node=card_id, text=text)

        options: dict[str, Any] = {"deadline_s": deadline}
        if self.request is not None:
            options[REQUEST_OPTION] = self.request
        if grant.max_tokens is not None:
            options["max_tokens"] = grant.max_tokens
        return _call(node, self.messages, spec.output_schema, options, runtime.cancel_flag(self.run_id), on_token)

    def _prompt_estimate(self, node: ModelNode) -> int:
        """The prompt the node sends: the step's messages, and the node's own system prompt unless the
        step has one (the grant left room for a reply the system prompt then pushed past the budget)."""
        system = getattr(node.params, "system_prompt", None)
        if system and not any(m["role"] == "system" for m in self.messages):
            return self.prompt_estimate + estimate_tokens(system)
        return self.prompt_estimate

    def _failed(self, card_id: str, exc: Exception) -> None:
        """Record a failed attempt; a budget stop or a cancel ends the step instead."""
        if isinstance(exc, BudgetExceededError | RunCancelled):
            raise exc
        if isinstance(exc, DeadlineExceededError) and self.meter.time_exhausted():
            raise self._out_of_time(card_id, exc) from None
        if isinstance(exc, UserError):
            self.refused.append(exc)
        status = "invalid_output" if isinstance(exc, OutputValidationError) else "failed"
        card = self.calling if self.calling is not None and self.calling.id == card_id else None
        if card is not None:
            record = self._spent(card, exc, status)
        else:
            record = _attempt_record(card_id, status, exc, latency_s=time.perf_counter() - self.started)
            self.attempts.append(record)
        if self.runtime.store is not None:
            self.runtime.store.record_attempt(self.run_id, self.spec.id, record, self.earlier + len(self.attempts))
        self.emit("failed", node=card_id, attempt=self.count, error=record["error"], code=record["error_code"])

    def _out_of_time(self, card_id: str, late: DeadlineExceededError) -> BudgetExceededError:
        """The run's ``max_seconds`` stopped the call: its tokens go to the step's last attempt and
        the budget (they were lost with the call, as if nothing had been spent)."""
        error = self.meter.time_error(self.spec.id)
        if self.calling is not None and self.calling.id == card_id:
            error.spent = late.spent  # type: ignore[attr-defined]  # read by _attempt_record
            self.stopped_call = self._spent(self.calling, error, "budget_exceeded")
        return error

    def _succeeded(self, card_id: str, reply: Reply) -> dict[str, Any]:
        if self.spec.clean is not None and reply.data is None:
            reply = reply.model_copy(update={"text": self.spec.clean(reply.text)})
        if _has_nul(reply.text) or _has_nul(reply.data):
            reply = reply.model_copy(update={"text": _no_nul(reply.text), "data": _no_nul(reply.data)})
        self.meter.add(reply.usage.prompt_tokens, reply.usage.completion_tokens, reply.cost)
        record = _attempt_record(card_id, "ok", reply=reply)
        self.attempts.append(record)
        # Files go to the run folder now; the result (checkpointed, traced) keeps their references.
        files = []
        if reply.files:  # the run folder only when there is a file (finding it costs ~0.1 ms a step)
            folder = RunFiles(self.run_id, self.runtime.max_artifact_bytes)
            files = [folder.put_bytes(f.data, f.name, f.media_type) for f in reply.files]
        result = {
            "status": "succeeded",
            "node_id": card_id,
            "text": reply.text,
            "data": reply.data,
            "files": files,
            "prompt_tokens": reply.usage.prompt_tokens,
            "completion_tokens": reply.usage.completion_tokens,
            "latency_s": reply.latency_s,
            "cost": reply.cost,
            "attempts": self.attempts,
        }
        if self.runtime.store is not None:
            last = (record, self.earlier + len(self.attempts))
            self.runtime.store.step_finished(self.run_id, self.spec.id, "succeeded", result, last)
        self.emit("finished", node=card_id, attempt=self.count, text=reply.text, tokens=reply.usage.total_tokens,
                  latency_s=reply.latency_s, cost=reply.cost)  # fmt: skip
        return result


# What a NUL character (no text; a tool reading a binary file, an MCP server's answer) becomes in a
# step's result: PostgreSQL can store neither it in text nor its escape in the checkpoint's JSON, and
# the run failed as if the run database were unreadable. Every run database gets the same result.
_NUL_AS = "\ufffd"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    return False


def _no_nul(value: Any) -> Any:
    """``value`` with every NUL in its strings (also inside lists and dicts) replaced by U+FFFD."""
    if isinstance(value, str):
        return value.replace("\x00", _NUL_AS)
    if isinstance(value, list):
        return [_no_nul(item) for item in value]
    if isinstance(value, dict):
        return {_no_nul(key): _no_nul(item) for key, item in value.items()}
    return value


def _call(
    node: ModelNode,
    messages: list[ChatMessage],
    schema: dict[str, Any] | None,
    options: dict[str, Any],
    cancel: threading.Event,
    on_token: Callable[[str], None],
) -> Reply:
    """Call a node in the step's own thread; a cancelled run stops waiting for it at once.

    The node's stream already waits on its adapter's worker thread with a bounded wait, and looks
    at the run's cancel flag (``abort``) while it waits, so no helper thread of our own is needed:
    one thread start and one hand-over per token fewer. The call sees the step's context variables
    (a server's federation headers reach peers, the call's span is the step's child)."""
    spent: Usage | None = None
    try:
        if schema is not None:
            reply = node.complete(messages, schema=schema, abort=cancel, **options)
        else:
            stream = node.stream_text(messages, abort=cancel, **options)
            pieces = iter(stream)
            try:
                for piece in pieces:
                    if cancel.is_set():
                        break
                    on_token(piece)
            finally:
                pieces.close()  # type: ignore[attr-defined]  # a generator: tells the adapter to stop
            reply, spent = stream.reply, stream.spent  # type: ignore[assignment]
    except CallAborted as exc:
        raise _cancelled(exc.spent) from None
    if cancel.is_set() or reply is None:
        raise _cancelled(reply.usage if reply is not None else spent)
    return reply
