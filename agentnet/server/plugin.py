"""``agentnet serve``'s A2A server as a built-in plugin: it mounts its routes through
``register_server_routes`` exactly as a third party's would (``a2a.py`` holds the server itself)."""

from __future__ import annotations

from typing import Any

from agentnet.plugins.hookspecs import hookimpl


@hookimpl
def register_server_routes(app: Any, server: Any) -> None:
    from agentnet.server.a2a import mount_a2a

    server.on_shutdown(mount_a2a(app, server.backend, server.settings, server.limiter))
