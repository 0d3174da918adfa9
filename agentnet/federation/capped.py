"""Reading a peer's HTTP answers with a ceiling on their bytes.

The a2a-sdk client reads a blocking ``SendMessage`` answer whole (``response.json()``) and a stream
for as long as the peer writes; httpx's timeouts bound the silence between bytes, not their number.
So a peer answering hundreds of megabytes held them all in memory (about four times over while
parsed) before agentnet's answer cut could apply. This transport counts the bytes of each response
as they arrive and stops the read past ``limit``: ``ResponseTooLarge`` is raised out of the read
(the SDK lets exceptions that are not httpx's through) and the connection is closed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import cast

import httpx


class ResponseTooLarge(Exception):
    """A peer's response went past the byte ceiling."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the response is larger than {limit:,} bytes")
        self.limit = limit


class _Counted(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.AsyncByteStream, limit: int) -> None:
        self._stream = stream
        self._limit = limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self._stream:
            seen += len(chunk)
            if seen > self._limit:
                raise ResponseTooLarge(self._limit)
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


class CappedTransport(httpx.AsyncBaseTransport):
    """httpx's own transport, with each response's body limited to ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._limit = limit

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._limit:  # refused before a byte of it is read
            await response.aclose()
            raise ResponseTooLarge(self._limit)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Counted(cast(httpx.AsyncByteStream, response.stream), self._limit),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()
