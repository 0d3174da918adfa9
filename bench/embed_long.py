"""Wall time of embedding one long text (a file handed to semantic search, say), cut at
``embedder.MAX_CHARS`` before tokenizing against tokenized whole, and whether the vectors differ.

The model reads a text's first 256 tokens; the tokenizer used to split the whole text first.

    .venv/bin/python bench/embed_long.py [--megabytes 14]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=float, default=14.0)
    args = parser.parse_args()

    import numpy as np

    from agentnet.directory import embedder as module

    prose = Path(__file__).resolve().parents[1].joinpath("README.md").read_text()
    size = int(args.megabytes * 1_000_000)
    text = (prose * (size // len(prose) + 1))[:size]
    embedder = module.MiniLMEmbedder()
    embedder.embed(["load the model first"])
    figures = {}
    for name, limit in (("whole", 10**12), ("cut", module.MAX_CHARS)):
        module.MAX_CHARS = limit
        start = time.perf_counter()
        figures[name] = (embedder.embed([text]), time.perf_counter() - start)
    difference = float(np.abs(figures["cut"][0] - figures["whole"][0]).max())
    print(f"{size:,} characters: whole {figures['whole'][1]:.2f} s, cut at {limit:,} {figures['cut'][1]:.3f} s")
    print(f"ratio cut/whole: {figures['cut'][1] / figures['whole'][1]:.4f}; largest vector difference: {difference}")


if __name__ == "__main__":
    main()
