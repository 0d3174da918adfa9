"""Peering: read a peer's agent card, keep its cards locally, and put them where runs find them.

``add``/``refresh`` fetch ``<url>/.well-known/agent-card.json`` (no redirects, bounded size); a peer
transport (``register_peer_transports``; built-ins in ``plugin.py``) reads it. A card with agentnet's
capability-card extension is an agentnet server: its cards are kept as published and reached on its
OpenAI-compatible API (``PeerNode``, litellm). Any other A2A agent card makes each skill a card
(``a2a_agent.py``), reached through a2a-sdk's client (``A2APeerNode``). Everything else
is one path for both: the record, the token bound to the origin added, the directory mirror, the
federation headers. A peer that does not answer keeps its cards, marked unavailable (never
deleted). ``sync_directory`` mirrors peer cards into the capability directory (each peer's cards
under provider ``peer:<name>``, other cards untouched); ``attach`` registers a node per card in a
``NodeRegistry`` so runs resolve them.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import ValidationError

from agentnet.cards import CapabilityCard
from agentnet.errors import AgentnetError, ConfigError, ModelCallError, UserError
from agentnet.federation.deadline_http import Deadline
from agentnet.federation.store import (
    PeerRecord,
    PeerStore,
    foreign_api_base,
    local_card,
    now_iso,
    origin,
    peer_name_from,
    read_token,
)
from agentnet.redact import redact_url

if TYPE_CHECKING:
    from agentnet.nodes.base import ModelNode
    from agentnet.plugins.kinds import PeerTransport

AGENTNET_EXTENSION = "https://agentnet.dev/extensions/capability-cards/v1"
AGENT_CARD_PATH = "/.well-known/agent-card.json"
MAX_CARD_BYTES = 5_000_000
FETCH_TIMEOUT_S = 10.0

log = logging.getLogger("agentnet.federation")


def agentnet_extension(document: dict[str, Any]) -> dict[str, Any] | None:
    """The agentnet capability-card extension of an agent card: present only on agentnet servers."""
    capabilities = document.get("capabilities")
    extensions = capabilities.get("extensions") if isinstance(capabilities, dict) else None
    for extension in extensions if isinstance(extensions, list) else []:
        if isinstance(extension, dict) and extension.get("uri") == AGENTNET_EXTENSION:
            return extension
    return None


def cards_from_agent_card(document: Any) -> tuple[str, list[CapabilityCard]]:
    """The api_base and capability cards an agentnet agent card publishes (ValueError if none)."""
    if not isinstance(document, dict):
        raise ValueError("the agent card is not a JSON object")
    extension = agentnet_extension(document)
    if extension is None:
        raise ValueError("the agent card has no agentnet capability-card extension (is it an agentnet server?)")
    params = extension.get("params") or {}
    api_base = str(params.get("api_base") or document.get("url") or "")
    raw = params.get("cards") or []
    if not isinstance(raw, list):
        raise ValueError("the agentnet extension's 'cards' is not a list")
    return api_base, [CapabilityCard.model_validate(item) for item in raw]


def normalize_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise UserError(f"peer URL {url!r} must start with http:// or https://", hint="e.g. http://127.0.0.1:8001")
    for suffix in ("/v1", AGENT_CARD_PATH):
        if url.endswith(suffix):
            url = url[: -len(suffix)]
    return url


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """urllib would follow a redirect anywhere with the Authorization header still on the request."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        raise ModelCallError(
            f"peer {origin_url(req.full_url)} redirects its agent card to {redact_url(newurl)}: refused "
            "(a peer's token goes only to the URL you added)",
            hint="add the peer by the URL it redirects to, if you trust it",
            code="peer_redirect",
        )


def origin_url(url: str) -> str:
    scheme, host, port = origin(url)
    return f"{scheme}://{host}:{port}"


def fetch_agent_card(url: str, token: str | None = None, timeout_s: float = FETCH_TIMEOUT_S) -> dict[str, Any]:
    """GET the peer's agent card (no redirects); ModelCallError when it cannot be reached or read."""
    request = urllib.request.Request(url + AGENT_CARD_PATH, headers={"Accept": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    deadline = Deadline(timeout_s)  # for the whole exchange: the socket timeout bounds each wait only
    opener = urllib.request.build_opener(_NoRedirect, *deadline.handlers())
    deadline.start()
    try:
        with opener.open(request, timeout=timeout_s) as response:
            body = response.read(MAX_CARD_BYTES + 1)
        if deadline.expired:  # the read was cut short
            raise TimeoutError
    except urllib.error.HTTPError as exc:
        raise ModelCallError(
            f"peer {url} answered HTTP {exc.code} for its agent card",
            hint="check the URL and, if the peer needs a token, --token-env",
            code="peer_unavailable",
        ) from None
    except (urllib.error.URLError, OSError, TimeoutError, http.client.HTTPException) as exc:
        if deadline.expired:
            raise ModelCallError(
                f"peer {url} did not send its agent card within {timeout_s:g} s",
                hint="check that the peer answers; a peer that sends its card slowly is refused",
                code="peer_unavailable",
            ) from None
        reason = getattr(exc, "reason", exc)
        raise ModelCallError(
            f"peer {url} cannot be reached: {reason}",
            hint="check that `agentnet serve` runs there and the address is right",
            code="peer_unavailable",
        ) from None
    finally:
        deadline.cancel()
    if len(body) > MAX_CARD_BYTES:
        raise ModelCallError(f"peer {url} sent an agent card over {MAX_CARD_BYTES} bytes", code="peer_invalid")
    try:
        document = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ModelCallError(
            f"peer {url} sent an agent card that is not JSON: {exc.msg}", code="peer_invalid"
        ) from None
    if not isinstance(document, dict):
        raise ModelCallError(f"peer {url} sent an agent card that is not a JSON object", code="peer_invalid")
    return document


def token_warning(record: PeerRecord) -> str | None:
    """A warning when the peer's token would travel in clear text beyond this machine."""
    if record.token_env and origin(record.url)[0] == "http" and not record.loopback:
        return (
            f"peer {record.name}: its token ({record.token_env}) travels over plain http to {record.url}; "
            "anyone on the path can read it. Use https:// for peers beyond this machine."
        )
    return None


def agentnet_record(url: str, name: str, token_env: str | None, document: dict[str, Any]) -> PeerRecord:
    """The peer record of an agentnet server whose agent card is ``document`` (fetched from ``url``)."""
    try:
        api_base, remote_cards = cards_from_agent_card(document)
    except (ValueError, ValidationError) as exc:
        raise ModelCallError(f"peer {url} published an unusable agent card: {exc}", code="peer_invalid") from None
    api_base = api_base.rstrip("/") or url + "/v1"
    if origin(api_base) != origin(url):
        raise foreign_api_base(url, api_base)
    record = PeerRecord(
        name=name,
        url=url,
        api_base=api_base,
        token_env=token_env,
        refreshed_at=now_iso(),
    )
    record.cards = [local_card(record, card) for card in remote_cards]
    return record


def transport_for(url: str, document: dict[str, Any]) -> PeerTransport:
    """The transport that reaches the agent whose card is ``document``: the first whose ``detect``
    claims it, else the fallback (built-ins: ``openai`` for agentnet servers, ``a2a`` for the rest)."""
    from agentnet.plugins.kinds import peer_transports
    from agentnet.plugins.manager import plugin_manager

    transports = list(peer_transports().values())
    for transport in transports:
        if transport.detect is None:
            continue
        try:
            claimed = transport.detect(document)
        except Exception as exc:  # noqa: BLE001 — a plugin's detector must not stop peering: report it
            plugin_manager().fail(transport.plugin, f"failed detecting a peer card: {type(exc).__name__}: {exc}")
            continue
        if claimed:
            return transport
    for transport in transports:
        if transport.detect is None:
            return transport
    raise ModelCallError(f"no peer transport reads the agent card of {url}", code="peer_invalid")


def _record_from(url: str, name: str | None, token_env: str | None, document: dict[str, Any]) -> PeerRecord:
    name = name or peer_name_from(str(document.get("name") or url.split("://", 1)[-1]))
    transport = transport_for(url, document)
    try:
        record = transport.read(url, name, token_env, document)
    except AgentnetError:
        raise
    except Exception as exc:  # noqa: BLE001 — a plugin's reader: its failure named, not a traceback
        failed = f"failed reading the agent card of {url}: {type(exc).__name__}: {exc}"
        raise _transport_failed(transport, failed) from None
    if not isinstance(record, PeerRecord) or record.transport != transport.name:
        raise ModelCallError(
            f"peer transport {transport.name!r} ({_origin(transport)}) returned no PeerRecord with "
            f"transport={transport.name!r} for {url}",
            code="peer_invalid",
        )
    return record


def _origin(transport: PeerTransport) -> str:
    from agentnet.plugins.manager import plugin_manager

    return plugin_manager().origin(transport.plugin)


def _transport_failed(transport: PeerTransport, what: str, peer: str | None = None) -> ConfigError:
    """A peer transport's code (a plugin's) that raised or returned the wrong thing, with the plugin and the way out."""
    from agentnet.plugins.manager import plugin_manager

    remove = f"; or `agentnet peers remove {peer}`" if peer else ""
    return ConfigError(
        f"peer transport {transport.name!r} ({_origin(transport)}) {what}",
        hint=f"{plugin_manager().way_out(transport.plugin)}{remove}",
        code="peer_transport_failed",
    )


@dataclass
class RefreshResult:
    name: str
    available: bool
    cards: int
    error: str | None = None


class CardWriter(Protocol):
    def sync(self, cards: list[CapabilityCard], provider: str = "model") -> dict[str, int]: ...


class NodeSink(Protocol):
    def register_node(self, node: Any, *, replace: bool = False) -> Any: ...


class Peers:
    """The peer operations behind ``agentnet peers ...`` and the server's startup."""

    def __init__(self, store: PeerStore | None = None) -> None:
        self.store = store or PeerStore()

    def add(self, url: str, *, token_env: str | None = None, name: str | None = None) -> PeerRecord:
        url = normalize_url(url)
        if name is not None and any(p.name == name for p in self.store.load()):
            raise UserError(f"a peer named {name!r} exists already", hint=f"`agentnet peers remove {name}` first")
        document = fetch_agent_card(url, read_token(token_env))
        record = _record_from(url, name, token_env, document)
        if name is None and any(p.name == record.name and p.url != url for p in self.store.load()):
            raise UserError(
                f"another peer is already called {record.name!r}",
                hint="give this one a name with --name",
            )
        self.store.put(record)
        return record

    def refresh(self, name: str | None = None) -> list[RefreshResult]:
        """Re-read each peer's agent card; unreachable peers keep their cards, marked unavailable."""
        results = []
        peers = self.store.load()
        updated: list[PeerRecord] = []
        for peer in peers:
            if name is not None and peer.name != name:
                updated.append(peer)
                continue
            try:
                document = fetch_agent_card(peer.url, read_token(peer.token_env))
                fresh = _record_from(peer.url, peer.name, peer.token_env, document)
                fresh.added_at = peer.added_at
                updated.append(fresh)
                results.append(RefreshResult(peer.name, True, len(fresh.cards)))
            except (ModelCallError, ConfigError) as exc:
                down = self.mark_unavailable(peer, exc.message)
                updated.append(down)
                results.append(RefreshResult(peer.name, False, len(down.cards), exc.message))
        if name is not None and not results:
            self.store.get(name)  # raises NotFoundError naming the known peers
        # Fetching took a while: merge into the file as it is now, so a peer added or removed
        # meanwhile (another process) is neither lost nor brought back.
        fresh_by_name = {p.name: p for p in updated}
        self.store.save([fresh_by_name.get(p.name, p) for p in self.store.load()])
        return results

    @staticmethod
    def mark_unavailable(peer: PeerRecord, error: str) -> PeerRecord:
        cards = [card.model_copy(update={"available": False}) for card in peer.cards]
        return peer.model_copy(update={"available": False, "last_error": error[:500], "cards": cards})

    def remove(self, name: str) -> PeerRecord:
        return self.store.remove(name)

    def list(self) -> list[PeerRecord]:
        return self.store.load()


def sync_directory(directory: CardWriter, peers: list[PeerRecord], removed: Sequence[str] = ()) -> dict[str, int]:
    """Mirror peer cards into the directory; ``removed`` peers lose their cards there."""
    totals = {"changed": 0, "removed": 0, "unchanged": 0}
    for peer in peers:
        for key, value in directory.sync(peer.cards, provider=peer.provider).items():
            totals[key] = totals.get(key, 0) + value
    for name in removed:
        for key, value in directory.sync([], provider=f"peer:{name}").items():
            totals[key] = totals.get(key, 0) + value
    return totals


def peer_node(record: PeerRecord, card: CapabilityCard) -> ModelNode:
    """The node that reaches ``card`` on its peer, by the peer's transport (a plugin's or built-in)."""
    from agentnet.plugins.kinds import peer_transports

    transport = peer_transports().get(record.transport)
    if transport is None:
        raise ConfigError(
            f"peer {record.name} is reached by transport {record.transport!r}, which no installed plugin provides",
            hint=f"install the plugin that provides it, or `agentnet peers remove {record.name}`",
            code="peer_transport_unknown",
        )
    try:
        node = transport.node(record, card)
    except AgentnetError:
        raise
    except Exception as exc:  # noqa: BLE001 — a plugin's node factory: its failure named, not a traceback
        failed = f"failed building the node for {card.id!r}: {type(exc).__name__}: {exc}"
        raise _transport_failed(transport, failed, record.name) from None
    from agentnet.nodes.base import ModelNode

    if not isinstance(node, ModelNode) or node.node_id != card.id:
        shown = repr(node)[:200]
        raise _transport_failed(transport, f"returned {shown} for {card.id!r}, not a node with that id", record.name)
    return node


def peer_nodes(peers: list[PeerRecord], needed: str | None = None) -> dict[str, ModelNode]:
    """The node of every peer card, by id. A card whose node cannot be made (its transport's plugin
    missing or failing) is left out with a warning, so one peer does not stop every run; but not the
    ``needed`` one (``ask -m PEER/ID``): its error is raised."""
    nodes = {}
    for peer in peers:
        for card in peer.cards:
            try:
                nodes[card.id] = peer_node(peer, card)
            except AgentnetError as exc:
                if card.id == needed:
                    raise
                log.warning("%s; its card %s is left out\n  hint: %s", exc.message, card.id, exc.hint)
    return nodes


def attach(registry: NodeSink, peers: list[PeerRecord], needed: str | None = None) -> list[str]:
    """Register a peer node for every peer card in ``registry`` (``peer_nodes``); returns the ids attached."""
    nodes = peer_nodes(peers, needed)
    for node in nodes.values():
        registry.register_node(node, replace=True)
    return list(nodes)


def attach_saved(registry: NodeSink, store: PeerStore | None = None) -> list[str]:
    """Attach the peers saved in ``$AGENTNET_HOME/peers.yaml`` (for a ``Network`` outside the server)."""
    return attach(registry, (store or PeerStore()).load())


def attach_peer_of(registry: NodeSink, model_id: str | None) -> None:
    """For ``agentnet ask -m PEER/ID``: attach the saved peers when the id names a peer's card (a
    model id has no slash), as ``agentnet serve`` takes ``b/poet``; a local model's call never reads
    peers.yaml."""
    if model_id is not None and "/" in model_id:
        attach(registry, PeerStore().load(), needed=model_id)
