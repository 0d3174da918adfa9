"""CPU of the embedder per batch size, on the card texts a fresh home's directory embeds, and whether the
vectors differ.

A fresh ``AGENTNET_HOME`` (every test has one) embeds the registry's model and tool cards when the first
command opens the directory. ``MiniLMEmbedder`` sorts texts by length and pads each batch to its longest:
the smaller the batch, the less padding. Printed per batch size: CPU seconds per embedding of the texts
(median of the rounds) and the largest difference from the batch-of-one vectors (0 means the same bits).

    .venv/bin/python bench/embed_batches.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def card_texts() -> list[str]:
    """The texts the directory embeds for the default registry's cards (a temporary home, then gone)."""
    import os

    from agentnet.directory.embedder import shared_embedder

    texts: list[str] = []
    embedder = shared_embedder()
    real = embedder.embed

    def counted(batch: list[str]):  # type: ignore[no-untyped-def]
        texts.extend(batch)
        return real(batch)

    embedder.embed = counted  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as home:
        os.environ["AGENTNET_HOME"] = home
        from agentnet.network import Network

        network = Network()
        assert network.directory is not None
        network.close()
    embedder.embed = real  # type: ignore[method-assign]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    import numpy as np

    from agentnet.directory.embedder import MiniLMEmbedder

    texts = card_texts()
    lengths = sorted(len(text) for text in texts)
    print(f"{len(texts)} card texts, {lengths[0]}-{lengths[-1]} characters")
    reference = MiniLMEmbedder(batch_size=1).embed(texts)
    for size in (32, 16, 8, 4, 1):
        embedder = MiniLMEmbedder(batch_size=size)
        embedder.embed(texts[:1])  # the ONNX session loaded outside the measure
        spent = []
        for _ in range(rounds):
            before = _cpu()
            vectors = embedder.embed(texts)
            spent.append(_cpu() - before)
        difference = float(np.abs(vectors - reference).max())
        print(f"batch {size:2d}: {statistics.median(spent):.2f} s of CPU, largest difference {difference:.1e}")


if __name__ == "__main__":
    main()
