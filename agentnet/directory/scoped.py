"""The cards this instance can run, out of a directory other instances share.

A ``chroma run`` directory holds the model and tool cards of every instance that syncs into it (see
docs/serving.md, one directory for several servers): each sees them all, but a model that only another
instance's agentnet.yaml declares has no node here. Planned, such a card failed its step ("no node
serves card ...") and the run fell through to unrelated fallbacks. The planner reads the directory
through this view: model and tool cards only when this instance runs them; peers', MCP servers',
imported and external cards as they are (each has its own way of being reached, or of failing clearly).
"""

from __future__ import annotations

from collections.abc import Callable

from agentnet.cards import CapabilityCard
from agentnet.directory.query import Candidate, CardSource, SearchFilters
from agentnet.directory.sync import REGISTRY_PROVIDERS


class RunnableCards:
    """``source`` without the model and tool cards for which ``runs(card_id)`` is false."""

    def __init__(self, source: CardSource, runs: Callable[[str], bool]) -> None:
        self._source = source
        self._runs = runs

    def keeps(self, card: CapabilityCard) -> bool:
        return card.provider not in REGISTRY_PROVIDERS or self._runs(card.id)

    def cards(self) -> list[CapabilityCard]:
        return [card for card in self._source.cards() if self.keeps(card)]

    def get(self, card_id: str) -> CapabilityCard | None:
        card = self._source.get(card_id)
        return card if card is not None and self.keeps(card) else None

    def search(self, text: str, k: int = 5, filters: SearchFilters | None = None) -> list[Candidate]:
        """The source's best ``k`` this instance keeps, asked for in growing batches: reading every card
        to learn which are hidden made each search cost the whole directory (the planner searches
        several times a plan)."""
        wanted = k
        while True:
            found = self._source.search(text, wanted, filters)
            kept = [candidate for candidate in found if self._keeps_candidate(candidate)]
            if len(kept) >= k or len(found) < wanted:
                return kept[:k]
            wanted *= 4

    def _keeps_candidate(self, candidate: Candidate) -> bool:
        provider = candidate.metadata.get("provider")
        if provider is None:  # a source that does not say: read the card
            card = self._source.get(candidate.card_id)
            return card is None or self.keeps(card)
        return provider not in REGISTRY_PROVIDERS or self._runs(candidate.card_id)
