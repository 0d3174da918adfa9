"""One long-lived MCP session with one server (the adapter to the SDK), on the hub's event loop.

Each ``ServerConnection`` keeps its session open in a task of the hub's loop (``agentnet.mcp.hub``;
the SDK's context managers must be entered and left in one task). A session starts on first use; a
session that died is restarted once, and a server that dies again before a call succeeds is reported
unavailable instead of being restarted in a loop. ``aclose`` ends the session the way the SDK does
(stdin closed, then the process group stopped; over HTTP the session's DELETE, sent and read by
``transport.py``). Stdio servers run under ``agentnet.mcp.launcher``, which stops them when this
process dies by any means, kill -9 included, and one that does not exit when its session ends.

Calls wait under agentnet's own deadline: a hung tool raises ``DeadlineExceededError`` and its request
is cancelled; the session stays up for the next call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from agentnet.config import McpServerSpec
from agentnet.errors import AgentnetError, ModelCallError, RunError
from agentnet.mcp import startup
from agentnet.mcp.store import McpTool
from agentnet.mcp.transport import describe, http_transport, stdio_transport

if TYPE_CHECKING:
    from mcp import ClientSession
    from mcp.types import CallToolResult

T = TypeVar("T")
log = logging.getLogger("agentnet.mcp")
ToolsListener = Callable[[str, "list[McpTool] | None", "str | None"], None]

START_TIMEOUT_S = 60.0
# A server given up on (it died again right after a restart) is tried again after this long.
RETRY_AFTER_S = 30.0
CLOSE_TIMEOUT_S = 8.0


class Hub(Protocol):
    """What a connection asks of its hub: ``hub.McpHub``, named here by shape because it imports this
    module (the two must not import each other)."""

    @property
    def loop(self) -> asyncio.AbstractEventLoop: ...

    def wait(
        self, coro: Coroutine[Any, Any, T], timeout_s: float, *, what: str, cancelled: Callable[[], bool] = ...
    ) -> T: ...

    def log_path(self, name: str) -> Any: ...

    def errlog(self, name: str) -> Any: ...


def _tool(info: Any) -> McpTool:
    annotations = info.annotations.model_dump(exclude_none=True) if info.annotations is not None else {}
    return McpTool(
        name=info.name,
        title=info.title,
        description=info.description or "",
        input_schema=dict(info.input_schema or {}),
        output_schema=dict(info.output_schema) if info.output_schema else None,
        annotations=annotations,
    )


class ServerConnection:
    """The session with one server. Coroutines run on the hub's loop; the sync methods wait for them."""

    def __init__(self, hub: Hub, spec: McpServerSpec) -> None:
        self.hub = hub
        self.spec = spec
        self.listeners: list[ToolsListener] = []
        self.tools: list[McpTool] | None = None
        self.error: str | None = None
        self._session: ClientSession | None = None
        self._stop: asyncio.Event | None = None
        self._holder: asyncio.Task[None] | None = None
        self._starting: asyncio.Lock | None = None
        self._started = 0
        self._restarted = False
        self._gave_up_at: float | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._start = startup.StartWatch(spec.name)
        startup.quiet_sdk_parse_errors()

    # --- sync API (any thread) ------------------------------------------------------------------

    def list_tools(self, timeout_s: float = START_TIMEOUT_S) -> list[McpTool]:
        _import_sdk()
        return self.hub.wait(self._list_tools(), timeout_s, what=f"MCP server {self.spec.name!r} listing its tools")

    def call_tool(
        self, tool: str, arguments: dict[str, Any], deadline_s: float, cancelled: Callable[[], bool] = lambda: False
    ) -> CallToolResult:
        _import_sdk()
        return self.hub.wait(
            self._call(tool, arguments), deadline_s, what=f"MCP tool {self.spec.name}.{tool}", cancelled=cancelled
        )

    @property
    def alive(self) -> bool:
        return self._session is not None

    # --- on the loop ----------------------------------------------------------------------------

    async def _ensure(self) -> ClientSession:
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if self._session is not None:
                return self._session
            if self._started and self._restarted:
                if self._gave_up_at is None:
                    self._gave_up_at = time.monotonic()
                if time.monotonic() - self._gave_up_at < RETRY_AFTER_S:
                    raise self._unavailable(f"it stopped again after a restart ({self.error or 'connection closed'})")
                self._restarted, self._gave_up_at = False, None
            self._restarted = self._started > 0
            self._started += 1
            ready: asyncio.Future[ClientSession] = asyncio.get_running_loop().create_future()
            self._start.begin(ready, self.hub.log_path(self.spec.name) if self.spec.command is not None else None)
            self._stop = asyncio.Event()
            self._holder = asyncio.create_task(self._hold(ready, self._stop))
            try:
                return await asyncio.wait_for(asyncio.shield(ready), START_TIMEOUT_S)
            except TimeoutError:
                self._stop.set()
                raise self._unavailable(f"it did not finish starting within {START_TIMEOUT_S:g} s") from None
            except AgentnetError:
                raise
            except Exception as exc:  # noqa: BLE001 - whatever the transport raised, said in our words
                raise self._unavailable(describe(exc)) from None

    async def _hold(self, ready: asyncio.Future[ClientSession], stop: asyncio.Event) -> None:
        """Enter the transport and the session in this one task, keep them until ``stop``."""
        from mcp import ClientSession
        from mcp.types import Implementation

        try:
            async with contextlib.AsyncExitStack() as stack:
                read, write = await stack.enter_async_context(self._transport())
                session = await stack.enter_async_context(
                    ClientSession(
                        read,
                        write,
                        message_handler=self._on_message,
                        client_info=Implementation(name="agentnet", version=_version()),
                    )
                )
                await session.initialize()
                self._session = session
                self.error = None
                ready.set_result(session)
                self._start.answered()
                await stop.wait()
        except BaseException as exc:  # noqa: BLE001 - handed to the starter, or the session just ends
            if not ready.done():
                ready.set_exception(exc if isinstance(exc, Exception) else RuntimeError(str(exc)))
            if isinstance(exc, Exception):
                self.error = describe(exc)
        finally:
            self._session = None

    def _transport(self) -> contextlib.AbstractAsyncContextManager[Any]:
        if self.spec.command is not None:
            return stdio_transport(self.spec, self.hub.errlog(self.spec.name))
        return http_transport(self.spec)

    async def _on_message(self, message: Any) -> None:
        from mcp.types import ToolListChangedNotification

        if isinstance(message, Exception):  # a stdout line that is no JSON-RPC message (the SDK skips it)
            self._start.stray_line(message, self._not_mcp)
        elif isinstance(message, ToolListChangedNotification):
            # Not awaited here: the session delivers notifications from its receive loop, which the
            # tools/list answer must pass through.
            task = asyncio.create_task(self._list_tools(refresh=True))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _not_mcp(self) -> ModelCallError:
        # No answer to the handshake after output that is no MCP: the start ends (the holder's exit stops
        # the process), said now rather than at the start's deadline.
        if self._holder is not None:
            self._holder.cancel()
        return self._unavailable("it wrote output that is not MCP")

    async def _list_tools(self, refresh: bool = False) -> list[McpTool]:
        from mcp.types import PaginatedRequestParams

        try:
            session = await self._ensure()
            tools: list[McpTool] = []
            cursor: str | None = None
            while True:
                params = PaginatedRequestParams(cursor=cursor) if cursor else None
                page = await session.list_tools(params=params)
                tools.extend(_tool(info) for info in page.tools)
                cursor = page.next_cursor
                if not cursor:
                    break
        except Exception as exc:  # noqa: BLE001 - a listener hears of it; a direct caller gets it raised
            if refresh:
                return []
            raise _call_error(self.spec.name, "tools/list", exc) from None
        self.tools = tools
        self._notify(tools, None)
        return tools

    async def _call(self, tool: str, arguments: dict[str, Any]) -> CallToolResult:
        from mcp.shared.exceptions import MCPError
        from mcp.types import CONNECTION_CLOSED

        session = await self._ensure()
        try:
            result = await session.call_tool(tool, arguments)
        except MCPError as exc:
            if exc.code == CONNECTION_CLOSED:
                await self._lost(exc.message)
            raise _call_error(self.spec.name, tool, exc) from None
        except Exception as exc:  # noqa: BLE001 - transport failures end the session; said in our words
            await self._lost(describe(exc))
            raise _call_error(self.spec.name, tool, exc) from None
        self._restarted = False
        return result

    async def _lost(self, reason: str) -> None:
        """The session is gone (server exited, connection closed): release it; the next call restarts it."""
        self.error = reason
        if self._stop is not None:
            self._stop.set()
        if self._holder is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._holder), CLOSE_TIMEOUT_S)
        self._session = None

    async def aclose(self) -> None:
        path = self.hub.log_path(self.spec.name) if self.spec.command is not None else None
        offset = startup.log_size(path) if path is not None else 0
        if self._stop is not None:
            self._stop.set()
        if self._holder is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._holder), CLOSE_TIMEOUT_S)
        if path is not None and startup.killed_at_end(path, offset):
            log.warning("MCP server %r did not exit when its session ended (it ignores stdin closing and SIGTERM); "
                        "killed it (its log: %s)", self.spec.name, path)  # fmt: skip

    def _unavailable(self, why: str) -> ModelCallError:
        # A command that could not start or ended only closes the connection (the SDK says no more): the
        # launcher wrote why in the server's log, after the server's stderr; or it wrote no MCP on stdout.
        hint = None
        if self.spec.command is not None:
            command = " ".join([self.spec.command, *self.spec.args])
            why, hint = self._start.failure(command, why, self.hub.log_path(self.spec.name))
        self.error = why
        self._notify(None, why)
        where = self.spec.url or " ".join([self.spec.command or "", *self.spec.args])
        return ModelCallError(
            f"MCP server {self.spec.name!r} is unavailable: {why}",
            hint=hint
            or f"check that `{where}` works on its own (its log: {self.hub.log_path(self.spec.name)}), "
            f"then `agentnet mcp tools {self.spec.name}`",
            code="mcp_unavailable",
        )

    def _notify(self, tools: list[McpTool] | None, error: str | None) -> None:
        for listener in list(self.listeners):
            # Listeners write files and the directory: never on the loop thread.
            self.hub.loop.run_in_executor(None, listener, self.spec.name, tools, error)


def _import_sdk() -> None:
    """The SDK's modules the loop's coroutines use, imported by the calling thread: on the loop thread
    the import held every session and the exit's close behind it (10 s, the close's bound, for a run
    interrupted at its first MCP call under coverage beside four busy loops)."""
    import mcp.client.stdio
    import mcp.client.streamable_http
    import mcp.shared._httpx_utils
    import mcp.shared.exceptions  # noqa: F401


def _call_error(server: str, tool: str, exc: BaseException) -> AgentnetError:
    from mcp.shared.exceptions import MCPError
    from mcp.types import CONNECTION_CLOSED

    if isinstance(exc, AgentnetError):
        return exc
    if isinstance(exc, MCPError) and exc.code != CONNECTION_CLOSED:
        return RunError(
            f"MCP server {server!r} refused {tool}: {exc.message[:300]} (JSON-RPC error {exc.code})",
            hint=f"`agentnet mcp tools {server}` shows the tools and their input schemas",
            code="mcp_protocol_error",
        )
    return ModelCallError(
        f"MCP server {server!r} stopped during {tool}: {describe(exc)}",
        hint="it is restarted once on the next call; its log is under $AGENTNET_HOME/logs",
        code="mcp_server_died",
    )


def _version() -> str:
    from agentnet import __version__

    return __version__
