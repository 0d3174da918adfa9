"""A model call's text pieces under agentnet's deadline: the adapter's ``_generate_tokens`` runs in a
worker thread and hands its pieces over a queue, so the caller's wait itself is bounded.
``ModelNode.stream_text`` and ``complete`` make one per call (``agentnet.nodes.base`` re-exports it)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from agentnet import genai_spans
from agentnet.errors import AgentnetError, DeadlineExceededError
from agentnet.nodes.calls import (
    ABORT_POLL_S,
    CallAborted,
    CallOptions,
    CancelToken,
    Generation,
    Reply,
    Usage,
    partial_usage,
)

if TYPE_CHECKING:
    from agentnet.cards import CapabilityCard
    from agentnet.config import ModelParams

ChatMessage = dict[str, str]  # {'role': ..., 'content': ...}; base.py and the adapters use it


class StreamedNode(Protocol):
    """What a stream reads of its node: ``ModelNode`` (described, not imported: base imports this module)."""

    node_id: str
    card: CapabilityCard
    params: ModelParams
    gen_ai_operation: ClassVar[str]

    def span_attributes(self) -> dict[str, Any]: ...

    def _generate_tokens(
        self, messages: list[ChatMessage], options: CallOptions, cancel: CancelToken
    ) -> Iterator[str | Generation]: ...


# A model call's worker thread is named so: a chat waits for its own (cli/chat.py), never for the
# process's long-lived agentnet-* threads (the MCP hub's loop, PostgreSQL's pool), which in a daemon
# outlive every command.
CALL_THREAD_PREFIX = "agentnet-call-"


class TokenStream:
    """Iterates a node's text pieces under agentnet's deadline; ``reply`` is set when done.

    The adapter runs in a worker thread and hands pieces over a queue, so a silent server or a
    stuck engine cannot hold the caller past the deadline: the wait itself is bounded.
    """

    def __init__(self, node: StreamedNode, messages: list[ChatMessage], options: CallOptions) -> None:
        self.node = node
        self.messages = messages
        self.options = options
        self.reply: Reply | None = None
        # What the call spent when it stopped mid-reply (cancelled, past its deadline, left by its reader);
        # None once it finished (``reply.usage``) or when no token came.
        self.spent: Usage | None = None
        self._cancel = CancelToken()

    def __iter__(self) -> Iterator[str]:
        node = self.node
        call = genai_spans.ModelCall.start(node.node_id, node.gen_ai_operation, node.span_attributes, self.messages)
        if call is None:
            yield from self._pieces()
            return
        self.options.trace_call = call
        try:
            yield from self._pieces()
        except (GeneratorExit, KeyboardInterrupt, CallAborted):
            # Its caller stopped reading (a chat's Ctrl-C, a client gone, a run cancelled): no error.
            call.cancel()
            raise
        except BaseException as exc:
            call.end(None, exc)
            raise
        finally:
            # Whoever keeps the options (a scripted node records them) must not keep the call, its
            # step and their spans alive: long-lived spans push the collector into full collections.
            self.options.trace_call = None
        call.end(self.reply, None)

    def _pieces(self) -> Iterator[str]:
        text: list[str] = []
        try:
            yield from self._received(text)
        except (CallAborted, DeadlineExceededError) as exc:
            # The step that made the call records what it had produced (it showed 0 tokens).
            exc.spent = partial_usage(self.messages, len(text))
            raise
        finally:
            if self.reply is None:  # stopped mid-reply, also by its reader leaving (a cancelled step)
                self.spent = partial_usage(self.messages, len(text))

    def _received(self, text: list[str]) -> Iterator[str]:
        deadline_s = self.options.deadline_s or self.node.params.deadline_s
        pieces: queue.Queue[Any] = queue.Queue()
        started = time.perf_counter()
        deadline = started + deadline_s
        worker = threading.Thread(
            target=self._pump, args=(pieces,), name=f"{CALL_THREAD_PREFIX}{self.node.node_id}", daemon=True
        )
        worker.start()
        first_token_s: float | None = None
        abort = self.options.abort
        try:
            while True:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    raise queue.Empty
                if abort is not None and abort.is_set():
                    raise CallAborted(f"the call to {self.node.node_id!r} was abandoned")
                try:
                    # Short slices even with no abort event: an interrupt sent to this thread as an async
                    # exception (the daemon's Ctrl-C for a command it runs, daemon_cli.py) lands only when
                    # the thread runs Python again, and one left pending while it waits in C slows every
                    # thread (CPython 3.11 keeps their eval breakers set).
                    item = pieces.get(timeout=min(remaining, ABORT_POLL_S))
                except queue.Empty:
                    continue  # the loop looks at the deadline and the abort event again
                if isinstance(item, str):
                    if first_token_s is None:
                        first_token_s = time.perf_counter() - started
                    text.append(item)
                    yield item
                elif isinstance(item, Generation):
                    latency = time.perf_counter() - started
                    self.reply = Reply(
                        node_id=self.node.node_id,
                        text="".join(text),
                        usage=item.usage,
                        latency_s=latency,
                        first_token_s=first_token_s,
                        cost=self.node.card.estimate_cost(item.usage.prompt_tokens, item.usage.completion_tokens),
                        finish_reason=item.finish_reason,
                        data=item.data,
                        files=list(item.files),
                    )
                    return
                elif isinstance(item, BaseException):
                    raise item
        except queue.Empty:
            raise DeadlineExceededError(
                f"model {self.node.node_id!r} did not finish within agentnet's {deadline_s:g} s deadline",
                hint="raise params.deadline_s for this model, lower max_tokens, or check that the server answers",
            ) from None
        finally:
            self._cancel.cancel()

    def _pump(self, pieces: queue.Queue[Any]) -> None:
        try:
            finished = False
            for item in self.node._generate_tokens(self.messages, self.options, self._cancel):
                pieces.put(item)
                if isinstance(item, Generation):
                    finished = True
                    break
                if self._cancel.cancelled:
                    return
            if not finished and not self._cancel.cancelled:
                pieces.put(Generation(usage=Usage(), finish_reason="stop"))
        except AgentnetError as exc:
            pieces.put(exc)
        except Exception as exc:  # noqa: BLE001 - handed to the caller's thread, which re-raises it
            pieces.put(exc)
