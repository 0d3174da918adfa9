"""Server settings: where to bind, who may call, and the limits every request is held to.

Nothing here reads the environment by itself: the CLI resolves ``--token-env`` or ``--token-file``
and hands the token in.
"""

from __future__ import annotations

import secrets

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from agentnet.errors import ConfigError
from agentnet.federation.headers import DEADLINE_HEADER, HOPS_HEADER, VIA_HEADER
from agentnet.hosts import is_loopback_host

__all__ = ["DEADLINE_HEADER", "HOPS_HEADER", "MAX_BODY_BYTES", "VIA_HEADER", "ServerSettings"]

# The largest request body (``--max-body-bytes``); `agentnet mcp serve` holds a stdio call's text to it too.
MAX_BODY_BYTES = 1_000_000


class ServerSettings(BaseModel):
    """How one ``agentnet serve`` process behaves. Defaults are the safe ones."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    # Bearer token every request except /healthz and the agent card must carry; required off loopback.
    token: SecretStr | None = None
    # The name peers see (agent card "name"); defaults to "agentnet@host:port".
    name: str | None = None
    description: str = "An agentnet node: local and remote models behind one OpenAI-compatible API."
    # The URL peers use to reach this server (defaults to http://host:port); set it behind a proxy.
    public_url: str | None = None
    # Browser origins allowed to call; any other Origin header is refused (non-browser clients send none).
    allowed_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = Field(default=MAX_BODY_BYTES, gt=0)
    # Request bodies held in memory at once, all requests together (each is read whole before its
    # route runs); beyond it a request gets 503 with Retry-After. At least one max_body_bytes body fits.
    body_memory_bytes: int = Field(default=64_000_000, gt=0)
    # A request's line and headers, then its body, must each arrive within this many seconds (a slow
    # drip, or a connection that sends nothing, holds a connection otherwise).
    header_timeout_s: float = Field(default=10.0, gt=0)
    # A request's line and headers together (431 beyond): browsers' cookies and bearer tokens fit well.
    max_header_bytes: int = Field(default=65_536, gt=0)
    body_timeout_s: float = Field(default=10.0, gt=0)
    # A streamed answer (SSE) whose client reads nothing for this long is ended and its connection
    # closed: the model's slot it holds is freed (a client that never reads held it indefinitely).
    stream_send_timeout_s: float = Field(default=30.0, gt=0)
    # Clients following runs (GET /v1/runs/{id}/events) at once, all runs together; beyond it, 429.
    max_run_followers: int = Field(default=500, gt=0)
    max_messages: int = Field(default=256, gt=0)
    max_tokens_limit: int = Field(default=8192, gt=0)
    max_n: int = Field(default=1, ge=1)
    # Per local model: calls running at once, and calls allowed to wait; beyond that, 429.
    local_concurrency: int = Field(default=1, gt=0)
    local_queue: int = Field(default=4, ge=0)
    # Calls to remote models (providers, peers) running at once, all clients together; beyond that,
    # 429 with Retry-After (one client cannot run up a paid provider's bill or rate limit). 0: no limit.
    max_concurrent_remote: int = Field(default=8, ge=0)
    # Federation guards: a request that already crossed this many servers is refused.
    max_hops: int = Field(default=4, ge=1)
    # Deadline of one request when the caller gives none (seconds).
    default_deadline_s: float = Field(default=300.0, gt=0)
    # Re-read peers' agent cards this often (seconds; 0 = only on `agentnet peers refresh`): a peer
    # that went down gets its cards marked unavailable, and available again when it is back.
    peer_refresh_s: float = Field(default=300.0, ge=0)
    # Publish skills this server reaches through its own peers (transitive federation).
    publish_peer_cards: bool = False
    # A random id per process: lets a server recognise its own requests coming back (A -> B -> A).
    instance_id: str = Field(default_factory=lambda: secrets.token_hex(6))

    def check_bind(self) -> None:
        """Refuse to listen beyond loopback without a token (before any socket is opened)."""
        if not is_loopback_host(self.host) and (self.token is None or not self.token.get_secret_value()):
            raise ConfigError(
                f"refusing to listen on {self.host}: any address other than loopback needs a bearer token",
                hint="export a long random token, e.g. AGENTNET_TOKEN=$(openssl rand -hex 32), "
                "and pass --token-env AGENTNET_TOKEN (or keep it in a file only you can read: --token-file PATH)",
            )

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = self.host
        if host in {"0.0.0.0", "::"}:
            host = "127.0.0.1"
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def display_name(self) -> str:
        return self.name or f"agentnet@{self.base_url.split('://', 1)[-1]}"
