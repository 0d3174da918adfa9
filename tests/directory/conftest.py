"""Directory fixtures: real MiniLM embeddings, counted; real chromadb in a per-test folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dirkit import CountingEmbedder

from agentnet.directory.store import Directory


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def directory(tmp_path: Path, embedder: CountingEmbedder) -> Iterator[Directory]:
    with Directory(path=tmp_path / "dir", embedder=embedder, batch_size=8) as d:
        yield d
