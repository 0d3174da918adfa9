"""Server-sent events for streamed chat completions: chunk bodies, and a response that frees its ticket.

Both streamed paths (one model, and the ``agentnet`` network model) build their chunks and their
response here, so a client sees one shape whichever path answered.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from agentnet.server.limits import Ticket


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
    """An SSE response that frees its admission ticket however the stream ends (even if never started)."""

    def __init__(self, body: AsyncIterator[str], ticket: Ticket) -> None:
        super().__init__(status_code=200)
        self._body = body
        self._ticket = ticket

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from sse_starlette.sse import EventSourceResponse

        try:
            await EventSourceResponse(self._body, sep="\n", ping=15)(scope, receive, send)
        finally:
            self._ticket.release()
