"""The process's MCP hub: the event-loop thread every ``ServerConnection`` lives on, one connection per
server, and the bridge from agentnet's threads to that loop (``wait``, under agentnet's own deadline).

The ``mcp`` SDK is asynchronous and agentnet's executor runs steps in threads, so the hub owns an
asyncio loop in a daemon thread. ``close`` (also run at exit for the shared hub) ends every session
and then the loop.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from agentnet.config import McpServerSpec
from agentnet.errors import DeadlineExceededError, RunError
from agentnet.home import home_path
from agentnet.mcp.session import CLOSE_TIMEOUT_S, ServerConnection

T = TypeVar("T")

_POLL_S = 0.05


class McpHub:
    """The process's MCP sessions (one per server) and the loop thread they live on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: dict[str, ServerConnection] = {}
        self._logs: dict[str, Any] = {}

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                # Stdio servers are children of this thread (their launcher's parent-death signal
                # follows it), so it lives as long as the hub.
                self._thread = threading.Thread(target=loop.run_forever, name="agentnet-mcp", daemon=True)
                self._thread.start()
                self._loop = loop
            return self._loop

    def server(self, spec: McpServerSpec) -> ServerConnection:
        """The connection for ``spec.name`` (a changed spec replaces the old connection)."""
        with self._lock:
            current = self._servers.get(spec.name)
            if current is not None and current.spec == spec:
                return current
            fresh = self._servers[spec.name] = ServerConnection(self, spec)
        if current is not None:
            fresh.listeners = current.listeners
            self._submit(current.aclose())
        return fresh

    def wait(
        self,
        coro: Coroutine[Any, Any, T],
        timeout_s: float,
        *,
        what: str,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> T:
        """Run ``coro`` on the loop; wait at most ``timeout_s`` (then cancel it and raise a deadline error)."""
        future = self._submit(coro)
        ends = time.monotonic() + timeout_s
        while True:
            try:
                return future.result(timeout=min(_POLL_S, max(ends - time.monotonic(), 0.0)))
            except concurrent.futures.TimeoutError:
                if cancelled() or time.monotonic() >= ends:
                    future.cancel()
                    if cancelled():
                        raise RunError(
                            f"{what} was abandoned: the caller stopped waiting", code="interrupted"
                        ) from None
                    raise DeadlineExceededError(
                        f"{what} did not answer within agentnet's {timeout_s:g} s deadline",
                        hint="raise the server's deadline_s (agentnet.yaml mcp_servers) or check the tool",
                    ) from None

    def _submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def log_path(self, name: str) -> Any:
        return home_path("logs", f"mcp-{name}.log")

    def errlog(self, name: str) -> Any:
        """Where a stdio server's stderr goes (a file: it must not mix with agentnet's own output)."""
        with self._lock:
            if name not in self._logs:
                self._logs[name] = open(self.log_path(name), "a", encoding="utf-8")  # noqa: SIM115 - kept open
            return self._logs[name]

    def release(self, name: str, listener: Any) -> None:
        """``listener`` (a ``Network``'s) no longer follows server ``name``: when no other listener does, its
        session ends now (a stdio server stopped), not at exit; a later use starts it again."""
        with self._lock:
            connection = self._servers.get(name)
            if connection is None:
                return
            with contextlib.suppress(ValueError):
                connection.listeners.remove(listener)
            if connection.listeners:
                return  # another open Network follows it: it keeps its session
            del self._servers[name]
            loop = self._loop
        if loop is None:
            return
        closing = asyncio.run_coroutine_threadsafe(connection.aclose(), loop)
        with contextlib.suppress(Exception):
            closing.result(timeout=CLOSE_TIMEOUT_S + 2)

    def close(self) -> None:
        """End every session (servers stopped) and the loop thread; safe to call twice."""
        with self._lock:
            loop, thread, servers = self._loop, self._thread, list(self._servers.values())
            self._servers.clear()
            self._loop = self._thread = None
        if loop is None:
            return
        closing = asyncio.run_coroutine_threadsafe(_close_all(servers), loop)
        with contextlib.suppress(Exception):
            closing.result(timeout=CLOSE_TIMEOUT_S + 2)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=2)
        if not loop.is_running():
            loop.close()
        for log in self._logs.values():
            log.close()
        self._logs.clear()


async def _close_all(servers: list[ServerConnection]) -> None:
    await asyncio.gather(*(server.aclose() for server in servers), return_exceptions=True)


_HUB: McpHub | None = None
_HUB_LOCK = threading.Lock()


def shared_hub() -> McpHub:
    """The process-wide hub, closed at exit."""
    global _HUB
    with _HUB_LOCK:
        if _HUB is None:
            _HUB = McpHub()
            atexit.register(_HUB.close)
        return _HUB
