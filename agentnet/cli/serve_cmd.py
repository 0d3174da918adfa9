"""``agentnet serve``: this agentnet on the network (OpenAI-compatible API, agent card, directory search).

FastAPI and uvicorn are imported inside the command (extra ``server``), so ``agentnet --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer


def register(app: typer.Typer) -> None:
    from agentnet.cli import peers_cmd

    app.command("serve")(serve)
    peers_cmd.register(app)


def serve(
    host: Annotated[
        str, typer.Option(help="Address to bind. Anything but loopback needs a token (--token-env or --token-file).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="Port to listen on (0: any free port; the URL is printed).", min=0, max=65535)
    ] = 8000,
    token_env: Annotated[
        str | None, typer.Option("--token-env", help="Environment variable holding the bearer token clients must send.")
    ] = None,
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file", help="File holding the bearer token clients must send (a mounted secret; mode 600)."
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Name peers see (agent card 'name').")] = None,
    public_url: Annotated[
        str | None, typer.Option("--public-url", help="URL peers use to reach this server (behind a proxy).")
    ] = None,
    allow_origin: Annotated[
        list[str] | None, typer.Option("--allow-origin", help="Browser origin allowed to call (repeatable).")
    ] = None,
    concurrency: Annotated[int, typer.Option(help="Calls each local model runs at once.", min=1)] = 1,
    queue: Annotated[int, typer.Option(help="Calls allowed to wait per local model; more get 429.", min=0)] = 4,
    max_hops: Annotated[
        int, typer.Option("--max-hops", help="Refuse requests that crossed this many servers.", min=1)
    ] = 4,
    publish_peers: Annotated[
        bool, typer.Option("--publish-peers", help="Also publish the skills reached through this server's peers.")
    ] = False,
    peer_refresh: Annotated[
        float, typer.Option("--peer-refresh", help="Re-read peers' agent cards every N seconds (0: never).", min=0)
    ] = 300.0,
    header_timeout: Annotated[
        float,
        typer.Option(
            "--header-timeout", help="Seconds a request's line and headers may take to arrive (then 408).", min=0.1
        ),
    ] = 10.0,
    body_timeout: Annotated[
        float, typer.Option("--body-timeout", help="Seconds a request body may take to arrive (then 408).", min=0.1)
    ] = 10.0,
    max_body_bytes: Annotated[
        int,
        typer.Option(
            "--max-body-bytes", help="Largest request body accepted (then 413); images sent inline count.", min=1
        ),
    ] = 1_000_000,
    max_concurrent_remote: Annotated[
        int,
        typer.Option(
            "--max-concurrent-remote",
            help="Remote-model calls running at once, all clients together; more get 429 (0: no limit).",
            min=0,
        ),
    ] = 8,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "warning",
    access_log: Annotated[bool, typer.Option("--access-log", help="Log each request (path and status).")] = False,
) -> None:
    """Serve this agentnet over HTTP: OpenAI-compatible chat completions, models, agent card, directory search."""
    from agentnet.server.shutdown import sigterm_ends_cleanly

    # From the start, not only once uvicorn runs: a SIGTERM while the models and the directory load
    # killed the process (-15), its exit handlers skipped, where one a moment later ended it with 0.
    with sigterm_ends_cleanly():
        _serve(
            token_env, token_file, config, log_level, access_log,
            {
                "host": host, "port": port, "name": name, "public_url": public_url,
                "allowed_origins": allow_origin or [], "local_concurrency": concurrency, "local_queue": queue,
                "max_hops": max_hops, "publish_peer_cards": publish_peers, "peer_refresh_s": peer_refresh,
                "header_timeout_s": header_timeout, "body_timeout_s": body_timeout,
                "max_body_bytes": max_body_bytes, "max_concurrent_remote": max_concurrent_remote,
            },
        )  # fmt: skip


def _serve(
    token_env: str | None,
    token_file: Path | None,
    config: Path | None,
    log_level: str,
    access_log: bool,
    options: dict[str, Any],
) -> None:
    from agentnet.cli.server_token import server_token
    from agentnet.server.runner import app_from_config, listen, run
    from agentnet.server.settings import ServerSettings

    token = server_token(token_env, token_file)
    settings = ServerSettings.model_validate({**options, "token": token})
    # Bound before the models load: a busy port fails at once, and port 0 is known to the agent card.
    sock, settings = listen(settings)
    app = app_from_config(settings, config)
    run(app, settings, log_level=log_level, access_log=access_log, sock=sock)
