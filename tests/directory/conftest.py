"""Directory test helpers: real MiniLM embeddings, counted; real chromadb in a per-test folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from agentnet.cards import CapabilityCard, Skill
from agentnet.directory.embedder import shared_embedder
from agentnet.directory.store import Directory

DATA = Path(__file__).parent / "data"
TASKBENCH = Path("/work/shared/bench/taskbench")
# The repository ships no TaskBench copy; fall back to the test's own small tool list when it is absent.
MM_TOOLS = TASKBENCH / "mm_tool_desc.json"
MM_SAMPLES = TASKBENCH / "mm_sample.jsonl"


class CountingEmbedder:
    """The real shared MiniLM embedder, counting how many texts it was asked to embed."""

    def __init__(self, name: str | None = None) -> None:
        self.inner = shared_embedder()
        self.name = name or self.inner.name
        self.dimension = self.inner.dimension
        self.texts: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.embed(texts)

    def reset(self) -> None:
        self.texts.clear()


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def directory(tmp_path: Path, embedder: CountingEmbedder) -> Iterator[Directory]:
    with Directory(path=tmp_path / "dir", embedder=embedder, batch_size=8) as d:
        yield d


def sample_cards() -> list[CapabilityCard]:
    return [
        CapabilityCard(
            id="local-translator",
            name="Local translator",
            description="Translates text between English, French and German on this machine.",
            tags=["translation"],
            skills=[
                Skill(id="fr", name="English to French", description="Translate English text into French."),
                Skill(id="de", name="English to German", description="Translate English text into German."),
            ],
        ),
        CapabilityCard(
            id="cloud-vision",
            name="Cloud vision",
            description="Describes photos, detects objects and reads text in images.",
            input_types=["image"],
            output_types=["text"],
            locality="remote",
            data_leaves_host=True,
            cost_per_1k_input=2.0,
            provider="peer:lab",
        ),
        CapabilityCard(
            id="local-captioner",
            name="Local captioner",
            description="Writes a short caption describing a photo, offline.",
            input_types=["image"],
            output_types=["text"],
        ),
        CapabilityCard(
            id="painter",
            name="Painter",
            description="Generates an image from a text description.",
            input_types=["text"],
            output_types=["image"],
            cost_per_1k_input=0.2,
        ),
        CapabilityCard(
            id="offline-painter",
            name="Offline painter",
            description="Generates an image from a text prompt (currently switched off).",
            output_types=["image"],
            available=False,
        ),
    ]
