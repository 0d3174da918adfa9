"""A directory indexed with one embedder, opened with another (same name, another dimension: a model
upgrade): a clear error naming the directory and the fix, and the fix (`agentnet directory reindex`)
re-embeds every card with nothing lost. Real chromadb, real MiniLM vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from dirkit import agentnet_directory, sample_cards

from agentnet.directory.embedder import shared_embedder
from agentnet.directory.store import Directory
from agentnet.errors import DirectoryError


class HalfEmbedder:
    """The real MiniLM embedder's first 192 dimensions, renormalised, under the same name."""

    def __init__(self) -> None:
        self.inner = shared_embedder()
        self.name = self.inner.name
        self.dimension = 192

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self.inner.embed(texts))[:, : self.dimension]
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_other_dimension_is_refused_with_the_fix_and_reindex_keeps_every_card(agentnet_home: Path) -> None:
    folder = agentnet_home / "directory"
    with Directory(path=folder, embedder=HalfEmbedder()) as built:
        built.sync(sample_cards()[:1])  # a published card: its publisher's mark must survive too
        built.register_many(sample_cards()[1:])
        before = {card.id: card for card in built.cards()}
        publishers = built.publishers(sample_cards()[0].id)
    assert publishers

    with pytest.raises(DirectoryError) as refused:
        Directory(path=folder)
    error = refused.value
    assert error.code == "directory_embedder_mismatch"
    assert str(folder) in error.message and "(192-d)" in error.message and "(384-d)" in error.message
    assert "agentnet directory reindex" in (error.hint or "")

    done = agentnet_directory("reindex")
    assert done.returncode == 0 and f"re-indexed {len(before)} cards" in done.stdout, done.stderr

    with Directory(path=folder, readonly=True) as reopened:
        assert {card.id: card for card in reopened.cards()} == before
        assert reopened.publishers(sample_cards()[0].id) == publishers
        assert reopened.search("translate this into German", k=1)[0].card_id == "local-translator"
    with pytest.raises(DirectoryError, match="384-d"):
        Directory(path=folder, embedder=HalfEmbedder())  # it really was re-embedded
