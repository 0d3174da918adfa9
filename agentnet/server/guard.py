"""The gate every request passes before any route runs (a plain ASGI middleware, so it is cheap).

In order: the head's size, Host (DNS-rebinding guard on loopback), Origin (browsers from foreign
sites), bearer token (constant-time compare, never logged), body size (Content-Length and the bytes
actually received), and the federation headers (hop count, loop, remaining deadline); then the body, read whole: within
the memory all bodies held at once may take, and, if it is JSON, readable (``json_body.py``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from agentnet.hosts import host_header_name, is_loopback_host, url_host
from agentnet.server.errors import HTTPProblem
from agentnet.server.json_body import check_json_body, looks_like_json
from agentnet.server.settings import DEADLINE_HEADER, HOPS_HEADER, VIA_HEADER, ServerSettings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC_PATHS = {"/healthz", "/.well-known/agent-card.json"}
MIN_DEADLINE_S = 0.05
MAX_VIA = 32
# A JSON body larger than this is checked in a worker thread, so the event loop keeps serving.
CHECK_INLINE_BYTES = 64_000


@dataclass
class Federation:
    """Where a request came from and how long its caller waits; read by routes that call peers."""

    hops: int = 0
    via: list[str] = field(default_factory=list)
    deadline: float = 0.0  # time.monotonic() value after which nobody waits for the answer

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def outgoing_headers(self, instance_id: str) -> dict[str, str]:
        """Headers for a call this server makes on behalf of the request."""
        return {
            HOPS_HEADER: str(self.hops + 1),
            VIA_HEADER: ",".join([*self.via, instance_id][-MAX_VIA:]),
            DEADLINE_HEADER: f"{max(self.remaining(), 0.0):.3f}",
        }


async def send_problem(send: Send, problem: HTTPProblem) -> None:
    payload = json.dumps(problem.body()).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in problem.headers.items()]
    await send({"type": "http.response.start", "status": problem.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class Guard:
    def __init__(self, app: ASGIApp, settings: ServerSettings) -> None:
        self.app = app
        self.settings = settings
        token = settings.token.get_secret_value() if settings.token is not None else ""
        # Digests are compared, never the tokens: compare_digest returns at once for values of different
        # lengths, so comparing the tokens told a caller, by timing, when a guess had the right length.
        self._expected = _digest(token.encode()) if token else None
        self._origins = {o.rstrip("/").lower() for o in settings.allowed_origins}
        self._origins.add(settings.base_url.lower())
        self._loopback = is_loopback_host(settings.host)
        # Behind a reverse proxy on loopback, the public name is a legitimate Host too (any port).
        self._public_host = url_host(settings.public_url)
        # Bytes of request bodies held in memory now, all requests together: each body is read whole
        # before its route runs, so without this bound many clients each sending a body up to
        # max_body_bytes held memory without limit (300 of them: +260 MB). One largest body always fits.
        self._held = 0
        self._held_limit = max(settings.body_memory_bytes, settings.max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        try:
            self._check_head_size(scope)
            self._check(scope, headers)
        except HTTPProblem as problem:
            await send_problem(send, problem)
            return
        if scope.get("method") not in {"POST", "PUT", "PATCH"}:
            await self.app(scope, receive, send)
            return
        held = [0]
        try:
            try:
                body = await self._buffer_body(receive, held)
                if looks_like_json(body):
                    if len(body) > CHECK_INLINE_BYTES:
                        await asyncio.to_thread(check_json_body, body)
                    else:
                        check_json_body(body)
            except HTTPProblem as problem:
                await send_problem(send, problem)
                return
            await self.app(scope, replay_body(body, receive), send)
        finally:
            self._held -= held[0]

    def _check_head_size(self, scope: Scope) -> None:
        """The same bound as head_timeout.py's, for a head that arrived whole in one read (up to 256 kB),
        which that protocol cannot tell from one still arriving."""
        size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        size += sum(len(name) + len(value) + 4 for name, value in scope.get("headers", []))
        if size > self.settings.max_header_bytes:
            raise HTTPProblem(
                431,
                f"the request line and headers are larger than {self.settings.max_header_bytes} bytes, "
                "the most this server reads",
                code="headers_too_large",
                headers={"Connection": "close"},
            )

    def _check(self, scope: Scope, headers: dict[str, str]) -> None:
        if self._loopback:
            host = headers.get("host", "")
            # No Host at all, or one that is not host[:port], is refused too: the rebinding guard must not be
            # skippable by leaving it out or by dressing a foreign name up as a loopback one.
            name = host_header_name(host)
            if name is None or not (is_loopback_host(name) or name == self._public_host):
                raise HTTPProblem(
                    403, f"host {host!r} is not served here", type="permission_error", code="host_not_allowed"
                )
        origin = headers.get("origin")
        if origin is not None and origin.rstrip("/").lower() not in self._origins:
            raise HTTPProblem(
                403,
                "requests from this browser origin are refused",
                type="permission_error",
                code="origin_not_allowed",
            )
        if self._expected is not None and scope.get("path") not in PUBLIC_PATHS:
            scheme, _, credentials = headers.get("authorization", "").strip().partition(" ")
            # The scheme is case-insensitive (RFC 7235); the token is compared in constant time.
            given = credentials.strip().encode("latin-1") if scheme.lower() == "bearer" else b""
            if not hmac.compare_digest(_digest(given), self._expected) or not given:
                raise HTTPProblem(
                    401,
                    "missing or invalid bearer token" if given else "this server needs a bearer token",
                    type="authentication_error",
                    code="invalid_api_key",
                    headers={"WWW-Authenticate": 'Bearer realm="agentnet"'},
                )
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                raise HTTPProblem(400, "invalid Content-Length header", code="invalid_content_length")
            if int(length) > self.settings.max_body_bytes:
                raise self._too_large()
        scope.setdefault("state", {})["federation"] = self._federation(headers)

    def _federation(self, headers: dict[str, str]) -> Federation:
        raw_hops = headers.get(HOPS_HEADER.lower(), "0").strip() or "0"
        if not raw_hops.isdigit():
            raise HTTPProblem(400, f"{HOPS_HEADER} must be a non-negative integer", code="invalid_header")
        hops = int(raw_hops)
        if hops >= self.settings.max_hops:
            raise HTTPProblem(
                508,
                f"this request already crossed {hops} agentnet servers (limit {self.settings.max_hops}); "
                "refusing to forward it further",
                type="invalid_request_error",
                code="hop_limit_exceeded",
            )
        via = [v.strip() for v in headers.get(VIA_HEADER.lower(), "").split(",") if v.strip()][:MAX_VIA]
        if self.settings.instance_id in via:
            raise HTTPProblem(
                508,
                f"federation loop: this request already passed through this server ({' -> '.join(via)} -> here)",
                type="invalid_request_error",
                code="loop_detected",
            )
        budget = self.settings.default_deadline_s
        raw_deadline = headers.get(DEADLINE_HEADER.lower())
        if raw_deadline is not None:
            try:
                given = float(raw_deadline)
            except ValueError:
                raise HTTPProblem(
                    400, f"{DEADLINE_HEADER} must be a number of seconds", code="invalid_header"
                ) from None
            if not given == given or given < MIN_DEADLINE_S:  # NaN or already spent
                raise HTTPProblem(
                    504,
                    "the caller's deadline was spent before this server received the request",
                    type="timeout_error",
                    code="deadline_exceeded",
                )
            budget = min(budget, given)
        return Federation(hops=hops, via=via, deadline=time.monotonic() + budget)

    async def _buffer_body(self, receive: Receive, held: list[int]) -> bytes:
        """Read the whole body first, bounded in size and time: an oversized body is refused before any
        route runs, and one dripped in slowly is dropped after ``body_timeout_s`` (408). ``held[0]``
        counts the bytes this request holds of the server's body memory (the caller gives them back)."""
        try:
            async with asyncio.timeout(self.settings.body_timeout_s):
                return await self._read_body(receive, held)
        except TimeoutError:
            raise HTTPProblem(
                408,
                f"the request body did not arrive within {self.settings.body_timeout_s:g} s",
                code="request_timeout",
                headers={"Connection": "close"},
            ) from None

    async def _read_body(self, receive: Receive, held: list[int]) -> bytes:
        limit = self.settings.max_body_bytes
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise HTTPProblem(400, "the client went away while sending the body", code="client_disconnected")
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                raise self._too_large()
            self._hold(len(chunk), held)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _hold(self, size: int, held: list[int]) -> None:
        if self._held + size > self._held_limit:
            raise HTTPProblem(
                503,
                f"the server holds {self._held} bytes of request bodies already, the most it holds at once "
                f"(body_memory_bytes {self._held_limit}); retry in 1 s",
                type="server_error",
                code="server_busy",
                headers={"Retry-After": "1", "Connection": "close"},
            )
        self._held += size
        held[0] += size

    def _too_large(self) -> HTTPProblem:
        return HTTPProblem(
            413,
            f"request body larger than {self.settings.max_body_bytes} bytes",
            code="request_too_large",
        )


def _digest(token: bytes) -> bytes:
    return hashlib.sha256(token).digest()


def replay_body(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` for the app behind a middleware that read the request's whole ``body`` first: that
    body, then whatever the server says next (a disconnect). Also the A2A test agent's (tests/server)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
