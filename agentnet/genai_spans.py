"""A run's steps and model calls as OpenTelemetry spans (GenAI conventions), and the listeners a
server's metrics hang on (called after every model call, traced or not).

Through ``telemetry``'s helpers: this module imports no OpenTelemetry itself, and builds nothing
while tracing is off and nobody listens.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from agentnet.telemetry import OFF, content, end_span, headers_for, otel, present, tracer

_lock = threading.Lock()
# Called after every model call with (node_id, operation, reply or None, error or None): server metrics.
ModelCallListener = Callable[[str, str, Any, BaseException | None], None]
_listeners: list[ModelCallListener] = []


def add_model_call_listener(listener: ModelCallListener) -> None:
    with _lock:
        _listeners.append(listener)


def remove_model_call_listener(listener: ModelCallListener) -> None:
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)


def step(step_id: str, agent: str, run_id: str) -> Any:
    """A context manager: the ``invoke_agent`` span of one run step; the block gets its ``Step``
    (None when tracing is off, and nothing is built then)."""
    found = tracer()
    if found is None:
        return OFF
    attributes = {"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": agent,
                  "agentnet.run.id": run_id, "agentnet.step.id": step_id}  # fmt: skip
    return Step(found, f"invoke_agent {step_id}", attributes)


# The step running in this context, for the model calls it makes (set by ``Step``; never set untraced).
_step: ContextVar[Step | None] = ContextVar("agentnet_step", default=None)
# The traced run this context belongs to, whose finished steps' spans are made together (``batched``).
_batch: ContextVar[Batch | None] = ContextVar("agentnet_span_batch", default=None)
BATCH_STEPS = 64
BATCH_AGE_NS = 200_000_000


@contextmanager
def batched() -> Iterator[None]:
    """Around a traced run: its steps' spans are made in batches, the last at the block's end."""
    batch = Batch()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
        batch.flush()


class Batch:
    """A run's finished steps whose spans are not made yet.

    The SDK's work for a span is most of what tracing costs, and made between two steps' worth of
    LangGraph and database code it runs cold (about twice its cost in a loop: its code and data out
    of the CPU's caches). So a step that ended as usual hands its span over, made with its own
    times, in a batch: at the run's end, every ``BATCH_STEPS`` steps, or at the first step that ends
    ``BATCH_AGE_NS`` after the oldest waiting (slow steps flush at once; a span waits at most for
    its run's next step to end, or the run). A span a call needs as its parent is made at once."""

    __slots__ = ("lock", "steps")

    def __init__(self) -> None:
        self.lock = threading.Lock()  # parallel steps end in their own threads
        self.steps: list[Step] = []

    def add(self, step: Step) -> None:
        with self.lock:
            self.steps.append(step)
            due = len(self.steps) >= BATCH_STEPS or step.ended - self.steps[0].ended >= BATCH_AGE_NS
        if due:
            self.flush()

    def flush(self) -> None:
        with self.lock:
            steps, self.steps = self.steps, []
        for waiting in steps:
            waiting.opened()


class Step:
    """A step's span, and its one model call folded into it.

    A step is usually exactly one model call. That call gets no span of its own: its ``gen_ai.*``
    attributes go on the step's ``invoke_agent`` span (the GenAI conventions list them for agent
    spans), which halves a traced run's spans: the SDK's work per span is most of what tracing
    costs. A call has its own ``chat`` span when its step makes more than one (each call then has
    one, a held one made afterwards with its own times), when it fails, when it is a tool call, or
    when it reaches a server, which is sent that span as its parent (``ModelCall.headers``).

    The step's span is made after its end (in its run's ``Batch``), with its own times and all its
    attributes at once (one attribute check by the SDK, not two), unless a call needs it as a
    parent sooner (``opened``).
    Never made current: calls find the step through ``_step`` and name its span as their parent
    (nothing else in a step's thread starts spans; the adapters' worker threads have no context)."""

    __slots__ = ("_lock", "attributes", "batch", "calls", "ended", "ending", "held", "name", "parent", "span",
                 "started", "token", "tracer")  # fmt: skip

    def __init__(self, found: Any, name: str, attributes: dict[str, Any]) -> None:
        self.tracer = found
        self.name = name
        self.attributes = attributes
        self.parent = otel().context.get_current()  # the run's span; calls may open this span elsewhere
        self.started = time.time_ns()
        self.ended = 0  # set when it ended and its span waits in a batch
        self.batch = _batch.get()
        self.span: Any = None
        self.ending: dict[str, Any] = {}  # attributes the step's end adds (its node)
        self.calls = 0
        self.held: ModelCall | None = None
        self.token: Any = None
        self._lock = threading.Lock()  # a call's worker thread and the step's may both open the span

    def __enter__(self) -> Step:
        self.token = _step.set(self)
        return self

    def __exit__(self, kind: Any, error: BaseException | None, traceback: Any) -> None:
        _step.reset(self.token)
        if self.held is not None:
            self.ending.update(self.held.settle(alone=self.calls == 1))
            self.held = None  # no cycle with the call (which keeps its step): refcounting frees both
        batch = self.batch if error is None else None
        with self._lock:
            if self.span is None:  # the usual: all its attributes (none None) checked once, when made
                self.attributes.update(self.ending)
                self.ending = {}
                if batch is not None:
                    self.ended = time.time_ns()
        if self.ended and batch is not None:
            batch.add(self)
            return
        end_span(self.opened(), error, self.ending)

    def opened(self) -> Any:
        """The step's span, started now (with the step's start time) if it was not yet; and ended
        (with its end time) if the step has ended and its span waits in a batch."""
        if self.span is None:
            with self._lock:
                if self.span is None:
                    self.span = self.tracer.start_span(
                        self.name, context=self.parent, attributes=self.attributes, start_time=self.started
                    )
                    if self.ended:
                        self.span.end(self.ended)
        return self.span

    def hold(self, call: ModelCall) -> bool:
        """Count ``call``; whether it is held (the step's first call, a model's: its span made only
        if it turns out to need one)."""
        self.calls += 1
        if self.calls == 1 and call.operation == "chat":
            self.held = call
            return True
        return False

    def child(self, name: str, attributes: Mapping[str, Any], start_time: int | None = None) -> Any:
        parent = otel().trace.set_span_in_context(self.opened())
        return self.tracer.start_span(
            name, context=parent, kind=otel().kinds["client"], attributes=attributes, start_time=start_time
        )


CALL_STATUS = "agentnet.call.status"


class CallCancelled(Exception):
    """A model call its caller stopped, as the model call listeners are told of it."""

    code = "cancelled"  # as a run cancelled on request says


class ModelCall:
    """One model or tool call as a client span and for the metrics listeners (``start`` gives None
    when nobody observes, so an unobserved call costs one check). In a step, the step's first model
    call is held: it gets a span only if it needs one (``Step``), else it is folded into the step's."""

    __slots__ = ("_headers", "_lock", "attributes", "ended", "node_id", "operation", "outcome", "span", "started",
                 "step")  # fmt: skip

    def __init__(self, node_id: str, operation: str, attributes: dict[str, Any]) -> None:
        self.node_id = node_id
        self.operation = operation
        self.attributes = attributes
        self.span: Any = None
        self.step: Step | None = None  # the step holding this call while it has no span
        self.started = time.time_ns()
        self.ended = 0
        self.outcome: dict[str, Any] = {}
        self._headers: dict[str, str] | None = None
        # headers() comes from the adapter's worker thread, end() from the caller's: either may
        # make the held call's span, never both.
        self._lock = threading.Lock()

    @classmethod
    def start(
        cls, node_id: str, operation: str, attributes: Callable[[], Mapping[str, Any]], messages: Any
    ) -> ModelCall | None:
        """``attributes`` (the node's ``span_attributes``) is called only when tracing is on."""
        found = tracer()
        if found is None:
            return cls(node_id, operation, {}) if _listeners else None
        named = present(attributes())  # without None, and without the operation: a held call may fold
        named["agentnet.node.id"] = node_id
        inputs = content(messages)
        if inputs is not None:
            named["gen_ai.input.messages"] = inputs
        call = cls(node_id, operation, named)
        step = _step.get()
        if step is None:
            call.span = found.start_span(call.name, kind=otel().kinds["client"], attributes=call.spanned)
        elif step.hold(call):
            call.step = step
        else:
            call.span = step.child(call.name, call.spanned)
        return call

    @property
    def spanned(self) -> dict[str, Any]:
        """The attributes of the call's own span."""
        return {"gen_ai.operation.name": self.operation, **self.attributes}

    @property
    def name(self) -> str:
        return f"{self.operation} {self.attributes.get('gen_ai.request.model', self.node_id)}"

    def headers(self) -> dict[str, str]:
        """``traceparent`` naming this call, for the request it makes to a remote server; made when
        first asked, since only adapters that reach a server ask (a local model's call skips it).
        A held call gets its span now: the server's spans hang under it."""
        with self._lock:
            if self._headers is None:
                if self.span is None and self.step is not None and not self.ended:
                    self._own()
                self._headers = headers_for(self.span if self.span is not None else self.step and self.step.opened())
            return self._headers

    def end(self, reply: Any, error: BaseException | None) -> None:
        if reply is not None and self.attributes:
            outcome = {
                "gen_ai.usage.input_tokens": reply.usage.prompt_tokens,
                "gen_ai.usage.output_tokens": reply.usage.completion_tokens,
            }
            if reply.finish_reason:
                outcome["gen_ai.response.finish_reasons"] = [reply.finish_reason]
            text = content(reply.text)
            if text is not None:
                outcome["gen_ai.output.messages"] = text
            self.outcome = outcome
        with self._lock:
            self.ended = time.time_ns()
            if self.span is None and self.step is not None and error is not None:
                self._own()
            end_span(self.span, error, self.outcome, self.ended)
        for listener in list(_listeners):
            listener(self.node_id, self.operation, reply, error)

    def cancel(self) -> None:
        """The call's caller stopped it (Ctrl-C in a chat, a client that hung up mid-stream, a run
        cancelled): not a failure, so no error status and no exception event (it ended as a
        ``GeneratorExit`` error), but ``agentnet.call.status`` "cancelled"; listeners get a
        ``CallCancelled`` (metrics count it as "cancelled")."""
        self.outcome = {CALL_STATUS: "cancelled"} if self.attributes else {}
        with self._lock:
            self.ended = time.time_ns()
            end_span(self.span, None, self.outcome, self.ended)
        for listener in list(_listeners):
            listener(self.node_id, self.operation, None, CallCancelled(f"the call to {self.node_id!r} was cancelled"))

    def settle(self, alone: bool) -> dict[str, Any]:
        """At its step's end: the attributes to fold into the step's span when this call was the
        step's only one and has no span; else its span is made (and ended, if the call has)."""
        with self._lock:
            if self.span is None and alone and self.ended:
                return {**self.attributes, **self.outcome}  # the step's span stays invoke_agent
            if self.span is None and self._own() is not None and self.ended:
                end_span(self.span, None, self.outcome, self.ended)
            return {}

    def _own(self) -> Any:
        """The held call's own span, made now with the call's start time (under this call's lock)."""
        self.span = self.step.child(self.name, self.spanned, self.started) if self.step else None
        return self.span
