"""How agentnet reaches one MCP server (the adapter's transports to the SDK): a stdio server's command
run under the launcher (``launcher.py``: it cannot outlive agentnet, and it stops a server that does not
exit when its session ends), or Streamable HTTP with the server's headers, whose session is ended here
(``_SessionEnd``). Values in a server's env and headers may name secrets (``${VAR}``), read when the
transport opens. ``session.py`` holds the session these carry.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from pathlib import Path
from typing import Any

from agentnet.config import McpServerSpec
from agentnet.errors import AgentnetError, ConfigError

log = logging.getLogger("agentnet.mcp")

MAX_SSE_EVENT_BYTES = 64 * 1024 * 1024  # results past our own cut must still arrive whole to be cut
# The launcher is run by its file, isolated (-I): the SDK starts it with a minimal environment (no
# PYTHONPATH), so `-m agentnet.mcp.launcher` ran whichever agentnet that finds installed, or failed
# when agentnet ran from a checkout on PYTHONPATH; its own file is always this agentnet's.
LAUNCHER = ("-I", str(Path(__file__).with_name("launcher.py")))


def expand(value: str, what: str) -> str:
    """``${VAR}`` references replaced by the variable's value (environment or .env), read now."""
    import re

    from agentnet.nodes.keys import lookup_secret

    def one(match: re.Match[str]) -> str:
        secret = lookup_secret(match.group(1))
        if secret is None:
            raise ConfigError(
                f"{what} refers to ${{{match.group(1)}}}, which is not set",
                hint=f"export {match.group(1)}=... (or put it in ./.env or $AGENTNET_HOME/.env)",
            )
        return secret.get_secret_value()

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", one, value)


def stdio_transport(spec: McpServerSpec, errlog: Any) -> contextlib.AbstractAsyncContextManager[Any]:
    """The server's command run under the launcher, its stderr to ``errlog``: the SDK's stdio streams."""
    from mcp.client.stdio import StdioServerParameters, stdio_client

    assert spec.command is not None  # a spec has a command or a url
    env = {key: expand(value, f"MCP server {spec.name!r} env {key}") for key, value in spec.env.items()}
    launcher = [*LAUNCHER, str(os.getpid()), "--", spec.command, *spec.args]
    params = StdioServerParameters(command=sys.executable, args=launcher, env=env or None, cwd=spec.cwd)
    return stdio_client(params, errlog=errlog)


@contextlib.asynccontextmanager
async def http_transport(spec: McpServerSpec) -> Any:
    """Streamable HTTP to ``spec.url`` with its headers; the session is ended here (``_SessionEnd``)."""
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    assert spec.url is not None  # a spec has a command or a url
    headers = {key: expand(value, f"MCP server {spec.name!r} header {key}") for key, value in spec.headers.items()}
    ending = _SessionEnd(spec.name, spec.url)
    async with create_mcp_http_client(headers=headers) as client:
        client.event_hooks["response"].append(ending.seen)
        try:
            # The session is ended here, not by the SDK: see _SessionEnd.
            async with streamable_http_client(
                spec.url, http_client=client, max_sse_event_size=MAX_SSE_EVENT_BYTES, terminate_on_close=False
            ) as streams:
                yield streams
        finally:
            await ending.end(client)


class _SessionEnd:
    """Ends a Streamable HTTP session with the DELETE the SDK would send, reading its outcome ourselves.

    The SDK (mcp 2.3) warns "Session termination failed" whenever that DELETE fails, and a session
    usually ends after its server: agentnet exits after the server was stopped, or the session was lost
    because the server died (already reported as ``mcp_server_died``/unavailable). Then the DELETE
    cannot connect and there is no session left to end: a false alarm at the end of a normal run. So
    a refused connection (the server is gone), 404 (it ended the session already) and 405 (it does not
    end sessions) are quiet; a server that answers otherwise (401, 500, ...) or times out is warned of.
    """

    def __init__(self, server: str, url: str) -> None:
        self.server, self.url = server, url
        self.headers: dict[str, str] = {}

    async def seen(self, response: Any) -> None:
        """An httpx response hook: the session id the server gave and the protocol version in use."""
        from mcp.client.streamable_http import MCP_SESSION_ID
        from mcp.shared.inbound import MCP_PROTOCOL_VERSION_HEADER

        for name, headers in (
            (MCP_SESSION_ID, response.headers),
            (MCP_PROTOCOL_VERSION_HEADER, response.request.headers),
        ):
            if headers.get(name):
                self.headers[name] = headers[name]

    async def end(self, client: Any) -> None:
        import httpx2
        from mcp.client.streamable_http import MCP_SESSION_ID
        from mcp.shared._httpx_utils import request_within_origin

        if MCP_SESSION_ID not in self.headers:
            return  # never started
        try:
            response = await request_within_origin(client, "DELETE", self.url, headers=self.headers)
        except httpx2.ConnectError:
            return  # the server is gone, and its sessions with it
        except Exception as exc:  # noqa: BLE001 - a real failure to end the session: said, not raised
            log.warning("MCP server %r: ending its session failed: %s", self.server, describe(exc))
            return
        if response.status_code not in (200, 202, 204, 404, 405):
            log.warning("MCP server %r: ending its session failed: HTTP %d", self.server, response.status_code)


def describe(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        return describe(exc.exceptions[0])
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300] if not isinstance(exc, AgentnetError) else exc.message
