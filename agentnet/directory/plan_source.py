"""The configured directory as a plan reads it: from the card manifest while it is current, else chromadb.

The planner ranks cards with its own embeddings of each card's whole text (``planner.similarity``, the
vectors cached across processes), so on the plan path chromadb is mostly a card store, and importing
it was about 1 s of a cold ``agentnet plan``. A current manifest (``manifest``: chroma's write stamp
unchanged since it was written) gives the same cards in the same order. Only ``search`` needs chroma's
index (the planner's shortlist when a directory holds more cards than ``PlannerTuning.pool_size``, and
plan repair): it opens the directory then, so every ranking is still chroma's own.

``synced_source`` is the same for a caller that would otherwise sync the directory before planning
(``Network``, behind ``agentnet run``, serve and the daemon): when the directory already holds the declared
cards, or was never indexed, there is nothing to write and the plan reads what a sync would have left.
"""

from __future__ import annotations

from typing import Any

from agentnet.cards import CapabilityCard
from agentnet.directory import manifest
from agentnet.directory.inmemory import InMemorySource
from agentnet.directory.query import Candidate, SearchFilters
from agentnet.directory.store import Directory
from agentnet.directory.sync import holds


class ManifestSource:
    """A ``CardSource`` over the manifest's cards; ``search`` asks the directory, opened on first use."""

    def __init__(self, settings: Any, cards: list[CapabilityCard]) -> None:
        self._settings = settings
        self._cards = {card.id: card for card in cards}
        self._directory: Directory | None = None

    def cards(self) -> list[CapabilityCard]:
        return list(self._cards.values())

    def get(self, card_id: str) -> CapabilityCard | None:
        return self._cards.get(card_id)

    def search(self, text: str, k: int = 5, filters: SearchFilters | None = None) -> list[Candidate]:
        if self._directory is None:
            self._directory = Directory.from_settings(self._settings, readonly=True)
        return self._directory.search(text, k, filters)

    def close(self) -> None:
        if self._directory is not None:
            self._directory.close()
            self._directory = None


def open_for_planning(settings: Any) -> ManifestSource | Directory | None:
    """The cards of the directory ``settings`` describe, for one plan (close it after); None when the
    directory is empty or was never indexed (a plan then uses the declared models' cards)."""
    if Directory.never_indexed(settings):
        return None
    folder = Directory.embedded_folder(settings)
    if folder is not None:
        from agentnet.directory.embedder import shared_embedder

        cards = manifest.current_cards(folder, settings.collection, shared_embedder())
        if cards is not None:
            return ManifestSource(settings, cards) if cards else None
    directory = Directory.from_settings(settings, readonly=True)
    # Missing or stale (written by an older agentnet, or another chroma client): the next plan reads it.
    directory.publish_manifest()
    if directory.count() == 0:
        directory.close()
        return None
    return directory


def synced_source(settings: Any, cards: list[CapabilityCard]) -> ManifestSource | Directory | InMemorySource | None:
    """The cards a plan reads when syncing the registry's ``cards`` into the directory ``settings`` describe
    would change nothing (close it after): the manifest's (or, stale, the directory's read-only); a directory
    never indexed (or empty) gives ``cards`` themselves, as ``agentnet plan`` does. None when a sync is due
    (a model added or removed since): the caller syncs. Why: a fresh home's sync imported chromadb (1.5 s of
    CPU) and embedded every card's entries (1.7 s), which the plan does not read (it embeds whole cards)."""
    directory = open_for_planning(settings)
    if directory is None:
        return InMemorySource(cards)
    if holds(directory.cards(), cards, embedded=Directory.embedded_folder(settings) is not None):
        return directory
    directory.close()
    return None
