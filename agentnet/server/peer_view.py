"""The running server's view of its peers: ``peers.yaml`` re-read when it changes, so
``agentnet peers add/remove/refresh`` take effect without a restart."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from agentnet.cards import CapabilityCard
from agentnet.errors import AgentnetError
from agentnet.federation.peers import Peers, attach, peer_nodes, sync_directory
from agentnet.federation.store import PeerRecord, PeerStore
from agentnet.nodes.base import ModelNode

log = logging.getLogger("agentnet.server")


class PeerView:
    """Peer cards and nodes, reloaded at most every ``min_interval_s`` when the file changed.

    When given, ``registry`` (anything with ``register_node``) gets a node per peer card and
    ``directory`` (anything with ``sync``) mirrors the cards, so plans can route steps to peers.
    """

    def __init__(
        self,
        store: PeerStore | None = None,
        *,
        registry: Any = None,
        directory: Any = None,
        min_interval_s: float = 1.0,
    ) -> None:
        self.store = store or PeerStore()
        self.registry = registry
        self.directory = directory
        self.min_interval_s = min_interval_s
        self._lock = threading.Lock()
        self._checked = 0.0
        self._mtime = -1.0
        self._peers: list[PeerRecord] = []
        self._nodes: dict[str, ModelNode] = {}

    def _maybe_reload(self) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._checked < self.min_interval_s:
                return
            self._checked = now
            mtime = self.store.mtime()
            if mtime == self._mtime:
                return
            before = {p.name for p in self._peers}
            try:
                peers = self.store.load()
            except AgentnetError as exc:
                log.warning("peers file unreadable, keeping the previous peers: %s", exc.message)
                return
            gone = [p for p in self._peers if p.name not in {q.name for q in peers}]
            self._mtime = mtime
            self._peers = peers
            self._nodes = peer_nodes(peers)
        removed = sorted(before - {p.name for p in peers})
        if self.registry is not None and hasattr(self.registry, "register_node"):
            # A registry cannot forget a node: a removed peer's cards stay there, marked unavailable,
            # so the directory sync and the planner skip them.
            attach(self.registry, [Peers.mark_unavailable(p, "peer removed") for p in gone])
            attach(self.registry, peers)
        if self.directory is not None and hasattr(self.directory, "sync"):
            try:
                sync_directory(self.directory, peers, removed)
            except AgentnetError as exc:
                log.warning("could not mirror peer cards into the directory: %s", exc.message)

    def start(self) -> list[PeerRecord]:
        """The first load, when the server starts: a broken peers file stops the start with its file,
        line and the fix (a later edit gone wrong keeps the peers already loaded, with a warning)."""
        self.store.load()
        return self.peers()

    def peers(self) -> list[PeerRecord]:
        self._maybe_reload()
        return list(self._peers)

    def cards(self) -> list[CapabilityCard]:
        return [card for peer in self.peers() for card in peer.cards]

    def node(self, card_id: str) -> ModelNode | None:
        self._maybe_reload()
        return self._nodes.get(card_id)
