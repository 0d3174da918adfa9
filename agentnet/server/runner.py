"""Run an app with uvicorn (used by ``agentnet serve`` and the load benchmark), and build the app a
config describes: the models it declares, its peers and, when available, its directory and network."""

from __future__ import annotations

import logging
import socket
import sys
from pathlib import Path
from typing import Any

from agentnet.redact import RedactingFilter
from agentnet.server.settings import ServerSettings

log = logging.getLogger("agentnet.server")


def listen(settings: ServerSettings, backlog: int = 2048) -> tuple[socket.socket, ServerSettings]:
    """Bind the listening socket before anything else loads (refusing a non-loopback address without a
    token first); port 0 takes a free port. Returns the socket and the settings with the real port."""
    from agentnet.errors import ConfigError

    settings.check_bind()
    host = settings.host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, settings.port))
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}",
            hint="pick another --port (0 takes any free one) or --host",
            code="address_unavailable",
        ) from None
    return sock, settings.model_copy(update={"port": sock.getsockname()[1]})


def run(
    app: Any,
    settings: ServerSettings,
    *,
    log_level: str = "warning",
    access_log: bool = False,
    sock: socket.socket | None = None,
) -> None:
    """Serve ``app`` until interrupted, on ``sock`` (from ``listen``) or on a socket bound here."""
    if sock is None:
        sock, settings = listen(settings)
    import uvicorn

    for name in ("agentnet", "uvicorn.error", "uvicorn.access", "LiteLLM"):
        logging.getLogger(name).addFilter(RedactingFilter())

    from agentnet.server.head_timeout import head_timeout_protocol

    config = uvicorn.Config(
        app,
        http=head_timeout_protocol(settings.header_timeout_s, settings.max_header_bytes),
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        # The access log prints paths and status codes only, never headers (tokens stay out of logs).
        access_log=access_log,
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=5,
        timeout_keep_alive=30,
    )
    server = _announcing(uvicorn.Server)(config)
    server.address = (
        f"agentnet serving at {settings.base_url}/v1 (agent card: {settings.base_url}/.well-known/agent-card.json)\n"
    )
    from agentnet.server.shutdown import sigterm_ends_cleanly

    with sock, sigterm_ends_cleanly():
        server.run(sockets=[sock])


def _announcing(server_class: Any) -> Any:
    """uvicorn's Server, writing its ``address`` line once it serves: uvicorn and the app's lifespan
    (``shutdown.stop_on_signals``) handle the signals by then. Written before ``run``, a Ctrl-C sent on
    reading it was raised wherever the interpreter was, and one swallowed in a weakref callback ('Exception
    ignored in ...') left the server running (1 of 3 times)."""

    class Announcing(server_class):
        address = ""

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                sys.stderr.write(self.address)
                sys.stderr.flush()

    return Announcing


def app_from_config(settings: ServerSettings, config_path: Path | None = None) -> Any:
    """The app for the current config: its models, its peers (as peer nodes), the network and its directory."""
    from agentnet.config import load_config
    from agentnet.network import Network
    from agentnet.nodes.registry import NodeRegistry
    from agentnet.server.app import create_app
    from agentnet.server.network_chat import NetworkDirectory, refit_soon
    from agentnet.server.peer_view import PeerView

    config = load_config(config_path)
    registry = NodeRegistry(config)
    # Peer nodes are registered in the registry, so the network's directory sync and executor see them.
    peers = PeerView(registry=registry)
    peers.start()
    # A server plans without waiting for a fit of plan memory (a minute for a few hundred solved tasks):
    # it runs in a background thread, started now.
    network = Network(config, registry=registry, fit_in_background=True)
    # Open once now: a broken directory fails at start, and the model and peer cards get indexed.
    refit_soon(network)
    say_if_runs_unusable(network)
    directory = NetworkDirectory(network)
    return create_app(registry, settings, directory=directory, network=network, peers=peers)


def say_if_runs_unusable(network: Any) -> None:
    """One line at start when the run database cannot be used (a typo in runs.url, a database not up
    yet). The server still starts, as one of several must while the database is away (/readyz answers
    503 until it is back), but a wrong URL no longer waits for the first request to be noticed."""
    from agentnet.errors import AgentnetError

    try:
        network.runs(1)  # applies the run database's migrations now, as the first server should
    except AgentnetError as exc:
        hint = f" ({exc.hint})" if exc.hint else ""
        sys.stderr.write(f"agentnet: {exc.message}; serving anyway: /readyz answers 503 and runs fail until it can be "
                         f"used{hint}\n")  # fmt: skip
        sys.stderr.flush()
