"""Peer records: other agentnet servers and A2A agents this one collaborates with, kept in
``$AGENTNET_HOME/peers.yaml``.

A record keeps the peer's URL, how it is reached (``transport``: an agentnet server's
OpenAI-compatible API at ``api_base``, any A2A agent's A2A interface at ``api_base``, or a plugin's), the *name*
of the environment variable holding its token (never the token), when it was last reached, and the
capability cards it published, already translated to local cards (``<peer>/<remote id>``, provider
``peer:<peer>``). A peer that cannot be reached keeps its cards, marked unavailable, so the planner
skips them until the next successful refresh.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agentnet.cards import PEER_TOOL_TAG, CapabilityCard, is_model
from agentnet.errors import ConfigError, ModelCallError, NotFoundError
from agentnet.home import home_path
from agentnet.hosts import is_loopback_url
from agentnet.nodes.keys import lookup_secret
from agentnet.redact import redact_url
from agentnet.yamlfile import load_yaml_list, save_yaml_file

PEERS_FILE = "peers.yaml"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, default ports filled in: what a token is bound to."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(scheme)


def read_token(token_env: str | None) -> str | None:
    """The token held in the peer's variable (environment or .env); ConfigError when it is unset."""
    if not token_env:
        return None
    secret = lookup_secret(token_env)
    if secret is None:
        raise ConfigError(
            f"the peer token variable {token_env} is not set",
            hint=f"export {token_env}=<the peer's token> (or put it in ./.env or $AGENTNET_HOME/.env)",
        )
    return secret.get_secret_value()


def foreign_api_base(url: str, api_base: str) -> ModelCallError:
    """The refusal of a peer whose card sends calls to another origin than the URL added."""
    return ModelCallError(
        f"peer {url} points its API at {redact_url(api_base)}, another origin than the one you added: "
        "refused (its token and your prompts go only to the scheme, host and port you added)",
        hint="if that server really is the peer, add it by that URL: agentnet peers add <its URL>",
        code="peer_foreign_api_base",
    )


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def peer_name_from(text: str) -> str:
    """A peer name from an agent card name or URL: lower case letters, digits, '.', '-', '_'."""
    slug = re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-.") or "peer"
    return slug[:63]


class PeerRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    url: str
    # Where calls go: the OpenAI-compatible API of an agentnet peer, or an A2A agent's interface URL.
    api_base: str
    # The peer transport that reaches it (built-ins: "openai", "a2a"; a plugin may add others).
    transport: str = Field(default="openai", pattern=r"^[a-z][a-z0-9_-]{0,63}$")
    # For A2A agents: the interface's protocol binding (JSONRPC, HTTP+JSON) and A2A version.
    protocol_binding: str | None = None
    protocol_version: str | None = None
    # For A2A agents: the card declares streaming (steps then use SendStreamingMessage).
    streaming: bool = False
    token_env: str | None = None
    added_at: str = Field(default_factory=now_iso)
    refreshed_at: str | None = None
    available: bool = True
    last_error: str | None = None
    cards: list[CapabilityCard] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("a peer name uses lower-case letters, digits, '.', '-' and '_' (at most 63)")
        return value

    @model_validator(mode="after")
    def _api_base_on_the_added_origin(self) -> PeerRecord:
        # The peer's token (and the prompts) go to api_base: only ever to the origin the user added.
        if origin(self.api_base) != origin(self.url):
            raise ValueError(
                f"api_base {self.api_base} is not on the origin added ({self.url}): refusing to send the "
                "peer's token or prompts elsewhere; add the peer by the URL it serves from"
            )
        return self

    @property
    def provider(self) -> str:
        return f"peer:{self.name}"

    @property
    def loopback(self) -> bool:
        return is_loopback_url(self.url)


class PeersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    peers: list[PeerRecord] = Field(default_factory=list)


def local_card(peer: PeerRecord, remote: CapabilityCard) -> CapabilityCard:
    """How a peer's card appears in this agentnet: namespaced id, remote, reached through the peer."""
    data = remote.model_dump()
    data.update(
        id=f"{peer.name}/{remote.id}",
        name=f"{remote.display_name} (peer {peer.name})",
        locality="remote",
        data_leaves_host=remote.data_leaves_host or not peer.loopback,
        provider=peer.provider,
        available=remote.available,
        tags=sorted({*remote.tags, "peer", peer.name, *_tool_tag(remote)}),
    )
    return CapabilityCard.model_validate(data)


def _tool_tag(remote: CapabilityCard) -> tuple[str, ...]:
    """A tool on the peer stays a tool here (``is_model``): a chat model must not stand in for it."""
    return () if is_model(remote) else (PEER_TOOL_TAG,)


def remote_id(peer: PeerRecord, card: CapabilityCard) -> str:
    """The model id to ask the peer for (the card id without this side's ``<peer>/`` prefix)."""
    prefix = f"{peer.name}/"
    return card.id[len(prefix) :] if card.id.startswith(prefix) else card.id


class PeerStore:
    """Load/save ``peers.yaml``; every change is written atomically (temp file + rename)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else home_path(PEERS_FILE)

    def load(self) -> list[PeerRecord]:
        return load_yaml_list(self.path, PeersFile, "peers", "peers file")

    def mtime(self) -> float:
        try:
            return self.path.stat().st_mtime
        except FileNotFoundError:
            return 0.0

    def save(self, peers: list[PeerRecord]) -> None:
        body = PeersFile(peers=peers).model_dump(mode="json")
        save_yaml_file(
            self.path, body, "agentnet peers (written by `agentnet peers ...`; tokens are never stored here)"
        )

    def get(self, name: str) -> PeerRecord:
        for peer in self.load():
            if peer.name == name:
                return peer
        raise self._not_found(name)

    def put(self, record: PeerRecord) -> None:
        peers = [p for p in self.load() if p.name != record.name]
        peers.append(record)
        self.save(peers)

    def remove(self, name: str) -> PeerRecord:
        peers = self.load()
        kept = [p for p in peers if p.name != name]
        if len(kept) == len(peers):
            raise self._not_found(name)
        self.save(kept)
        return next(p for p in peers if p.name == name)

    def cards(self) -> list[CapabilityCard]:
        return [card for peer in self.load() for card in peer.cards]

    def _not_found(self, name: str) -> NotFoundError:
        known = ", ".join(p.name for p in self.load()) or "none"
        return NotFoundError(f"no peer named {name!r} (known: {known})", hint="`agentnet peers list` shows them")
