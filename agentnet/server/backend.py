"""What the HTTP layer serves: nodes by id, their cards, the directory, and (optionally) the network.

The server does not build models itself; it is handed a node source (the ``NodeRegistry`` or
anything with ``node(id)``, ``ids()``, ``cards()``), optional extra nodes (e.g. scripted ones in
tests and benchmarks), an optional directory and an optional network facade.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from agentnet.cards import CapabilityCard
from agentnet.directory.query import Candidate, SearchFilters
from agentnet.errors import NotFoundError
from agentnet.nodes.base import ModelNode

if TYPE_CHECKING:
    from agentnet.server.peer_view import PeerView

NETWORK_MODEL_ID = "agentnet"


@runtime_checkable
class NodeSource(Protocol):
    def node(self, node_id: str) -> ModelNode: ...

    def ids(self) -> list[str]: ...

    def cards(self) -> list[CapabilityCard]: ...


@runtime_checkable
class SearchSource(Protocol):
    def search(self, text: str, k: int = 5, filters: SearchFilters | None = None) -> list[Candidate]: ...

    def cards(self) -> list[CapabilityCard]: ...


def is_peer_card(card: CapabilityCard) -> bool:
    return card.provider.startswith("peer:")


class Backend:
    """The server's view of one agentnet: every lookup goes through here."""

    def __init__(
        self,
        source: NodeSource | None = None,
        *,
        nodes: Sequence[ModelNode] = (),
        directory: SearchSource | None = None,
        network: Any = None,
        peers: PeerView | None = None,
    ) -> None:
        self.source = source
        self.extra = {node.node_id: node for node in nodes}
        self.directory = directory
        self.network = network
        self.peers = peers

    # --- nodes -----------------------------------------------------------------------------

    def local_ids(self) -> list[str]:
        return [card.id for card in self.local_cards()]

    def local_cards(self) -> list[CapabilityCard]:
        """Cards of the nodes this server runs itself (what it publishes to peers)."""
        cards = [node.card for node in self.extra.values()]
        if self.source is not None:
            cards += [c for c in self.source.cards() if c.id not in self.extra and not is_peer_card(c)]
        return cards

    def remote_cards(self) -> list[CapabilityCard]:
        """Cards this server reaches through others (its peers)."""
        if self.peers is None:
            return []
        local = set(self.local_ids())
        return [card for card in self.peers.cards() if card.id not in local]

    def node(self, node_id: str) -> ModelNode:
        """The node serving ``node_id``; may load a model, so call it off the event loop."""
        if node_id in self.extra:
            return self.extra[node_id]
        if self.peers is not None:
            peer_node = self.peers.node(node_id)
            if peer_node is not None:
                return peer_node
        if self.source is not None and node_id in self.source.ids():
            return self.source.node(node_id)
        known = ", ".join(self.model_ids()[:20]) or "none"
        raise NotFoundError(
            f"the model {node_id!r} does not exist on this server",
            hint=f"GET /v1/models lists the models served here ({known})",
        )

    def model_ids(self) -> list[str]:
        ids = self.local_ids() + [c.id for c in self.remote_cards()]
        if self.network is not None:
            ids.append(NETWORK_MODEL_ID)
        return ids

    def is_local(self, node: ModelNode) -> bool:
        return node.card.locality == "local" and not is_peer_card(node.card)

    # --- directory -------------------------------------------------------------------------

    def search(self, text: str, k: int, filters: SearchFilters | None) -> list[Candidate]:
        if self.directory is None:
            raise NotFoundError(
                "this server has no capability directory",
                hint="start `agentnet serve` with a directory configured (directory.url or the default)",
            )
        return self.directory.search(text, k=k, filters=filters)
