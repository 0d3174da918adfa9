"""Directory test helpers shared by the test modules (imported as ``dirkit``: a name no other test folder uses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from agentnet.cards import CapabilityCard, Skill
from agentnet.directory.embedder import shared_embedder

DATA = Path(__file__).parent / "data"
# The repository ships no TaskBench copy: CI and developers have shared/ beside the checkout (a clone
# elsewhere on a developer machine still finds the workplace copy).
_BESIDE_CHECKOUT = Path(__file__).resolve().parents[3] / "shared" / "bench" / "taskbench"
TASKBENCH = _BESIDE_CHECKOUT if _BESIDE_CHECKOUT.is_dir() else Path("/work/shared/bench/taskbench")
MM_TOOLS = TASKBENCH / "mm_tool_desc.json"
MM_SAMPLES = TASKBENCH / "mm_sample.jsonl"
AGENTNET = Path(sys.executable).parent / "agentnet"


def agentnet_directory(*args: str) -> subprocess.CompletedProcess[str]:
    """``agentnet directory ARGS`` as a user runs it, with chroma's telemetry off (no network)."""
    return subprocess.run(
        [str(AGENTNET), "directory", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )


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
