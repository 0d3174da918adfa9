"""Server-sent events for streamed chat completions: chunk bodies, and a response that frees its ticket.

Both streamed paths (one model, and the ``agentnet`` network model) build their chunks and their
response here, so a client sees one shape whichever path answered.
"""

from __future__ import annotations

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

        response = EventSourceResponse(self._body, sep="\n", ping=15, send_timeout=self._send_timeout_s)
        try:
            await response(scope, receive, send)
        except SendTimeoutError:
            client = scope.get("client") or ("?", 0)
            log.warning(
                "%s %s: the client at %s:%s read nothing for %g s; its stream is ended and the connection closed",
                scope.get("method"), scope.get("path"), client[0], client[1], self._send_timeout_s,
            )  # fmt: skip
        finally:
            self._ticket.release()
