"""``POST /v1/chat/completions``: validate, admit, call the node, answer as OpenAI does (JSON or SSE)."""

from __future__ import annotations

import asyncio
import inspect
import json
import secrets
import threading
import time
from collections.abc import AsyncIterator, Generator
from typing import Any, cast

from starlette.responses import Response
from starlette.types import Receive

from agentnet.errors import AgentnetError
from agentnet.federation.headers import OUTGOING_HEADERS
from agentnet.jsonschemas import schema_problem
from agentnet.nodes.base import ChatMessage, ModelNode, Reply, TokenStream
from agentnet.nodes.calls import CallAborted
from agentnet.server.backend import Backend
from agentnet.server.errors import HTTPProblem, json_response, problem_from_agentnet, problem_from_unexpected
from agentnet.server.guard import Federation
from agentnet.server.hangup import watch_disconnect
from agentnet.server.limits import UNLIMITED, ModelLimiter, RemoteLimiter, Ticket
from agentnet.server.schemas import (
    AssistantMessage,
    ChatCompletionRequest,
    ChatCompletionResponse,
    Choice,
    UsageOut,
)
from agentnet.server.settings import ServerSettings
from agentnet.server.shutdown import CallsInFlight, shutting_down
from agentnet.server.sse import Chunks, TicketedSSE, prepend

_ROLE_MAP = {"developer": "system", "tool": "user"}
_END = object()


def check_limits(request: ChatCompletionRequest, settings: ServerSettings) -> None:
    if len(request.messages) > settings.max_messages:
        raise HTTPProblem(
            400,
            f"{len(request.messages)} messages is more than this server accepts ({settings.max_messages})",
            code="too_many_messages",
            param="messages",
        )
    if request.n is not None and request.n > settings.max_n:
        raise HTTPProblem(
            400, f"n={request.n} is not supported (at most {settings.max_n})", code="invalid_n", param="n"
        )
    limit = request.token_limit()
    if limit is not None and limit > settings.max_tokens_limit:
        raise HTTPProblem(
            400,
            f"max_tokens={limit} is more than this server allows ({settings.max_tokens_limit})",
            code="max_tokens_too_large",
            param="max_tokens",
        )
    schema = request.json_schema()
    if schema is not None:
        problem = schema_problem(schema)
        if problem is not None:
            raise HTTPProblem(400, f"response_format: {problem}", code="invalid_schema", param="response_format")
    if request.tools:
        raise HTTPProblem(400, "tool calling is not supported by agentnet nodes", code="unsupported", param="tools")
    _check_stop(request.stop)


# The engine checks every stop sequence after every token: 50,000 of them made a 200-token answer take
# 22 s instead of 3 s while the model's slot was held. Four is OpenAI's own limit, so clients keep to it.
MAX_STOP = 4
MAX_STOP_CHARS = 500


def _check_stop(stop: str | list[str] | None) -> None:
    sequences = [stop] if isinstance(stop, str) else list(stop or [])
    if len(sequences) > MAX_STOP:
        raise HTTPProblem(
            400,
            f"stop has {len(sequences)} sequences; at most {MAX_STOP} are accepted",
            code="invalid_stop",
            param="stop",
        )
    longest = max(map(len, sequences), default=0)
    if longest > MAX_STOP_CHARS:
        message = f"a stop sequence is {longest} characters; at most {MAX_STOP_CHARS} are accepted"
        raise HTTPProblem(400, message, code="invalid_stop", param="stop")


def chat_messages(request: ChatCompletionRequest) -> list[ChatMessage]:
    return [{"role": _ROLE_MAP.get(m.role, m.role), "content": m.text()} for m in request.messages]


def call_options(request: ChatCompletionRequest, node: ModelNode, federation: Federation) -> dict[str, Any]:
    options: dict[str, Any] = {"deadline_s": max(0.05, min(node.params.deadline_s, federation.remaining()))}
    if request.token_limit() is not None:
        options["max_tokens"] = request.token_limit()
    if request.temperature is not None:
        options["temperature"] = request.temperature
    if request.stop:
        options["stop"] = [request.stop] if isinstance(request.stop, str) else list(request.stop)
    schema = request.json_schema()
    if schema is not None:
        options["schema"] = schema
    return options


def _usage(reply: Reply | None) -> UsageOut:
    if reply is None:
        return UsageOut()
    return UsageOut(
        prompt_tokens=reply.usage.prompt_tokens,
        completion_tokens=reply.usage.completion_tokens,
        total_tokens=reply.usage.total_tokens,
    )


def _trace(reply: Reply, federation: Federation) -> dict[str, Any]:
    return {"node_id": reply.node_id, "hops": federation.hops, "latency_s": round(reply.latency_s, 4)}


class ChatService:
    def __init__(self, backend: Backend, settings: ServerSettings, limiter: ModelLimiter, calls: CallsInFlight) -> None:
        self.calls = calls
        self.backend = backend
        self.settings = settings
        self.limiter = limiter
        self.remote = RemoteLimiter(settings.max_concurrent_remote) if settings.max_concurrent_remote else None

    def admit(self, node: ModelNode) -> Ticket:
        """A ticket for one call: local models by their own limiter, remote ones by the shared remote cap."""
        if self.backend.is_local(node):
            return self.limiter.reserve(node.node_id, node.admission_key)
        return self.remote.reserve(node.node_id) if self.remote is not None else UNLIMITED

    async def handle(self, request: ChatCompletionRequest, federation: Federation, receive: Receive) -> Response:
        """``receive``: the request's ASGI channel; a client waiting for a whole answer that leaves stops the call."""
        found = self.backend.extra.get(request.model)
        node = found if found is not None else await asyncio.to_thread(self.backend.node, request.model)
        ticket = self.admit(node)
        token = OUTGOING_HEADERS.set(federation.outgoing_headers(self.settings.instance_id))
        try:
            messages = chat_messages(request)
            options = call_options(request, node, federation)
            if request.stream:
                include_usage = bool(request.stream_options and request.stream_options.include_usage)
                headers = federation.outgoing_headers(self.settings.instance_id)
                body = self._stream(node, request.model, messages, options, ticket, include_usage, headers)
                # Wait for the first piece before answering: a failure before any token (model missing,
                # peer down, loop, deadline) still gets its real HTTP status instead of a 200 stream.
                first = await anext(body)
                return TicketedSSE(prepend(first, body), ticket, self.settings.stream_send_timeout_s)
            # The client of a whole answer that leaves stops the call, as a streamed one does (``abort``).
            abort = threading.Event()
            try:
                with self.calls.held(abort):
                    async with watch_disconnect(receive, abort.set), ticket.running():
                        if abort.is_set():  # the client left, or the server stops, while the call waited its turn
                            raise CallAborted
                        reply = await node.acomplete(messages, **options, abort=abort)
            except CallAborted:
                raise self._aborted() from None
            finally:
                ticket.release()
        except BaseException:
            ticket.release()
            raise
        finally:
            OUTGOING_HEADERS.reset(token)
        return json_response(self.completion(request.model, reply, federation))

    def completion(self, model: str, reply: Reply, federation: Federation) -> dict[str, Any]:
        return ChatCompletionResponse(
            id=f"chatcmpl-{secrets.token_hex(12)}",
            created=int(time.time()),
            model=model,
            choices=[Choice(message=AssistantMessage(content=reply.text), finish_reason=reply.finish_reason or "stop")],
            usage=_usage(reply),
            agentnet=_trace(reply, federation),
        ).model_dump()

    async def _stream(
        self,
        node: ModelNode,
        model: str,
        messages: list[ChatMessage],
        options: dict[str, Any],
        ticket: Ticket,
        include_usage: bool,
        outgoing: dict[str, str],
    ) -> AsyncIterator[str]:
        chunks = Chunks(model)
        stream: TokenStream | None = None
        pieces: _Pieces | None = None
        started = False  # once a chunk is out, errors become error events (the status line is sent)
        # Set when the stream ends early (the client went away): the model stops generating, instead of
        # going on to max_tokens with its ticket already released (the limiter would admit others to a
        # model still busy, and a client could keep it so by hanging up again and again).
        abort = threading.Event()
        # Set here, not by the route: the stream runs after the route returned, in the response's task.
        OUTGOING_HEADERS.set(outgoing)
        try:
            with self.calls.held(abort):
                async with ticket.running():
                    stream = node.stream_text(messages, **options, abort=abort)
                    pieces = _Pieces(stream, abort)
                    # The role rides on the first piece: an empty first chunk trips some clients' checks.
                    delta: dict[str, Any] = {"role": "assistant"}
                    while True:
                        piece = await asyncio.to_thread(pieces.next)
                        if piece is _END:
                            break
                        if piece:
                            started = True
                            yield chunks.text({**delta, "content": piece})
                            delta = {}
                    self._said_if_stopped(abort)
            reply = stream.reply if stream is not None else None
            started = True
            last = chunks.chunk(delta, finish=(reply.finish_reason if reply else None) or "stop")
            if include_usage:
                # On the finishing chunk rather than a separate one with empty choices: litellm's
                # stream handler trips a pydantic deprecation on the latter; OpenAI clients read both.
                last["usage"] = _usage(reply).model_dump()
            yield json.dumps(last)
        except Exception as exc:  # once a chunk is out the status line is gone: the client gets an error event
            if not started:
                if isinstance(exc, CallAborted):
                    raise self._aborted() from None
                raise
            yield json.dumps(self._problem(exc).body())
        finally:
            abort.set()
            if pieces is not None:
                pieces.close()
            ticket.release()
        yield "[DONE]"

    def _problem(self, exc: Exception) -> HTTPProblem:
        """The error event of a stream that failed after its first chunk."""
        if isinstance(exc, CallAborted):  # stopped between two pieces: the server stops, or the client left
            return self._aborted()
        if isinstance(exc, HTTPProblem):
            return exc
        return problem_from_agentnet(exc) if isinstance(exc, AgentnetError) else problem_from_unexpected(exc)

    def _aborted(self) -> HTTPProblem:
        """What a call stopped by its ``abort`` is told: the server stops, or its client left."""
        if self.calls.stopping:
            return shutting_down()
        return HTTPProblem(499, "the client hung up", code="client_disconnected")

    def _said_if_stopped(self, abort: threading.Event) -> None:
        """A stream that ended because the server stops (also one admitted while it began to, which
        ends at its first piece) ends with that error, not as if its reply were complete."""
        if abort.is_set() and self.calls.stopping:
            raise shutting_down()


class _Pieces:
    """A call's text pieces, read one at a time in worker threads, and ended when the stream ends early:
    closing the call's iterator tells its engine to stop. A read still in flight then (the client left
    while a worker waited for the next token) cannot be closed from here; it ends on ``abort``: the
    wait sees it within ABORT_POLL_S, and a piece that arrives meanwhile closes the iterator after it."""

    def __init__(self, stream: TokenStream, abort: threading.Event) -> None:
        # TokenStream.__iter__ is a generator function: its ``close`` runs the call's ending.
        self._pieces = cast(Generator[str, None, None], iter(stream))
        self._abort = abort
        self._closing = threading.Lock()

    def next(self) -> object:
        piece = next(self._pieces, _END)
        if self._abort.is_set():
            self.close()
            return _END
        return piece

    def close(self) -> None:
        with self._closing:
            if inspect.getgeneratorstate(self._pieces) == inspect.GEN_SUSPENDED:
                self._pieces.close()
