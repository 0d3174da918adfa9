"""``InMemorySource``: a directory held in memory, for a tool file (``agentnet plan --tools``) or the
declared models' cards when no directory has been built yet.

It embeds exactly the entries the chromadb ``Directory`` embeds (``entries.card_entries``: the card and
each of its skills) with the same shared embedder, ranks a card by its best entry, and applies the
same ``SearchFilters``; only chromadb is missing, which would cost more to start than planning.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from agentnet.cards import CapabilityCard
from agentnet.directory.entries import card_entries
from agentnet.directory.query import Candidate, SearchFilters

if TYPE_CHECKING:
    import numpy as np


class InMemorySource:
    """A ``CardSource`` held in memory: cosine similarity over the shared MiniLM embeddings."""

    def __init__(self, cards: list[CapabilityCard]) -> None:
        self._cards = {card.id: card for card in cards}
        self._order = list(self._cards)
        # Row i of the matrix is an entry of card self._owner[i].
        self._owner: list[int] = []
        self._matrix: np.ndarray | None = None
        self._lock = threading.Lock()

    def _vectors(self) -> np.ndarray:
        with self._lock:
            if self._matrix is None:
                from agentnet.directory.embedder import shared_embedder

                texts: list[str] = []
                for index, card_id in enumerate(self._order):
                    for entry in card_entries(self._cards[card_id]):
                        texts.append(entry.document)
                        self._owner.append(index)
                self._matrix = shared_embedder().embed(texts)
            return self._matrix

    def search(self, text: str, k: int = 5, filters: SearchFilters | None = None) -> list[Candidate]:
        if not self._order or k <= 0:
            return []
        from agentnet.directory.embedder import shared_embedder

        sims = self._vectors() @ shared_embedder().embed_one(text)
        best: dict[int, float] = {}
        for row, card_index in enumerate(self._owner):
            best[card_index] = max(best.get(card_index, -1.0), float(sims[row]))
        allowed = filters or SearchFilters()
        out: list[Candidate] = []
        for card_index in sorted(best, key=lambda i: -best[i]):
            card = self._cards[self._order[card_index]]
            if allowed.rejects(card) is not None:
                continue
            score = best[card_index]
            out.append(Candidate(card_id=card.id, score=score, score_parts={"semantic": score}, why="semantic match"))
            if len(out) >= k:
                break
        return out

    def get(self, card_id: str) -> CapabilityCard | None:
        return self._cards.get(card_id)

    def cards(self) -> list[CapabilityCard]:
        return [self._cards[i] for i in self._order]

    def close(self) -> None:
        """Nothing to release (a ``CardSource`` a plan closes after, like the directory)."""
