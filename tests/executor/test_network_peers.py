"""A Network built for the CLI or a library user sees the peers saved with `agentnet peers add`."""

from __future__ import annotations

from agentnet.cards import CapabilityCard
from agentnet.federation.store import PeerRecord, PeerStore
from agentnet.network import Network


def test_network_attaches_saved_peer_cards_as_nodes(refused_url: str) -> None:
    card = CapabilityCard(id="b/poet", description="writes short poems", locality="remote", provider="peer:b")
    PeerStore().save([PeerRecord(name="b", url=refused_url, api_base=f"{refused_url}/v1", cards=[card])])
    net = Network.from_config()
    try:
        node = net.node("b/poet")
        assert node.card.provider == "peer:b"
        assert "b/poet" in net.registry.ids()
    finally:
        net.close()
