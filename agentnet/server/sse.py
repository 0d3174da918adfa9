"""Server-sent events for streamed chat completions: chunk bodies, and a response that frees its ticket.

Both streamed paths (one model, and the ``agentnet`` network model) build their chunks and their
response here, so a client sees one shape whichever path answered.
"""

from __future__ import annotations

import contextvars
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from agentnet.server.limits import Ticket

log = logging.getLogger("agentnet.server")
# Set in the task of a request whose stream was ended on purpose (its reader read nothing): what
# uvicorn says next, that the app returned without completing the response, is then no error.
_ENDED = contextvars.ContextVar("agentnet_stream_ended", default=False)
_UNFINISHED = "ASGI callable returned without completing response"
# How long a stream may go on once the server is told to stop: a little less than uvicorn's graceful
# wait (5 s, runner.py), so one still going then is ended by sse-starlette, quietly, not cancelled by
# uvicorn (an ERROR and a traceback in the log).
SHUTDOWN_GRACE_S = 4.0


class _EndedOnPurpose(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (_ENDED.get() and record.getMessage().startswith(_UNFINISHED))


def quiet_ended_streams() -> None:
    """Drop uvicorn's ERROR for a stream ``TicketedSSE`` ended after its send timeout: the warning it
    logged says what happened; the ERROR read as a crash. uvicorn closes the connection either way."""
    errors = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _EndedOnPurpose) for f in errors.filters):
        errors.addFilter(_EndedOnPurpose())


class Chunks:
    """The ``chat.completion.chunk`` bodies of one streamed completion (one id, one timestamp)."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.id = f"chatcmpl-{secrets.token_hex(12)}"
        self.created = int(time.time())

    def chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        base = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model}
        return {**base, "choices": [choice], **extra}

    def text(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        return json.dumps(self.chunk(delta, finish, **extra))


async def prepend(first: str, rest: AsyncIterator[str]) -> AsyncIterator[str]:
    yield first
    async for item in rest:
        yield item


class TicketedSSE(Response):
    """An SSE response that frees its admission ticket however the stream ends (even if never started).

    A client that stops reading stops the stream once the kernel's buffers are full: the response's
    task waits to write, and the model's slot (its ticket) stayed held for as long as the client kept
    the connection open, indefinitely. ``send_timeout_s``: a write that waits longer ends the stream
    (the model's call stops and its slot is free) and closes the connection."""

    def __init__(self, body: AsyncIterator[str], ticket: Ticket, send_timeout_s: float) -> None:
        super().__init__(status_code=200)
        self._body = body
        self._ticket = ticket
        self._send_timeout_s = send_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from sse_starlette.sse import EventSourceResponse, SendTimeoutError

        # sse-starlette cuts every stream when the server is told to stop (it polls for it every 0.5 s):
        # a stream whose run or call the stop ended a moment later lost its last event (the run saved
        # interrupted, the call stopped) and [DONE], as if the connection had dropped. The runs and calls
        # stop at the signal (shutdown.py): their streams get uvicorn's graceful wait to end.
        response = EventSourceResponse(
            self._body, sep="\n", ping=15, send_timeout=self._send_timeout_s, shutdown_grace_period=SHUTDOWN_GRACE_S
        )
        try:
            await response(scope, receive, send)
        except SendTimeoutError:
            # Nothing more can be written (the client's buffers are full): the connection is closed
            # with the stream unfinished, which tells a client that reads again that it was cut.
            _ENDED.set(True)
            client = scope.get("client") or ("?", 0)
            log.warning(
                "%s %s: the client at %s:%s read nothing for %g s; its stream is ended and the connection closed",
                scope.get("method"), scope.get("path"), client[0], client[1], self._send_timeout_s,
            )  # fmt: skip
        finally:
            self._ticket.release()
