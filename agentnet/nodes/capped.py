"""Reading a remote model's HTTP answers with a ceiling on their bytes.

The a2a-sdk client reads a blocking ``SendMessage`` answer whole (``response.json()``) and a stream
for as long as the peer writes; LiteLLM's OpenAI client buffers a server-sent event until its line
ends; httpx's timeouts bound the silence between bytes, not their number. So a peer answering hundreds
of megabytes held them all in memory (several times over while parsed) before agentnet's answer cut
could apply. These transports (httpx's own inside) count the bytes of each response as they arrive
and stop the read past ``limit``: ``ResponseTooLarge`` is raised out of the read (the SDKs let it
through, or wrap it; the transport remembers that it happened) and the connection is closed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
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
    """httpx's own transport (through ``proxy`` when given: ``env_proxy``), with each response's body
    limited to ``limit`` bytes."""

    def __init__(self, limit: int, proxy: str | None = None) -> None:
        self._inner = httpx.AsyncHTTPTransport(proxy=proxy)
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


class _CountedSync(httpx.SyncByteStream):
    def __init__(self, stream: httpx.SyncByteStream, owner: CappedSyncTransport) -> None:
        self._stream = stream
        self._owner = owner

    def __iter__(self) -> Iterator[bytes]:
        seen = 0
        for chunk in self._stream:
            seen += len(chunk)
            if seen > self._owner.limit:
                raise self._owner.refused()
            yield chunk

    def close(self) -> None:
        self._stream.close()


def env_proxy(url: str) -> str | None:
    """The proxy the environment names for ``url`` (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY): httpx
    reads these only for a client without a transport of its own."""
    import urllib.request
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if not parts.hostname or urllib.request.proxy_bypass(parts.hostname):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(parts.scheme) or proxies.get("all")


class CappedSyncTransport(httpx.BaseTransport):
    """The same for a sync client (through ``proxy`` when given); ``exceeded`` says whether a response
    went past the limit (LiteLLM turns the error into one of its own, which does not keep it)."""

    def __init__(self, limit: int, proxy: str | None = None) -> None:
        self._inner = httpx.HTTPTransport(proxy=proxy)
        self.limit = limit
        self.exceeded = False

    def refused(self) -> ResponseTooLarge:
        self.exceeded = True
        return ResponseTooLarge(self.limit)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            response.close()
            raise self.refused()
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_CountedSync(cast(httpx.SyncByteStream, response.stream), self),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._inner.close()
